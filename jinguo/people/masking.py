"""How personal numbers are shown to people who may not see them whole."""


def mask_id(number: str) -> str:
    """340000********1234: the region and the last four, enough to tell people apart."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
