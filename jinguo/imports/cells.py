"""Reading one cell of a real ledger: what people and Excel actually put in them.

Stray spaces, numbers where text was meant (an ID number typed into a General cell comes back
as a float that has lost its last digits), Excel serial dates and dates written in several ways.
Each reader returns the clean value, or raises CellError whose message is the row error shown to
the user.

Text that is stored (addresses, notes, names) is kept as typed, full-width punctuation and
letters included (「新迁入，独居老人」); only identifiers and look-up keys (codes, household
numbers, ID numbers, phones, grid and category names looked up) are folded to half-width (NFKC).
"""

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext as _

from jinguo.people.idcard import normalize_id
from jinguo.people.phones import PhoneError, parse_phone


class CellError(ValueError):
    """A cell that cannot be read; `key` names the field at fault when the reader knows it (the
    error workbook marks that cell)."""

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


# Excel keeps 15 significant digits of a number: anything longer typed as a number is mangled.
_EXACT_LIMIT = 1e15
_SPACES = re.compile(r"\s+")
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?E\+?\d+$")
# Excel's day zero for serial dates (its 1900 leap-year bug shifts it back one day).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_LAST_SERIAL = 2_958_465  # 9999-12-31
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
SEPARATORS = re.compile(r"[、,，;；/\s]+")


def text(value: object) -> str:
    """A cell as text, as typed: numbers without a spurious ".0", whitespace runs collapsed."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        raw = value
    elif isinstance(value, bool):
        raw = "是" if value else "否"
    elif isinstance(value, float):
        raw = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, dt.datetime):
        raw = value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    else:
        raw = str(value)
    if not raw.isascii() or " " in raw or "\t" in raw or "\n" in raw or "\r" in raw:
        raw = _SPACES.sub(" ", raw)
    return raw.strip()


def compact(value: object) -> str:
    """An identifier or a look-up key (a code, a household number, a choice, a grid's name):
    full-width digits, letters and punctuation folded to half-width (NFKC), every space removed."""
    return _folded(value).replace(" ", "")


def _folded(value: object) -> str:
    clean = text(value)
    return clean if clean.isascii() else unicodedata.normalize("NFKC", clean)


def name(value: object) -> str:
    """A person's name: spaces inside a Chinese name are padding (“王  红”); others are kept."""
    clean = text(value)
    if " " in clean and not clean.replace(" ", "").isascii():
        return clean.replace(" ", "")
    return clean


def _precision_lost() -> CellError:
    return CellError(
        _("身份证号被Excel存成了数字，后几位已丢失，请把该列设为文本后重新填写"), key="id_number"
    )


def id_number(value: object) -> str:
    """The ID number as text, normalised; CellError when Excel has already mangled it."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if abs(value) >= _EXACT_LIMIT:
            raise _precision_lost()
        return str(int(value)) if float(value).is_integer() else repr(value)
    number = normalize_id(value)
    if _SCIENTIFIC.match(number):
        raise _precision_lost()
    return number


def phone(value: object) -> str:
    """Digits only, as people.phones stores them; CellError with its reason otherwise."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if abs(value) >= _EXACT_LIMIT:
            raise CellError(_("联系电话被Excel存成了数字，请把该列设为文本后重新填写"), key="phone")
        value = int(value)
    try:
        return parse_phone(value)
    except PhoneError as exc:
        raise CellError(_("联系电话：%(reason)s") % {"reason": exc}, key="phone") from None


def date(value: object) -> dt.date | None:
    """A date from a date cell, an Excel serial number, 20240301, or text such as 2024-03-01,
    2024/3/1, 2024.3.1 or 2024年3月1日."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool):
        return _number_date(value)
    shown = _folded(value)
    if not shown:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(shown)
        if match:
            return _ymd(*(int(part) for part in match.groups()), shown=shown)
    if shown.isdigit():
        return _number_date(int(shown))
    raise _date_error(shown)


def _number_date(value: float) -> dt.date:
    if 19000101 <= value <= 99991231 and float(value).is_integer():
        number = int(value)
        return _ymd(number // 10000, number // 100 % 100, number % 100, shown=str(number))
    if 1 <= value <= _LAST_SERIAL:
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    raise _date_error(text(value))


def _ymd(year: int, month: int, day: int, *, shown: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _date_error(shown) from None


def _date_error(shown: str) -> CellError:
    return CellError(_("日期“%(value)s”无法识别，请写成2024-03-01的格式") % {"value": shown})


_GENDERS = {"女": "F", "f": "F", "female": "F", "男": "M", "m": "M", "male": "M"}


def gender(value: object) -> str:
    """ "F", "M" or "" for a blank cell."""
    shown = compact(value)
    if not shown:
        return ""
    found = _GENDERS.get(shown.lower())
    if found is None:
        raise CellError(
            _("性别“%(value)s”无法识别，请填写“女”或“男”") % {"value": shown}, key="gender"
        )
    return found


def split_list(value: object) -> list[str]:
    """Several values in one cell, separated by 、 , ， ; ； / or spaces, each a look-up key."""
    return [compact(part) for part in SEPARATORS.split(text(value)) if part]
