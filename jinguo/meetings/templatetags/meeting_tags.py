"""`{% meetings_week user %}`: the meetings of her scope this week, for her home page (the home
page lives in common, which imports no domain app; the template loads this tag). Two queries."""

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.meetings.selectors import meetings_between

register = template.Library()
SHOWN = 5
WEEK = 7


@register.inclusion_tag("meetings/_home.html")
def meetings_week(user: User) -> dict[str, Any]:
    start = timezone.localdate()
    end = start + dt.timedelta(days=WEEK - 1)
    meetings = meetings_between(user=user, start=start, end=end)
    count = meetings.count()
    return {
        "meetings": list(meetings[:SHOWN]) if count else [],
        "count": count,
        "start": start,
        "end": end,
    }
