"""Quiet hours (免打扰): when a delivery may go out, in the site's time zone (TIME_ZONE)."""

import datetime as dt

from django.utils import timezone


def in_quiet(moment: dt.time, start: dt.time, end: dt.time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # across midnight (21:00–07:30)


def not_before(now: dt.datetime, start: dt.time, end: dt.time) -> dt.datetime | None:
    """The end of her quiet hours when `now` falls in them; None: at once."""
    local = timezone.localtime(now)
    if not in_quiet(local.time(), start, end):
        return None
    day = local.date()
    if local.time() >= end:
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, end))
