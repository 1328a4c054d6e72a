"""Query-string helpers for views: bad values are ignored (treated as absent), never a 500;
dates out of the application's bounds (jinguo.common.dates) are bad values."""

import datetime as dt

from django.http import Http404, QueryDict

from jinguo.common import dates
from jinguo.common.http import AuthedRequest
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_get_for_user


def int_param(params: QueryDict, name: str) -> int | None:
    value = params.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def date_param(params: QueryDict, name: str) -> dt.date | None:
    """An ISO date within the application's bounds (jinguo.common.dates), else None."""
    try:
        day = dt.date.fromisoformat(params.get(name, "").strip())
    except ValueError:
        return None
    return day if dates.in_bounds(day) else None


def choice_param(params: QueryDict, name: str, choices: list[str]) -> str | None:
    value = params.get(name, "")
    return value if value in choices else None


def period_params(params: QueryDict) -> tuple[dt.date, dt.date]:
    """?start=&end= (inclusive); by default the calendar year to date. Reversed dates swap."""
    return dates.period_or_default(date_param(params, "start"), date_param(params, "end"))


def org_param(request: AuthedRequest, *, for_write: bool = False) -> OrgUnit:
    """?org= or the user's own unit, fetched and checked (404 outside the user's scope)."""
    org_id = int_param(request.GET, "org") or request.user.org_id
    if org_id is None:
        raise Http404
    return org_get_for_user(user=request.user, org_id=org_id, for_write=for_write)
