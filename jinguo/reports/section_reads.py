"""The readers of the dashboard's sections whose per-child table comes from one grouped query
(by the direct child of `org` a record lies under), whatever the number of children: cases,
meetings, activities and trainings. Each returns the org's figures (the apps' own figures
selectors) and the values of each child."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.activities.selectors import activities_figures_by
from jinguo.cases import selectors as case_selectors
from jinguo.cases.models import Case, CaseKind
from jinguo.common.figures import Figure, figure_url, list_url
from jinguo.common.grouped import Targets
from jinguo.meetings.selectors import meeting_figures_by
from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit
from jinguo.reports.shapes import SectionRead, child_segment
from jinguo.trainings.selectors import coverage_figures, training_coverage


def _dashboard_case_figures(figures: list[case_selectors.Figure]) -> list[Figure]:
    """The cases' own period figures under the dashboard's keys ("cases.disputes", …)."""
    return [Figure(f"cases.{f.key}", f.label, f.value, f.url, _("件")) for f in figures]


def case_period_figures(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Figure]:
    """The cases' own period figures under the dashboard's keys ("cases.disputes", …)."""
    return _dashboard_case_figures(
        case_selectors.case_figures(user=user, org=org, start=start, end=end)
    )


def _state_figures(org: OrgUnit, state: case_selectors.CaseState) -> list[Figure]:
    """The current state of the cases of org's subtree: by kind, resolved rate, overdue, mean
    satisfaction (snapshot figures: the period does not change them)."""
    base = list_url("cases:list")
    figures = [
        Figure(
            f"cases.kind.{kind.value}",
            kind.label,
            state.by_kind[kind.value],
            figure_url(base, org=org.pk, kind=kind.value),
            _("件"),
        )
        for kind in CaseKind
    ]
    rate = round(100 * state.done / state.total, 1) if state.total else 0
    return [
        *figures,
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


def case_period_grouped(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, targets: Targets
) -> dict[int, list[Figure]]:
    """case_period_figures of every target from one grouped query per path length."""
    got = case_selectors.case_figures_grouped(
        user=user, org=org, start=start, end=end, targets=targets
    )
    return {pk: _dashboard_case_figures(figures) for pk, figures in got.items()}


def cases_grouped(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, targets: Targets
) -> dict[int, list[Figure]]:
    """cases_read's figures of every target: the period's from one grouped query, the state's
    (cases handled or reported under the target) from two, per path length."""
    period = case_period_grouped(user=user, org=org, start=start, end=end, targets=targets)
    states = case_selectors.case_state_grouped(user=user, org=org, targets=targets)
    return {unit.pk: period[unit.pk] + _state_figures(unit, states[unit.pk]) for unit in targets}


def cases_read(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> SectionRead:
    """The seed figures of disputes handled in the period (cases' own figures), and the current
    state of the cases of the subtree: by kind, resolved rate, overdue, mean satisfaction."""
    # The period figures and the per-child values from one grouped query (by the child of
    # `org` handling the case).
    own, per_child = case_selectors.case_figures_by(
        user=user, org=org, start=start, end=end, group=child_segment(org, "org__path")
    )
    figures = _dashboard_case_figures(own)
    state = case_selectors.case_state(user=user, org=org)
    state_figures = _state_figures(org, state)
    figures += state_figures
    snapshot = [f.key for f in state_figures]
    rows = {
        segment: {f"cases.{key}": n for key, n in counts.items()}
        for segment, counts in per_child.items()
    }
    return SectionRead(
        figures, lambda child: rows.get(tree.segment(child.pk), {}), frozenset(snapshot)
    )


def meetings_read(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> SectionRead:
    figures, per_child = meeting_figures_by(
        user=user, org=org, start=start, end=end, group=child_segment(org, "org__path")
    )
    rows = {segment: {"meetings.held": sum(kinds.values())} for segment, kinds in per_child.items()}
    return SectionRead(figures, lambda child: rows.get(tree.segment(child.pk), {}))


def activities_read(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> SectionRead:
    figures, per_child = activities_figures_by(
        user=user, org=org, start=start, end=end, group=child_segment(org, "org__path")
    )
    rows = {
        segment: {
            "activities.held": sum(n for k, n in counts.items() if k != "person_times"),
            "activities.person_times": counts["person_times"],
        }
        for segment, counts in per_child.items()
    }
    return SectionRead(figures, lambda child: rows.get(tree.segment(child.pk), {}))


def trainings_read(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> SectionRead:
    coverage = training_coverage(user=user, org=org, start=start, end=end)
    per_child: dict[int, dict[str, int | float]] = {
        child.pk: {"trainings.sessions": c.sessions, "trainings.person_times": c.person_times}
        for child, c in coverage.children
    }
    return SectionRead(coverage_figures(coverage), lambda child: per_child.get(child.pk, {}))
