"""The period a figure is compared with: the same period last year (同比, what federations
report, the default) or the period of equal length just before (环比)."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

YEAR_ON_YEAR = "yoy"  # 同比
PREVIOUS = "prev"  # 环比: the period of equal length before
MODES: dict[str, Any] = {YEAR_ON_YEAR: _("同比（去年同期）"), PREVIOUS: _("环比（上一期）")}
DEFAULT_MODE = YEAR_ON_YEAR


def compare_mode(params: Mapping[str, Any]) -> str:
    """?compare=yoy|prev; anything else is the default (同比)."""
    mode = params.get("compare")
    return mode if mode in MODES else DEFAULT_MODE


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of equal length that ends the day before `start`."""
    length = (end - start).days
    prev_end = start - dt.timedelta(days=1)
    return prev_end - dt.timedelta(days=length), prev_end


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _year_back(day: dt.date) -> dt.date:
    """The same day a year earlier; the last day of a month stays the last day (29 Feb 2024 →
    28 Feb 2023, 28 Feb 2025 → 29 Feb 2024), so a whole month compares with the whole month."""
    if day == _month_end(day.year, day.month):
        return _month_end(day.year - 1, day.month)
    return day.replace(year=day.year - 1)


def same_period_last_year(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """同比: the same days a year earlier."""
    return _year_back(start), _year_back(end)


def comparison_period(start: dt.date, end: dt.date, mode: str) -> tuple[dt.date, dt.date]:
    if mode == PREVIOUS:
        return previous_period(start, end)
    return same_period_last_year(start, end)
