"""Phone numbers as people type them: full-width digits, spaces, dashes, +86."""

import re
import unicodedata

from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\s\-()（）]")
MOBILE = re.compile(r"1\d{10}")
# Area code (0 + 2–3 digits) and a 7–8 digit local number, e.g. 0563-4012345.
LANDLINE = re.compile(r"0\d{9,11}")


class PhoneError(ValueError):
    pass


def parse_phone(value: object) -> str:
    """The number as digits only ("" for blank), or PhoneError saying in Chinese what is wrong."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(value or "")))
    if text.endswith(".0") and text[:-2].isdigit():  # typed into Excel as a number
        text = text[:-2]
    if text.startswith("+86"):
        text = text[3:]
    elif len(text) == 13 and text.startswith("861"):
        text = text[2:]
    if not text:
        return ""
    if not text.isdigit():
        raise PhoneError(_("电话号码只能包含数字"))
    if MOBILE.fullmatch(text) or LANDLINE.fullmatch(text):
        return text
    raise PhoneError(
        _("电话号码应为11位手机号，或带区号的固定电话（如0563-4012345），实际为%(n)d位数字")
        % {"n": len(text)}
    )
