"""Reads for the dashboard: the figures of every app for one org and period, in sections.

`dashboard_sections(*, user, org, start, end) -> list[Section]` is the one entry point (the
work report calls it too). A Section has a stable `key`, a lazy Chinese `title`, its
`figures` (jinguo.common.figures.Figure, each linking to the records it counts) and optionally
a per-child table (`children`: one row per direct child unit, one cell per column, each cell
with the child's value and the url of the child's dashboard).

Figures of the current state (coverage, open cases, cases by kind) do not depend on the period;
their keys are in `Section.snapshot` and the period comparison skips them.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count
from django.db.models.functions import ExtractMonth, Substr
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.activities.models import Activity
from jinguo.activities.selectors import (
    activities_figures,
    activities_figures_by,
    activities_visible,
)
from jinguo.assessments.selectors import assessments_figures
from jinguo.cases import selectors as case_selectors
from jinguo.cases.models import Case, CaseKind
from jinguo.common.figures import Figure, figure_url
from jinguo.common.parallel import run_reads
from jinguo.employment.selectors import employment_figures
from jinguo.honours.selectors import honours_figures
from jinguo.households.coverage import coverage_counts
from jinguo.households.grid_coverage import covered_on
from jinguo.households.scope import households_visible
from jinguo.meetings.selectors import meeting_figures, meeting_figures_by
from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import scope_q
from jinguo.points.selectors import points_figures
from jinguo.reports import tallies
from jinguo.reports.periods import DEFAULT_MODE, comparison_period
from jinguo.reports.work import SNAPSHOT as WORK_SNAPSHOT
from jinguo.reports.work import work_figures
from jinguo.sanxin.selectors import sanxin_figures
from jinguo.trainings.selectors import coverage_figures, training_coverage, trainings_figures
from jinguo.visits.models import Visit
from jinguo.visits.selectors import overdue_counts

DASHBOARD = "/dashboard/"


@dataclass(frozen=True)
class Cell:
    value: int | float
    url: str  # the child's dashboard for the same period


@dataclass(frozen=True)
class ChildRow:
    org: OrgUnit
    cells: list[Cell]


@dataclass
class ChildTable:
    """Per direct child unit of the section's org: `keys` are figure keys of the section,
    `columns` their labels; each row holds one cell per column."""

    keys: list[str]
    columns: list[Any]
    rows: list[ChildRow] = field(default_factory=list)


@dataclass
class Section:
    key: str  # "coverage", "cases", "meetings", …
    title: Any  # lazy Chinese
    figures: list[Figure]
    children: ChildTable | None = None
    snapshot: frozenset[str] = frozenset()  # figure keys of the current state, not the period

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)


def dashboard_url(*, org: OrgUnit, start: dt.date, end: dt.date) -> str:
    return figure_url(DASHBOARD, org=org.pk, start=start, end=end)


def dashboard_children(*, user: User, org: OrgUnit) -> list[OrgUnit]:
    """The direct child units of `org` the user may see, active, in code order (one query)."""
    return list(
        OrgUnit.objects.filter(scope_q(user=user, field=""))
        .filter(parent=org, is_active=True)
        .order_by("code", "name", "pk")
    )


def _segment(org: OrgUnit, path_field: str) -> Substr:
    """The path segment of the direct child of `org` a row's unit lies under."""
    return Substr(path_field, len(org.path) + 1, tree.SEGMENT)


def _table(
    *,
    org_children: list[OrgUnit],
    columns: list[tuple[str, Any]],
    values: Callable[[OrgUnit], Mapping[str, int | float]],
    start: dt.date,
    end: dt.date,
) -> ChildTable:
    table = ChildTable(keys=[k for k, _l in columns], columns=[label for _k, label in columns])
    for child in org_children:
        got = values(child)
        url = dashboard_url(org=child, start=start, end=end)
        table.rows.append(ChildRow(org=child, cells=[Cell(got.get(k, 0), url) for k in table.keys]))
    return table


