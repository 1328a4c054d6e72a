"""Query-string helpers for views: bad values are ignored (treated as absent), never a 500."""

import datetime as dt

from django.http import Http404, QueryDict
from django.utils import timezone

from jinguo.common.http import AuthedRequest
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_get_for_user


def int_param(params: QueryDict, name: str) -> int | None:
    value = params.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


# Dates a period may start or end on. Outside them the period arithmetic (the previous period of
# equal length, the day after the end) would leave the calendar: 0001-01-01 or 9999-12-31 are
# typos or probes, not periods anyone keeps records for.
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def date_param(params: QueryDict, name: str) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(params.get(name, "").strip())
    except ValueError:
        return None
    return day if EARLIEST_DATE <= day <= LATEST_DATE else None


def choice_param(params: QueryDict, name: str, choices: list[str]) -> str | None:
    value = params.get(name, "")
    return value if value in choices else None


def period_params(params: QueryDict) -> tuple[dt.date, dt.date]:
    """?start=&end= (inclusive); by default the calendar year to date. Reversed dates swap."""
    today = timezone.localdate()
    start = date_param(params, "start") or today.replace(month=1, day=1)
    end = date_param(params, "end") or today
    return (start, end) if start <= end else (end, start)


def org_param(request: AuthedRequest, *, for_write: bool = False) -> OrgUnit:
    """?org= or the user's own unit, fetched and checked (404 outside the user's scope)."""
    org_id = int_param(request.GET, "org") or request.user.org_id
    if org_id is None:
        raise Http404
    return org_get_for_user(user=request.user, org_id=org_id, for_write=for_write)
