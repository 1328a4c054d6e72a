"""Verified duty facts, (person_id, day, source_id, org_id), from the points app's source
registry (jinguo.points.sources.SOURCES), and points earned (jinguo.points.selectors
.points_earned): a duty day and a point come from the same records.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from django.db.models import Q
from django.utils import timezone

from jinguo.orgs.models import OrgUnit
from jinguo.points.selectors import points_earned
from jinguo.points.sources import SOURCES

Fact = tuple[int, dt.date, str, int]  # person_id, day, source id ("visit:12"), org_id
FactSource = Callable[..., Iterable[Fact]]


def _day_range_q(field: str, start: dt.date, end: dt.date) -> Q:
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return Q(**{f"{field}__gte": lo, f"{field}__lt": hi})


def duty_facts(*, org: OrgUnit, start: dt.date, end: dt.date) -> Iterator[Fact]:
    """Every verified duty fact of the points registry: the same records that earn points."""
    for source in SOURCES.values():
        yield from source.facts(org=org, start=start, end=end)


def duty_days_by_person(
    *,
    org: OrgUnit,
    start: dt.date,
    end: dt.date,
    cap_per_month: int | None = None,
    facts: Iterable[Fact] | None = None,
) -> dict[int, int]:
    """Days with at least one verified duty record, per person; at most `cap_per_month` days
    in any calendar month when a cap is set."""
    days: dict[int, set[dt.date]] = defaultdict(set)
    for person_id, day, _source, _org in (
        facts if facts is not None else duty_facts(org=org, start=start, end=end)
    ):
        if start <= day <= end:
            days[person_id].add(day)
    result: dict[int, int] = {}
    for person_id, person_days in days.items():
        if cap_per_month is None:
            result[person_id] = len(person_days)
            continue
        per_month: dict[tuple[int, int], int] = defaultdict(int)
        for day in person_days:
            per_month[(day.year, day.month)] += 1
        result[person_id] = sum(min(n, cap_per_month) for n in per_month.values())
    return result


def points_by_person(*, org: OrgUnit, start: dt.date, end: dt.date) -> dict[int, int] | None:
    """Approved points earned in the period per person (jinguo.points)."""
    earned = points_earned(org=org, start=start, end=end)
    return {int(k): int(v) for k, v in dict(earned).items()}