# --- sections ---------------------------------------------------------------------------------


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
        households_visible(user=user)
        .filter(org.subtree_q("grid__"), is_active=True, visit_interval_days__isnull=False)
        .annotate(segment=_segment(org, "grid__path"))
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
        return _Coverage(
            households=c.households,
            covered=c.households - c.unassigned,
            planned=planned.get(key, 0) if segment else sum(planned.values()),
            overdue=late.get(key, 0) if segment else overdue.total,
            grids=c.grids,
            staffed=c.covered_grids,
        )

    children = {
        tree.segment(child.pk): of(counts, tree.segment(child.pk))
        for child, counts in coverage.children
    }
    return of(coverage.total, None), children


def _coverage_tallied(*, org: OrgUnit) -> tuple[_Coverage, dict[str, _Coverage]]:
    def of(t: tallies.TallyCounts) -> _Coverage:
        return _Coverage(t.households, t.assigned, t.planned, t.overdue, t.grids, t.staffed)

    total, children = tallies.unit_tallies(org=org)
    return of(total), {segment: of(t) for segment, t in children.items()}


def _coverage(*, user: User, org: OrgUnit, on: dt.date) -> tuple[_Coverage, dict[str, _Coverage]]:
    """From the tallies while they are fresh and `on` is today (they count today's grid
    coverage), for users whose scope is a whole subtree (a grid member's also holds the
    households she covers elsewhere, which the tallies cannot know)."""
    today = timezone.localdate()
    if on == today and user.role != Role.GRID_MEMBER and tallies.tallies_fresh() is not None:
        return _coverage_tallied(org=org)
    return _coverage_live(user=user, org=org, on=on)


def _coverage_figures(unit: OrgUnit, c: _Coverage, on: dt.date | None = None) -> list[Figure]:
    """The figures of 不漏一户; grids covered (覆盖, households.grid_coverage) and without an
    executive are read on the day `on` (the period's end, at most today), and link to the
    grid list of that day."""
    ledger, grids = "/households/", "/households/grids/"
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
            figure_url("/visits/overdue/", org=unit.pk),
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


def coverage_section(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, org_children: list[OrgUnit]
) -> Section:
    """不漏一户 and visits, the current state (snapshot): households, covered (with a 包保
    executive) or not, grids with and without an executive, key households (with an active
    category, so on a visit plan) visited on time and overdue."""
    on = covered_on(end)
    total, per_segment = _coverage(user=user, org=org, on=on)
    figures = _coverage_figures(org, total, on)
    keys = [f.key for f in figures]
    table = _table(
        org_children=org_children,
        columns=[(f.key, f.label) for f in figures if f.key != "coverage.on_time_rate"],
        values=lambda child: {
            f.key: f.value
            for f in _coverage_figures(
                child, per_segment.get(tree.segment(child.pk), _Coverage()), on
            )
        },
        start=start,
        end=end,
    )
    return Section("coverage", _("不漏一户与走访"), figures, table, frozenset(keys))


def _case_figures(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Figure]:
    """The cases' own period figures under the dashboard's keys ("cases.disputes", …)."""
    return [
        Figure(f"cases.{f.key}", f.label, f.value, f.url, _("件"))
        for f in case_selectors.case_figures(user=user, org=org, start=start, end=end)
    ]


def cases_section(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, org_children: list[OrgUnit]
) -> Section:
    """The seed figures of disputes handled in the period (cases' own figures), and the current
    state of the cases of the subtree: by kind, resolved rate, overdue, mean satisfaction."""
    # The period figures and the per-child table from one grouped query (by the child of
    # `org` handling the case).
    own, per_child = case_selectors.case_figures_by(
        user=user, org=org, start=start, end=end, group=_segment(org, "org__path")
    )
    figures = [Figure(f"cases.{f.key}", f.label, f.value, f.url, _("件")) for f in own]
    state = case_selectors.case_state(user=user, org=org)
    base = "/cases/"
    snapshot = []
    for kind in CaseKind:
        key = f"cases.kind.{kind.value}"
        url = figure_url(base, org=org.pk, kind=kind.value)
        figures.append(Figure(key, kind.label, state.by_kind[kind.value], url, _("件")))
        snapshot.append(key)
    rate = round(100 * state.done / state.total, 1) if state.total else 0
    figures += [
        Figure("cases.resolved_rate", _("办结率"), rate, figure_url(base, org=org.pk), "%"),
        Figure(
            "cases.overdue",
            _("超期未办结"),
            state.overdue,
            figure_url(base, org=org.pk, overdue=1),
            _("件"),
        ),
        Figure(
            "cases.satisfaction",
            _("平均满意度"),
            round(state.mean_satisfaction or 0, 2),
            figure_url(base, org=org.pk, status=Case.Status.RATED),
            _("分"),
        ),
    ]
    snapshot += ["cases.resolved_rate", "cases.overdue", "cases.satisfaction"]
    rows = {
        segment: {f"cases.{key}": n for key, n in counts.items()}
        for segment, counts in per_child.items()
    }
    columns = [
        (f.key, f.label)
        for f in figures
        if f.key in ("cases.disputes", "cases.written_agreements", "cases.emotional_found")
    ]
    table = _table(
        org_children=org_children,
        columns=columns,
        values=lambda child: rows.get(tree.segment(child.pk), {}),
        start=start,
        end=end,
    )
    return Section("cases", _("矛盾纠纷与诉求"), figures, table, frozenset(snapshot))


