"""The one list of report sections: the dashboard, its Excel export, its API and the work report
(Word and PDF) all show `SECTIONS`, in this order, under these titles.

Each entry names a section's stable key, its title (the words of the seed documents), the
function giving the org's figures for a period (the apps' figures selectors; also what the
period comparison calls), the keys of its per-child table, and, for a section with a table,
the reader that gives the figures with every child's values from one grouped query.

`dashboard_sections(*, user, org, start, end) -> list[Section]` is the one entry point.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.activities.figures import activities_figures_grouped
from jinguo.activities.selectors import activities_figures
from jinguo.assessments.selectors import assessments_figures, assessments_figures_grouped
from jinguo.common.figures import Figure
from jinguo.common.parallel import run_reads
from jinguo.employment.selectors import employment_figures, employment_figures_grouped
from jinguo.honours.selectors import honours_figures, honours_figures_grouped
from jinguo.meetings.figures import meeting_figures_grouped
from jinguo.meetings.selectors import meeting_figures
from jinguo.orgs.models import OrgUnit
from jinguo.points.selectors import points_figures, points_figures_grouped
from jinguo.reports.coverage import coverage_grouped, coverage_read
from jinguo.reports.section_reads import (
    activities_read,
    case_period_figures,
    cases_grouped,
    cases_read,
    meetings_read,
    trainings_read,
)
from jinguo.reports.shapes import Section, SectionRead, child_table, dashboard_children
from jinguo.reports.work import SNAPSHOT as WORK_SNAPSHOT
from jinguo.reports.work import work_figures, work_grouped
from jinguo.sanxin.selectors import sanxin_figures, sanxin_figures_grouped
from jinguo.trainings.figures import trainings_figures_grouped
from jinguo.trainings.selectors import trainings_figures

FiguresFn = Callable[..., list[Figure]]  # (*, user, org, start, end) -> figures
Reader = Callable[..., SectionRead]  # (*, user, org, start, end) -> figures and child values
# (*, user, org, start, end, targets: jinguo.common.grouped.Targets) -> {unit pk: figures}: the
# figures of every target (units in org's subtree) from grouped queries, each unit's equal to
# its own dashboard's (jinguo/reports/tests/test_grouped.py proves it on the demo tree).
GroupedFn = Callable[..., dict[int, list[Figure]]]


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: Any  # lazy Chinese
    # The org's figures of a period (None: the section is the current state only, and the
    # period comparison skips it).
    figures: FiguresFn | None
    # The figures with each direct child's values (None: `figures` alone, no per-child table).
    read: Reader | None = None
    columns: tuple[str, ...] = ()  # figure keys of the per-child table, in the figures' order
    snapshot: frozenset[str] = frozenset()  # figure keys of the current state
    # The figures of many units at once (None: read unit by unit, jinguo.reports.many).
    grouped: GroupedFn | None = None

    def section(
        self, *, user: User, org: OrgUnit, start: dt.date, end: dt.date, org_children: list[OrgUnit]
    ) -> Section:
        common: dict[str, Any] = {"user": user, "org": org, "start": start, "end": end}
        if self.read is not None:
            got = self.read(**common)
        elif self.figures is not None:
            got = SectionRead(self.figures(**common))
        else:
            raise ImproperlyConfigured(f"section {self.key!r} has neither figures nor a reader")
        table = None
        if got.children is not None and self.columns:
            table = child_table(
                org_children=org_children,
                columns=[(f.key, f.label) for f in got.figures if f.key in self.columns],
                values=got.children,
                start=start,
                end=end,
            )
        return Section(self.key, self.title, got.figures, table, got.snapshot | self.snapshot)


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "coverage",
        _("不漏一户与走访"),
        None,
        coverage_read,
        (
            "coverage.households",
            "coverage.covered",
            "coverage.unassigned",
            "coverage.grids",
            "coverage.covered_grids",
            "coverage.unstaffed_grids",
            "coverage.key_households",
            "coverage.visited_on_time",
            "coverage.visits_overdue",
        ),
        grouped=coverage_grouped,
    ),
    SectionSpec(
        "work",
        _("走访、执委与微心愿"),
        work_figures,
        snapshot=WORK_SNAPSHOT,
        grouped=work_grouped,
    ),
    SectionSpec(
        "cases",
        _("矛盾纠纷化解"),
        case_period_figures,
        cases_read,
        ("cases.disputes", "cases.written_agreements", "cases.emotional_found"),
        grouped=cases_grouped,
    ),
    SectionSpec(
        "meetings",
        _("议事协商"),
        meeting_figures,
        meetings_read,
        ("meetings.held",),
        grouped=meeting_figures_grouped,
    ),
    SectionSpec(
        "activities",
        _("活动与志愿服务"),
        activities_figures,
        activities_read,
        ("activities.held", "activities.person_times"),
        grouped=activities_figures_grouped,
    ),
    SectionSpec(
        "trainings",
        _("教育培训"),
        trainings_figures,
        trainings_read,
        ("trainings.sessions", "trainings.person_times"),
        grouped=trainings_figures_grouped,
    ),
    SectionSpec(
        "sanxin", _("“三新”领域妇联组织建设"), sanxin_figures, grouped=sanxin_figures_grouped
    ),
    SectionSpec("points", _("履职积分"), points_figures, grouped=points_figures_grouped),
    SectionSpec(
        "assessments", _("考核与补贴"), assessments_figures, grouped=assessments_figures_grouped
    ),
    SectionSpec("honours", _("家庭与表彰"), honours_figures, grouped=honours_figures_grouped),
    SectionSpec(
        "employment", _("创业就业"), employment_figures, grouped=employment_figures_grouped
    ),
)


def period_figure_fns() -> list[FiguresFn]:
    """The figures functions of the sections that change with the period (the comparison)."""
    return [spec.figures for spec in SECTIONS if spec.figures is not None]


def dashboard_sections(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Section]:
    """The dashboard of `org`'s subtree for the period start … end (inclusive), as the sections
    of SECTIONS, in order.

    Every figure's url lists exactly the records it counts. Coverage, cases, meetings,
    activities and trainings carry a `children` table: one row per direct child unit of `org`
    (visible, active), each cell the child's value of that figure (equal to the figure on the
    child's own dashboard) and linking to the child's dashboard — one grouped query per
    section, whatever the number of children. Keys in `Section.snapshot` are the current
    state rather than the period. The caller has fetched `org` through the user's scope
    (jinguo.common.params.org_param)."""
    return run_reads(section_tasks(user=user, org=org, start=start, end=end))


def section_tasks(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date
) -> list[Callable[[], Section]]:
    """One read per section, in the page's order (independent: run side by side)."""
    kids = dashboard_children(user=user, org=org)
    return [
        partial(spec.section, user=user, org=org, start=start, end=end, org_children=kids)
        for spec in SECTIONS
    ]
