"""Working-day arithmetic over the holiday calendar (Holiday rows).

A day is a working day when it is Monday–Friday and not a listed holiday, or when it is listed
as a make-up working day (调休上班), whatever weekday it falls on.
"""

import datetime as dt

from jinguo.cases.models import Holiday

# date → True (make-up working day) / False (day off)
Calendar = dict[dt.date, bool]


def load_holidays(start: dt.date, end: dt.date) -> Calendar:
    """The calendar entries between start and end inclusive, in one query."""
    rows = Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday")
    return dict(rows)


def is_working_day(day: dt.date, holidays: Calendar) -> bool:
    if day in holidays:
        return holidays[day]
    return day.weekday() < 5


def add_working_days(start: dt.date, n: int, holidays: Calendar) -> dt.date:
    """The n-th working day after `start` (start itself not counted); n=0 gives start."""
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            n -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, holidays: Calendar) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start), so that
    working_days_between(d, add_working_days(d, n, h), h) == n."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day, holidays)
    return count


def add_working_days_loaded(start: dt.date, n: int) -> dt.date:
    """add_working_days with the calendar loaded for a window wide enough for n (one query):
    even with long holidays, n working days fit in 2n + 30 calendar days."""
    holidays = load_holidays(start, start + dt.timedelta(days=2 * n + 30))
    return add_working_days(start, n, holidays)
