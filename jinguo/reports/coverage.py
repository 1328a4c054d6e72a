"""The dashboard's section 不漏一户与走访, the current state: households covered by a 包保
executive or not, grids with and without an executive (覆盖 on the period's end, the one
definition in households.grid_coverage), key households visited on time and overdue — from the
tallies while they are fresh, else from the records."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.common.figures import Figure, figure_url, list_url
from jinguo.common.grouped import Targets, grouped_count, grouped_counts
from jinguo.households.coverage import RESPONSIBLE, coverage_counts, has_open, subtree_households
from jinguo.households.grid_coverage import covered_on, grid_covered
from jinguo.households.selectors import grid_list_visible
from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit
from jinguo.reports import tallies
from jinguo.reports.shapes import SectionRead, child_segment
from jinguo.visits.selectors import overdue_counts, overdue_households

# A household on a visit plan (an active key category).
PLANNED = Q(visit_interval_days__isnull=False)


@dataclass
class _Coverage:
    households: int = 0
    covered: int = 0
    planned: int = 0
    overdue: int = 0
    grids: int = 0
    staffed: int = 0


def planned_counts(*, user: User, org: OrgUnit) -> dict[str, int]:
    """Active households on a visit plan (an active key category), per child path segment of
    their home grid ("" for households of `org` itself)."""
    rows = (
        subtree_households(user=user, org=org)
        .filter(PLANNED)
        .annotate(segment=child_segment(org, "grid__path"))
        .values_list("segment")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def _coverage_live(
    *, user: User, org: OrgUnit, on: dt.date
) -> tuple[_Coverage, dict[str, _Coverage]]:
    """Counted from the records: the households app's coverage (grids covered on the day `on`)
    and the visit plan's overdue."""
    coverage = coverage_counts(user=user, org=org, on=on)
    overdue = overdue_counts(user=user, org=org)
    planned = planned_counts(user=user, org=org)
    late = {tree.segment(child.pk): n for child, n in overdue.children}

    def of(c: Any, segment: str | None) -> _Coverage:
        key = segment or ""
        return _of_live(
            households=c.households,
            unassigned=c.unassigned,
            planned=planned.get(key, 0) if segment else sum(planned.values()),
            overdue=late.get(key, 0) if segment else overdue.total,
            grids=c.grids,
            unstaffed=c.unstaffed_grids,
        )

    children = {
        tree.segment(child.pk): of(counts, tree.segment(child.pk))
        for child, counts in coverage.children
    }
    return of(coverage.total, None), children


def _coverage_tallied(*, org: OrgUnit) -> tuple[_Coverage, dict[str, _Coverage]]:
    total, children = tallies.unit_tallies(org=org)
    return _of_tally(total), {segment: _of_tally(t) for segment, t in children.items()}


def _coverage(*, user: User, org: OrgUnit, on: dt.date) -> tuple[_Coverage, dict[str, _Coverage]]:
    """From the tallies while they are fresh and `on` is today (they count today's grid
    coverage), for users whose scope is a whole subtree (a grid member's also holds the
    households she covers elsewhere, which the tallies cannot know)."""
    if _tallied(user=user, on=on):
        return _coverage_tallied(org=org)
    return _coverage_live(user=user, org=org, on=on)


def _tallied(*, user: User, on: dt.date) -> bool:
    today = timezone.localdate()
    return on == today and user.role != Role.GRID_MEMBER and tallies.tallies_fresh() is not None


def _of_tally(t: tallies.TallyCounts) -> _Coverage:
    return _Coverage(t.households, t.assigned, t.planned, t.overdue, t.grids, t.staffed)


def _of_live(
    *, households: int, unassigned: int, planned: int, overdue: int, grids: int, unstaffed: int
) -> _Coverage:
    return _Coverage(
        households=households,
        covered=households - unassigned,
        planned=planned,
        overdue=overdue,
        grids=grids,
        staffed=grids - unstaffed,
    )


