"""activities_figures of many units at once (a round's targets): the same counts, over the same
scoped lists with `org` the targets' ancestor, grouped by the target each record lies under —
five queries per path length of the targets, whatever their number."""

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet, Sum

from jinguo.accounts.models import User
from jinguo.activities.models import Activity
from jinguo.activities.selectors import (
    HELD_BY_KIND,
    PERSON_TIMES,
    ActivityCounts,
    active_teams,
    activities_figures_of,
    held_activities,
    hours_list,
    open_memberships,
    series_held,
)
from jinguo.common.figures import Figure
from jinguo.common.grouped import Targets, grouped_count, grouped_counts
from jinguo.orgs.models import OrgUnit

SeriesRows = list[tuple[int, str, int]]


def activities_figures_grouped(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, targets: Targets
) -> dict[int, list[Figure]]:
    """Per target (in org's subtree), its activities_figures for the period."""
    held = held_activities(user=user, org=org, start=start, end=end)
    counts = grouped_counts(
        held, HELD_BY_KIND, path_field="org__path", targets=targets, extra=PERSON_TIMES
    )
    series = _series_grouped(held, targets)
    teams = grouped_count(active_teams(user=user, org=org), path_field="org__path", targets=targets)
    volunteers = grouped_count(
        open_memberships(user=user, org=org),
        path_field="team__org__path",
        targets=targets,
        distinct="person_id",
    )
    hours = grouped_counts(
        hours_list(user=user, org=org, start=start, end=end),
        {},
        path_field="membership__team__org__path",
        targets=targets,
        extra={"hours": Sum("hours")},
    )
    result = {}
    for unit in targets:
        by_kind = dict(counts[unit.pk])
        person_times = by_kind.pop("person_times")
        counted = ActivityCounts(
            by_kind=by_kind,
            person_times=person_times or 0,
            series=series[unit.pk],
            teams=teams[unit.pk],
            volunteers=volunteers[unit.pk],
            hours=_decimal(hours[unit.pk]["hours"]),
        )
        result[unit.pk] = activities_figures_of(counted, org=unit, start=start, end=end)
    return result


def _series_grouped(held: QuerySet[Activity], targets: Targets) -> dict[int, SeriesRows]:
    """Per target, the occurrences held per series, in the figures' order: one query a pass."""
    result: dict[int, SeriesRows] = {unit.pk: [] for unit in targets}
    for pass_ in targets.passes():
        for row in series_held(pass_.rows(held, "org__path"), "_unit_path"):
            unit = pass_.units.get(row["_unit_path"])
            if unit is not None:
                result[unit.pk].append((row["series"], row["series__title"], row["n"]))
    return result


def _decimal(value: Decimal | int | None) -> Decimal | None:
    return None if value is None else Decimal(value)
