"""trainings_figures of many units at once (a round's targets): the same counts, over the same
scoped lists with `org` the targets' ancestor, grouped by the target each record lies under —
three queries per path length of the targets, whatever their number. Trainees and executives
are distinct people per target (one attending under two targets counts for each, once)."""

import datetime as dt

from jinguo.accounts.models import User
from jinguo.common.figures import Figure
from jinguo.common.grouped import Targets, grouped_counts
from jinguo.orgs.models import OrgUnit
from jinguo.people.selectors import active_seats
from jinguo.trainings.selectors import (
    ATTENDANCE_COUNTS,
    SESSION_COUNTS,
    TrainingCoverage,
    attendance_list,
    coverage_counts,
    coverage_figures,
    executive_counts,
    held_sessions,
)


def trainings_figures_grouped(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, targets: Targets
) -> dict[int, list[Figure]]:
    """Per target (in org's subtree), its trainings_figures for the period."""
    sessions = grouped_counts(
        held_sessions(user=user, org=org, start=start, end=end),
        {},
        path_field="course__org__path",
        targets=targets,
        extra=SESSION_COUNTS,
    )
    attendance = grouped_counts(
        attendance_list(user=user, org=org, start=start, end=end),
        {},
        path_field="session__course__org__path",
        targets=targets,
        extra=ATTENDANCE_COUNTS,
    )
    executives = grouped_counts(
        active_seats(user=user, org=org),
        {},
        path_field="org__path",
        targets=targets,
        extra=executive_counts(start, end),
    )
    result = {}
    for unit in targets:
        counts = coverage_counts(sessions[unit.pk], attendance[unit.pk], executives[unit.pk])
        coverage = TrainingCoverage(org=unit, start=start, end=end, total=counts)
        result[unit.pk] = coverage_figures(coverage)
    return result