def meetings_section(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, org_children: list[OrgUnit]
) -> Section:
    # The figures and the per-child table from one grouped query (by the child of `org`).
    figures, per_child = meeting_figures_by(
        user=user, org=org, start=start, end=end, group=_segment(org, "org__path")
    )
    rows = {segment: {"meetings.held": sum(kinds.values())} for segment, kinds in per_child.items()}
    held = next(f for f in figures if f.key == "meetings.held")
    table = _table(
        org_children=org_children,
        columns=[(held.key, held.label)],
        values=lambda child: rows.get(tree.segment(child.pk), {}),
        start=start,
        end=end,
    )
    return Section("meetings", _("议事协商"), figures, table)


def activities_section(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, org_children: list[OrgUnit]
) -> Section:
    # The figures and the per-child table from one grouped query (by the child of `org`).
    figures, per_child = activities_figures_by(
        user=user, org=org, start=start, end=end, group=_segment(org, "org__path")
    )
    rows = {
        segment: {
            "activities.held": sum(n for k, n in counts.items() if k != "person_times"),
            "activities.person_times": counts["person_times"],
        }
        for segment, counts in per_child.items()
    }
    keys = ("activities.held", "activities.person_times")
    table = _table(
        org_children=org_children,
        columns=[(f.key, f.label) for f in figures if f.key in keys],
        values=lambda child: rows.get(tree.segment(child.pk), {}),
        start=start,
        end=end,
    )
    return Section("activities", _("活动与志愿服务"), figures, table)


def trainings_section(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, org_children: list[OrgUnit]
) -> Section:
    coverage = training_coverage(user=user, org=org, start=start, end=end)
    figures = coverage_figures(coverage)
    per_child: dict[int, dict[str, int | float]] = {
        child.pk: {"trainings.sessions": c.sessions, "trainings.person_times": c.person_times}
        for child, c in coverage.children
    }
    keys = ("trainings.sessions", "trainings.person_times")
    table = _table(
        org_children=org_children,
        columns=[(f.key, f.label) for f in figures if f.key in keys],
        values=lambda child: per_child.get(child.pk, {}),
        start=start,
        end=end,
    )
    return Section("trainings", _("培训"), figures, table)


def work_section(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, org_children: list[OrgUnit]
) -> Section:
    """Visits made, executives, wishes collected and fulfilled (jinguo.reports.work)."""
    figures = work_figures(user=user, org=org, start=start, end=end)
    return Section("work", _("走访、执委与微心愿"), figures, snapshot=WORK_SNAPSHOT)


Builder = Callable[..., list[Figure]]
_PLAIN: list[tuple[str, Any, Builder]] = [
    ("sanxin", _("“三新”领域"), sanxin_figures),
    ("points", _("积分与补贴"), points_figures),
    ("assessments", _("考核"), assessments_figures),
    ("honours", _("家庭与荣誉"), honours_figures),
    ("employment", _("创业就业"), employment_figures),
]


