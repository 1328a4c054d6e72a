"""meeting_figures of many units at once (a round's targets): the same counts, over the same
scoped lists with `org` the targets' ancestor, grouped by the target each meeting lies under —
three queries per path length of the targets, whatever their number."""

import datetime as dt

from jinguo.accounts.models import User
from jinguo.common.figures import Figure
from jinguo.common.grouped import Targets, grouped_count, grouped_counts
from jinguo.meetings.selectors import (
    HELD_BY_KIND,
    RESOLVED,
    MeetingCounts,
    held_meetings,
    held_resolutions,
    held_topics,
    meeting_figures_of,
)
from jinguo.orgs.models import OrgUnit


def meeting_figures_grouped(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, targets: Targets
) -> dict[int, list[Figure]]:
    """Per target (in org's subtree), its meeting_figures for the period."""
    held = held_meetings(user=user, org=org, start=start, end=end)
    by_kind = grouped_counts(held, HELD_BY_KIND, path_field="org__path", targets=targets)
    resolved = grouped_counts(
        held_resolutions(user=user, org=org, start=start, end=end),
        RESOLVED,
        path_field="meeting__org__path",
        targets=targets,
    )
    topics = grouped_count(held_topics(held), path_field="meeting__org__path", targets=targets)
    return {
        unit.pk: meeting_figures_of(
            MeetingCounts(by_kind=by_kind[unit.pk], topics=topics[unit.pk], **resolved[unit.pk]),
            org=unit,
            start=start,
            end=end,
        )
        for unit in targets
    }
