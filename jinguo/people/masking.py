"""How personal numbers are shown to people who may not see them whole.

An ID number (GB 11643) is region (6 digits), birth date (8), sequence (3) and check digit (1).
The mask keeps the region and the last four, so the eight digits it hides are exactly the
birth date: a birth date shown in full beside a masked number gives the number back (issue 20,
a leader rebuilt 188 of 274 numbers from a masked roster). So wherever a number is masked the
birth date is shown as its year only (`birth_shown`), and in full only where the whole number
is shown too (an audited unmasking or a full-number export). With the year, the check digit
and the sequence digits known, about 30 dates of the year still fit each number.

The sequence digit's parity is the gender, which every page shows anyway; the region is the
place of registration, mostly that of the unit the person belongs to. Neither narrows the
hidden date.
"""

import datetime as dt
from typing import Literal, overload


def mask_id(number: str) -> str:
    """340000********1234: the region and the last four, enough to tell people apart."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


@overload
def birth_shown(birth_date: dt.date | None, *, full_number: Literal[False] = ...) -> int | None: ...
@overload
def birth_shown(birth_date: dt.date | None, *, full_number: bool) -> dt.date | int | None: ...
def birth_shown(birth_date: dt.date | None, *, full_number: bool = False) -> dt.date | int | None:
    """How a birth date is shown beside the person's ID number: the date itself only where the
    whole number is shown (`full_number`), otherwise the year alone. The one place pages,
    the API and the exports decide it (templates: people_tags.birth_shown)."""
    if birth_date is None:
        return None
    return birth_date if full_number else birth_date.year