def dashboard_sections(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Section]:
    """The dashboard of `org`'s subtree for the period start … end (inclusive), as sections:
    coverage, cases, meetings, activities, trainings, sanxin (with progress against targets),
    points (and allowances), assessments, honours, employment.

    Every figure's url lists exactly the records it counts. Coverage, cases, meetings,
    activities and trainings carry a `children` table: one row per direct child unit of `org`
    (visible, active), each cell the child's value of that figure (equal to the figure on the
    child's own dashboard) and linking to the child's dashboard — one grouped query per
    section, whatever the number of children. Keys in `Section.snapshot` are the current
    state rather than the period. The caller has fetched `org` through the user's scope
    (jinguo.common.params.org_param)."""
    return run_reads(_section_tasks(user=user, org=org, start=start, end=end))


def _section_tasks(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date
) -> list[Callable[[], Section]]:
    """One read per section, in the page's order (independent: run side by side)."""
    kids = dashboard_children(user=user, org=org)
    common: dict[str, Any] = {"user": user, "org": org, "start": start, "end": end}
    tasks: list[Callable[[], Section]] = [
        partial(builder, **common, org_children=kids)
        for builder in (
            coverage_section,
            work_section,
            cases_section,
            meetings_section,
            activities_section,
            trainings_section,
        )
    ]
    tasks += [partial(_plain_section, key, title, b, common) for key, title, b in _PLAIN]
    return tasks


def _plain_section(key: str, title: Any, builder: Builder, common: dict[str, Any]) -> Section:
    return Section(key, title, builder(**common))


# --- period comparison --------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    previous: int | float | None  # None: a snapshot figure, not compared
    delta: int | float | None
    percent: float | None  # None when the previous value is 0 (or not compared)

    @property
    def arrow(self) -> str:
        if self.delta is None or self.delta == 0:
            return "→" if self.delta == 0 else ""
        return "↑" if self.delta > 0 else "↓"


def change(value: int | float, previous: int | float | None) -> Change:
    if previous is None:
        return Change(None, None, None)
    delta = value - previous
    if isinstance(delta, float):
        delta = round(delta, 2)
    percent = round(100 * delta / previous, 1) if previous else None
    return Change(previous, delta, percent)


def dashboard_comparison(
    *,
    user: User,
    org: OrgUnit,
    start: dt.date,
    end: dt.date,
    sections: list[Section],
    mode: str = DEFAULT_MODE,
) -> dict[str, Change]:
    """Per figure key, the change from the period compared with (`mode`: periods.YEAR_ON_YEAR,
    the same period last year, or periods.PREVIOUS, the period of equal length before; the
    period figures only: the current-state ones map to an empty Change)."""
    prev_start, prev_end = comparison_period(start, end, mode)
    common: dict[str, Any] = {"user": user, "org": org, "start": prev_start, "end": prev_end}
    builders: list[Builder] = [
        _case_figures,
        meeting_figures,
        activities_figures,
        trainings_figures,
        work_figures,
        *(b for _k, _t, b in _PLAIN),
    ]
    previous: dict[str, int | float] = {}
    for figures in run_reads([partial(builder, **common) for builder in builders]):
        previous |= {f.key: f.value for f in figures}
    out: dict[str, Change] = {}
    for section in sections:
        for f in section.figures:
            prev = None if f.key in section.snapshot else previous.get(f.key)
            out[f.key] = change(f.value, prev)
    return out


# --- monthly trends -----------------------------------------------------------------------------


def monthly_trends(*, user: User, org: OrgUnit, year: int) -> dict[str, list[int]]:
    """Visits, cases reported and activities held per month of `year` in org's subtree (three
    grouped queries), each a list of 12 counts."""
    visits = Visit.objects.filter(scope_q(user=user, field="org"), org.subtree_q("org__")).filter(
        visited_on__year=year
    )
    tallied = user.role != Role.GRID_MEMBER and tallies.tallies_fresh() is not None
    cases = case_selectors.cases_visible_in(user=user, org=org).filter(created_at__year=year)
    activities = activities_visible(user=user).filter(
        org.subtree_q("org__"), status=Activity.Status.HELD, starts_on__year=year
    )
    series = {
        "visits": visits.annotate(m=ExtractMonth("visited_on")),
        "cases": cases.annotate(m=ExtractMonth("created_at")),
        "activities": activities.annotate(m=ExtractMonth("starts_on")),
    }
    out: dict[str, list[int]] = {"visits": [], "cases": [], "activities": []}
    if tallied:  # ten million visits are summed from the monthly tallies
        out["visits"] = tallies.visit_months(org=org, year=year)
        del series["visits"]
    for name, qs in series.items():
        months = [0] * 12
        for m, n in qs.values_list("m").annotate(n=Count("id")).order_by():
            months[int(m) - 1] = n
        out[name] = months
    return out


