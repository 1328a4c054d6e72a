"""Resident identity card numbers (GB 11643-1999): normalisation, checksum, birth date."""

import datetime as dt
import time
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.orgs.kinds import PROVINCE_PREFIXES

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


@dataclass(frozen=True)
class IdCard:
    number: str
    birth_date: dt.date
    gender: str  # "F" or "M", from the sequence digit's parity


class IdCardError(ValueError):
    pass


def normalize_id(value: object) -> str:
    """Full-width to half-width, spaces removed, trailing x upper-cased."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip().replace(" ", "")
    return text.upper()


_today_cache: tuple[float, dt.date] = (0.0, dt.date.min)


def _today() -> dt.date:
    """Today in the project's time zone, looked up at most once a minute: an import checks
    100,000 birth dates, and the time-zone lookup would cost a tenth of its time."""
    global _today_cache
    checked_at, today = _today_cache
    now = time.monotonic()
    if now - checked_at > 60:
        today = timezone.localdate()
        _today_cache = (now, today)
    return today


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse_id(value: object) -> IdCard:
    """The parsed card, or IdCardError saying in Chinese what is wrong."""
    number = normalize_id(value)
    if len(number) == 15 and number.isdigit():
        raise IdCardError(_("这是15位旧身份证号码，请填写18位号码"))
    if len(number) != 18:
        raise IdCardError(_("身份证号码应为18位，实际为%(n)d位") % {"n": len(number)})
    if not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        raise IdCardError(_("身份证号码前17位须为数字，最后一位为数字或X"))
    if number[:2] not in PROVINCE_PREFIXES:
        raise IdCardError(_("身份证号码前两位“%(p)s”不是有效的地区代码") % {"p": number[:2]})
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdCardError(_("身份证号码中的出生日期%(d)s无效") % {"d": number[6:14]}) from None
    if birth.year < 1900 or birth > _today():
        raise IdCardError(_("身份证号码中的出生日期%(d)s无效") % {"d": number[6:14]})
    expected = check_digit(number[:17])
    if number[17] != expected:
        raise IdCardError(_("身份证号码校验位错误：最后一位应为%(c)s") % {"c": expected})
    return IdCard(number=number, birth_date=birth, gender="M" if int(number[16]) % 2 else "F")