def _coverage_grouped(
    *, user: User, org: OrgUnit, on: dt.date, targets: Targets
) -> dict[int, _Coverage]:
    """_coverage of every target (units of `org`'s subtree, by pk), from the same source
    (tallies or records) and the same scoped reads, counted per target (common.grouped)."""
    if _tallied(user=user, on=on):
        got = tallies.unit_tallies_grouped(org=org, targets=targets)
        return {pk: _of_tally(t) for pk, t in got.items()}
    households = grouped_counts(
        subtree_households(user=user, org=org),
        {
            "households": Q(),
            "unassigned": ~Q(has_open(RESPONSIBLE)),
            "planned": PLANNED,
        },
        path_field="grid__path",
        targets=targets,
    )
    grids = grouped_counts(
        grid_list_visible(user=user, org=org),
        {"grids": Q(), "unstaffed": ~Q(grid_covered(on))},
        path_field="path",
        targets=targets,
    )
    overdue = grouped_count(
        overdue_households(user=user, org=org), path_field="grid__path", targets=targets
    )
    return {
        unit.pk: _of_live(**households[unit.pk], **grids[unit.pk], overdue=overdue[unit.pk])
        for unit in targets
    }


def _coverage_figures(unit: OrgUnit, c: _Coverage, on: dt.date | None = None) -> list[Figure]:
    """The figures of 不漏一户; grids covered (覆盖, households.grid_coverage) and without an
    executive are read on the day `on` (the period's end, at most today), and link to the
    grid list of that day."""
    ledger, grids = list_url("households:list"), list_url("households:grids")
    day = on if on is not None and on != timezone.localdate() else None
    on_time = c.planned - c.overdue
    rate = round(100 * on_time / c.planned, 1) if c.planned else 0
    return [
        Figure(
            "coverage.households", _("家庭"), c.households, figure_url(ledger, org=unit.pk), _("户")
        ),
        Figure(
            "coverage.covered",
            _("已包保家庭"),
            c.covered,
            figure_url(ledger, org=unit.pk, unassigned=0),
            _("户"),
        ),
        Figure(
            "coverage.unassigned",
            _("未包保家庭"),
            c.households - c.covered,
            figure_url(ledger, org=unit.pk, unassigned=1),
            _("户"),
        ),
        Figure("coverage.grids", _("网格"), c.grids, figure_url(grids, org=unit.pk), _("个")),
        Figure(
            "coverage.covered_grids",
            _("覆盖网格"),
            c.staffed,
            figure_url(grids, org=unit.pk, unstaffed=0, on=day),
            _("个"),
        ),
        Figure(
            "coverage.unstaffed_grids",
            _("无执委网格"),
            c.grids - c.staffed,
            figure_url(grids, org=unit.pk, unstaffed=1, on=day),
            _("个"),
        ),
        Figure(
            "coverage.key_households",
            _("重点户"),
            c.planned,
            figure_url(ledger, org=unit.pk, plan="key"),
            _("户"),
        ),
        Figure(
            "coverage.visited_on_time",
            _("重点户按时走访"),
            on_time,
            figure_url(ledger, org=unit.pk, plan="on_time"),
            _("户"),
        ),
        Figure(
            "coverage.visits_overdue",
            _("重点户走访逾期"),
            c.overdue,
            figure_url(list_url("visits:overdue"), org=unit.pk),
            _("户"),
        ),
        Figure(
            "coverage.on_time_rate",
            _("按时走访率"),
            rate,
            figure_url(ledger, org=unit.pk, plan="on_time"),
            "%",
        ),
    ]


def coverage_read(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> SectionRead:
    """不漏一户 and visits, the current state (snapshot): households, covered (with a 包保
    executive) or not, grids with and without an executive, key households (with an active
    category, so on a visit plan) visited on time and overdue; per direct child the same
    figures from the same grouped counts."""
    on = covered_on(end)
    total, per_segment = _coverage(user=user, org=org, on=on)
    figures = _coverage_figures(org, total, on)

    def child(unit: OrgUnit) -> dict[str, int | float]:
        counts = per_segment.get(tree.segment(unit.pk), _Coverage())
        return {f.key: f.value for f in _coverage_figures(unit, counts, on)}

    return SectionRead(figures, child, frozenset(f.key for f in figures))


def coverage_grouped(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, targets: Targets
) -> dict[int, list[Figure]]:
    """coverage_read's figures of every target (units of `org`'s subtree, by pk), each equal
    to its own: a few grouped queries per path length of the targets, whatever their number."""
    on = covered_on(end)
    counts = _coverage_grouped(user=user, org=org, on=on, targets=targets)
    return {unit.pk: _coverage_figures(unit, counts[unit.pk], on) for unit in targets}