# --- the cached dashboard -----------------------------------------------------------------------


@dataclass
class Dashboard:
    sections: list[Section]
    changes: dict[str, Change]
    trends: dict[str, list[int]]


def dashboard_key(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> str:
    """Who shares a computed dashboard: what a user sees is decided by her unit and role
    (scope_q), except a grid member's, who also sees the households she covers elsewhere:
    hers is cached for her alone."""
    who = f"u{user.pk}" if user.role == Role.GRID_MEMBER else f"o{user.org_id}"
    return f"dashboard:{who}:{user.role}:{org.pk}:{start}:{end}:{get_language()}"


def _cached(key: str, compute: Callable[[], Any], *, refresh: bool = False) -> Any:
    """From the shared cache (settings.CACHES["dashboard"]) unless `refresh` (the warmer)."""
    seconds = int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 30))
    store = caches["dashboard"]
    if seconds and not refresh:
        hit = store.get(key)
        if hit is not None:
            return hit
    value = compute()
    if seconds:
        store.set(key, value, seconds)
    return value


def _plain(sections: list[Section]) -> list[Section]:
    """The sections with their lazy labels turned into text (the cache key holds the
    language): unpickling a thousand lazy strings from the cache costs more than a page."""
    for section in sections:
        section.title = str(section.title)
        section.figures = [
            replace(f, label=str(f.label), unit=str(f.unit)) for f in section.figures
        ]
        if section.children is not None:
            section.children.columns = [str(c) for c in section.children.columns]
    return sections


def dashboard_board(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, refresh: bool = False
) -> Dashboard:
    """Sections and trends without the comparison (`changes` empty): what the page shows at
    once. Kept in the cache for DASHBOARD_CACHE_SECONDS (30 by default, 0 to switch off) per
    scope, org and period; with the tallies' own limit (TALLY_MAX_AGE_SECONDS, 30) a figure is
    at most a minute behind the records. The caller has checked `org` against the scope."""

    def compute() -> Dashboard:
        tasks: list[Callable[[], Any]] = [
            partial(monthly_trends, user=user, org=org, year=end.year),
            *_section_tasks(user=user, org=org, start=start, end=end),
        ]
        trends, *sections = run_reads(tasks)
        return Dashboard(sections=_plain(sections), changes={}, trends=trends)

    key = dashboard_key(user=user, org=org, start=start, end=end)
    return cast(Dashboard, _cached(key + ":board", compute, refresh=refresh))


def dashboard_changes(
    *,
    user: User,
    org: OrgUnit,
    start: dt.date,
    end: dt.date,
    refresh: bool = False,
    mode: str = DEFAULT_MODE,
) -> dict[str, Change]:
    """The comparison (同比 by default, `mode`), on its own: the page fetches it right after it
    has shown the figures (the board is then a cache hit), so neither request computes both
    periods. Cached like the board, per mode."""
    board = dashboard_board(user=user, org=org, start=start, end=end, refresh=refresh)

    def compute() -> dict[str, Change]:
        return dashboard_comparison(
            user=user, org=org, start=start, end=end, sections=board.sections, mode=mode
        )

    key = dashboard_key(user=user, org=org, start=start, end=end)
    return cast(dict[str, Change], _cached(f"{key}:changes:{mode}", compute, refresh=refresh))


def dashboard_cached(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, mode: str = DEFAULT_MODE
) -> Dashboard:
    """The board with its comparison (the API and the Excel export)."""
    board = dashboard_board(user=user, org=org, start=start, end=end)
    changes = dashboard_changes(user=user, org=org, start=start, end=end, mode=mode)
    return Dashboard(sections=board.sections, changes=changes, trends=board.trends)
