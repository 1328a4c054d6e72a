"""The dates the application accepts: the one place that bounds every date, period and horizon.

A date lies between 1 January of settings.JINGUO_DATES_FIRST_YEAR and
settings.JINGUO_DATES_YEARS_AHEAD years from today; a period (a report's or a dashboard's, an
assessment round, a points period) spans at most settings.JINGUO_DATES_MAX_SPAN_YEARS. Outside
them a date is a typo or a probe: 0001-01-01 overflows the period arithmetic (the previous
period of equal length) and 2838-08-06 asks a series for ten thousand activities.

Forms use `DateField` (a field error), API inputs `ApiDateField` and, for a period,
`PeriodSerializer` (a 400 in the API's error shape); the services that create periods or
schedules (assessment rounds, allowance statements, points collection, 三新 targets, activity
series) check `date_errors`/`period_errors` themselves, so a date that comes in any other way
is refused too. The query strings of the pages (jinguo.common.params) ignore a date out of
bounds, as they ignore any bad value, and keep the last years of a period too long.
"""

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers


def earliest() -> dt.date:
    return dt.date(settings.JINGUO_DATES_FIRST_YEAR, 1, 1)


def latest(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return _years_after(today, settings.JINGUO_DATES_YEARS_AHEAD)


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def years_before(day: dt.date, years: int) -> dt.date:
    """The day `years` years before `day` (28 February for a 29th), never before 0001-01-01."""
    return _years_after(day, -min(years, day.year - 1))


def in_bounds(day: dt.date) -> bool:
    return earliest() <= day <= latest()


def date_errors(day: dt.date | None) -> list[str]:
    """Why `day` cannot be taken (empty if it can, or if there is no day)."""
    if day is None or in_bounds(day):
        return []
    return [
        _("日期应在%(first)s至%(last)s之间")
        % {"first": earliest().isoformat(), "last": latest().isoformat()}
    ]


def period_errors(start: dt.date | None, end: dt.date | None) -> list[str]:
    """Why the period from `start` to `end` (either may be missing) cannot be taken: a date out
    of bounds, or a span longer than the limit. The order of the two is the caller's rule."""
    errors = date_errors(start) + date_errors(end)
    if errors or start is None or end is None:
        return errors[:1]
    first, last = min(start, end), max(start, end)
    years = settings.JINGUO_DATES_MAX_SPAN_YEARS
    if last > _years_after(first, years):
        return [_("时间段不能超过%(years)s年") % {"years": years}]
    return []


# What <input type="date">, "datetime-local" and "time" hold: the browser drops any other value
# and shows an empty box (the locale's first input format, 2026/12/07 in Chinese, is not one),
# so a pre-filled or re-shown date would be lost. Typed in by hand (a browser without a date
# picker, an import, the tests) the Chinese forms are read too.
ISO_DATE, ISO_DATETIME, ISO_TIME = "%Y-%m-%d", "%Y-%m-%dT%H:%M", "%H:%M"
DATE_INPUT_FORMATS = [ISO_DATE, "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]
TIME_INPUT_FORMATS = [ISO_TIME, "%H:%M:%S", "%H时%M分", "%H点%M分", "%H点"]
DATETIME_INPUT_FORMATS = [
    f"{day}{sep}{time}"
    for day in DATE_INPUT_FORMATS[:4]
    for sep in "T "
    for time in TIME_INPUT_FORMATS
]


class DateInput(forms.DateInput):
    """The project's one date widget: <input type="date"> with an ISO value."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    """<input type="datetime-local"> with the value it takes (2026-12-07T09:30)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATETIME)


class TimeInput(forms.TimeInput):
    """<input type="time"> with the value it takes (09:30)."""

    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_TIME)


class DateField(forms.DateField):
    """A form's date field: the ISO date widget, ISO and the Chinese forms read, a date out of
    bounds refused with a field error."""

    widget = DateInput
    input_formats = DATE_INPUT_FORMATS

    def validate(self, value: Any) -> None:
        super().validate(value)
        if errors := date_errors(value):
            raise forms.ValidationError(errors[0], code="out_of_bounds")


class DateTimeField(forms.DateTimeField):
    """A form's date and time (datetime-local), its day bounded as DateField's."""

    widget = DateTimeInput
    input_formats = DATETIME_INPUT_FORMATS

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and (errors := date_errors(value.date())):
            raise forms.ValidationError(errors[0], code="out_of_bounds")


class TimeField(forms.TimeField):
    """A form's time of day (<input type="time">)."""

    widget = TimeInput
    input_formats = TIME_INPUT_FORMATS


class ApiDateField(serializers.DateField):
    """An API date (input) that refuses a date out of bounds with a 400."""

    def to_internal_value(self, value: Any) -> dt.date:
        day = super().to_internal_value(value)
        if errors := date_errors(day):
            raise serializers.ValidationError(errors[0], code="out_of_bounds")
        return day


class PeriodSerializer(serializers.Serializer):
    """An API input whose `period` fields (start, end) are a period: both dates in bounds and
    the span at most the limit, or a 400 on the end field. (List filters with dates narrow a
    list and need only bounded dates; periods are counted and compared, so they are capped.)"""

    period = ("start", "end")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = self.period
        if errors := period_errors(attrs.get(start), attrs.get(end)):
            raise serializers.ValidationError({end: errors})
        return super().validate(attrs)


def period_or_default(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period from `start` to `end`, by default the calendar year to date; reversed dates
    swap, and a period longer than the limit keeps its last years (the pages' lenient reading;
    the API refuses such a period with a 400 before it gets here, see PeriodSerializer)."""
    today = timezone.localdate()
    start, end = start or today.replace(month=1, day=1), end or today
    start, end = (start, end) if start <= end else (end, start)
    return max(start, years_before(end, settings.JINGUO_DATES_MAX_SPAN_YEARS)), end
