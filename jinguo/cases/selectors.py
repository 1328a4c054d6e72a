"""Reads of cases, always within the user's scope: a case is visible where it is handled (org)
and where it was reported (origin_org), so a village keeps following a case it escalated."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.cases.models import (
    DISPUTE_KINDS,
    HIGH_RISK_KINDS,
    OPEN,
    Case,
    CaseKind,
    CaseParticipant,
    CaseTransition,
    MediationAgreement,
)
from jinguo.common.figures import count_each_by, list_url
from jinguo.common.grouped import Targets, grouped_counts, grouped_counts_either
from jinguo.households.models import Household
from jinguo.households.scope import households_visible
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, scope_covers, scope_q

DONE = (
    Case.Status.RESOLVED,
    Case.Status.VERIFIED,
    Case.Status.CLOSED,
    Case.Status.RATED,
)  # handled: resolved or further


def _handled_or_reported_in(units: QuerySet[OrgUnit]) -> Q:
    # By unit ids rather than two joins on the org table OR-ed together: the database can then
    # use the indexes of both columns (≈3× faster on a city's cases).
    ids = units.values("pk")
    return Q(org_id__in=ids) | Q(origin_org_id__in=ids)


def case_scope_q(*, user: User) -> Q:
    """Cases handled or reported at a unit in the user's subtree."""
    return _handled_or_reported_in(OrgUnit.objects.filter(scope_q(user=user, field="")))


def cases_visible(*, user: User) -> QuerySet[Case]:
    return Case.objects.filter(case_scope_q(user=user))


def cases_visible_in(*, user: User, org: OrgUnit, reported: bool = False) -> QuerySet[Case]:
    """Visible cases handled at a unit of org's subtree (`reported`: or reported there). When
    the subtree lies in the user's own (orgs.selectors.scope_covers), all of them are visible,
    so the scope's two id look-ups over her whole subtree are left out: the same rows, ≈4 ms a
    query less on a city's dashboard."""
    if reported and org.holds_every_unit:  # "has a unit" twice: no id look-up over the tree
        cases = Case.objects.filter(org.subtree_q("org__") | org.subtree_q("origin_org__"))
    elif reported:
        cases = Case.objects.filter(
            _handled_or_reported_in(OrgUnit.objects.filter(org.subtree_q()))
        )
    else:
        cases = Case.objects.filter(org.subtree_q("org__"))
    return cases if scope_covers(user=user, org=org) else cases.filter(case_scope_q(user=user))


def case_get_for_user(*, user: User, case_id: int, for_write: bool = False) -> Case:
    """Fetch-and-check: 404 when missing or out of scope; with for_write, 403 unless the user
    may write at the unit handling the case now (after an escalation the reporting village
    still sees the case but no longer acts on it)."""
    case = (
        cases_visible(user=user)
        .select_related("org", "origin_org", "household", "assignee", "reported_by")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=case.org):
        raise PermissionDenied
    return case


def _flag_q(now: dt.datetime) -> dict[str, Q]:
    running = Q(status__in=OPEN)
    return {
        "overdue": running & Q(due_at__lt=now),
        "warning": running & Q(warn_at__lte=now, due_at__gte=now),
    }


def case_list(
    *,
    user: User,
    status: str | None = None,
    kind: str | None = None,
    overdue: bool | None = None,
    warning: bool | None = None,
    supervision: str | None = None,
    org: OrgUnit | None = None,
    ids_q: Q | None = None,
) -> QuerySet[Case]:
    """Visible cases, filtered, with what a row shows in the same query. Each row's
    time_left_ratio / is_warning / is_overdue are properties over stored columns (see
    `with_clock`), so no row costs a query."""
    flags = _flag_q(timezone.now())
    if org is not None:
        cases = cases_visible_in(user=user, org=org, reported=True)
    else:
        cases = cases_visible(user=user)
    cases = cases.select_related("org", "origin_org", "assignee")
    if status:
        cases = cases.filter(status=status)
    if kind:
        cases = cases.filter(kind=kind)
    if supervision:
        cases = cases.filter(supervision=supervision)
    if overdue is not None:
        cases = cases.filter(flags["overdue"] if overdue else ~flags["overdue"])
    if warning is not None:
        cases = cases.filter(flags["warning"] if warning else ~flags["warning"])
    if ids_q is not None:
        cases = cases.filter(ids_q)
    return cases.order_by(*CASE_LIST_ORDER)


# The case list's order, newest first: the case_created index's fields (a page is read off it).
CASE_LIST_ORDER = ("-created_at", "-id")


class CaseRow(NamedTuple):
    """What a row of the case list shows, read as plain values (case_page_values): 50 cases
    with their units and assignees built as model instances cost more than their query. Has
    what case_clock and the badges read of a case."""

    pk: int
    number: str
    title: str
    kind: str
    status: str
    supervision: str
    clock_started_at: dt.datetime
    warn_at: dt.datetime
    due_at: dt.datetime
    org_name: str
    assignee_name: str | None

    @property
    def is_high_risk(self) -> bool:
        return self.kind in HIGH_RISK_KINDS


CASE_ROW_COLUMNS = (
    *("pk", "number", "title", "kind", "status", "supervision"),
    *("clock_started_at", "warn_at", "due_at", "org__name", "assignee__name"),
)


def case_page_values(keys: QuerySet[Any]) -> QuerySet[Any]:
    """The cases `keys` selects (a page's slice of case_list(...).values("pk"), see
    common.pagination.CachedCountPaginator) as tuples of CASE_ROW_COLUMNS, in list order: one
    query a page, joining the units' and assignees' names of those 50 cases only (make
    CaseRows of them with case_rows)."""
    cases = Case.objects.filter(pk__in=keys).order_by(*CASE_LIST_ORDER)
    return cases.values_list(*CASE_ROW_COLUMNS)


def case_rows(values: Iterable[tuple[Any, ...]]) -> list[CaseRow]:
    return [CaseRow(*v) for v in values]


@dataclass(frozen=True)
class Clock:
    time_left_ratio: float | None  # None once the clock has stopped
    is_warning: bool
    is_overdue: bool


def case_clock(case: Case | CaseRow, now: dt.datetime | None = None) -> Clock:
    """Time left as a share of the limit: warning below 30 %, overdue past due_at."""
    if case.status not in OPEN:
        return Clock(None, False, False)
    now = now or timezone.now()
    span = (case.due_at - case.clock_started_at).total_seconds() or 1.0
    ratio = (case.due_at - now).total_seconds() / span
    return Clock(ratio, now >= case.warn_at and now <= case.due_at, now > case.due_at)


def case_timeline(*, case: Case) -> QuerySet[CaseTransition]:
    return case.transitions.select_related("actor")


def case_participants(*, case: Case) -> QuerySet[CaseParticipant]:
    return case.participants.select_related("person")


def case_household(*, user: User, case: Case) -> Household | None:
    """The household the case concerns, when `user` may see it (a case can be visible to a
    unit that does not see the household's grid)."""
    if case.household_id is None:
        return None
    return households_visible(user=user).filter(pk=case.household_id).first()


def household_cases(*, user: User, household: Household) -> QuerySet[Case]:
    """The cases of a household that `user` may see, newest first."""
    return cases_visible(user=user).filter(household=household).order_by("-created_at", "-id")


# --- the seed figures --------------------------------------------------------------------------


FIGURE_LABELS = {
    "disputes": _("化解矛盾纠纷"),
    "with_participants": _("其中执委参与"),
    "written_agreements": _("达成书面调解协议"),
    "emotional_found": _("排查情感纠纷"),
    "emotional_resolved": _("成功化解情感纠纷"),
}


@dataclass(frozen=True)
class Figure:
    key: str
    value: int
    url: str  # the filtered list that shows exactly these cases

    @property
    def label(self) -> str:
        return str(FIGURE_LABELS[self.key])


def _period_q(start: dt.date, end: dt.date) -> Q:
    """Handled in the period: resolved (办结) on a day from start to end inclusive."""
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return Q(status__in=DONE, resolved_at__gte=lo, resolved_at__lt=hi)


def _found_q(start: dt.date, end: dt.date) -> Q:
    """Found (排查) in the period: reported on a day from start to end inclusive, whatever its
    state now."""
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return Q(created_at__gte=lo, created_at__lt=hi)


# The figures counted by the day the case was reported (排查, found); the others count the
# cases resolved (办结) in the period. The seed counts the two apart: «排查化解情感纠纷32起，成功
# 化解20起».
FOUND_KEYS = frozenset({"emotional_found"})


def _figure_period_q(key: str, start: dt.date, end: dt.date) -> Q:
    return _found_q(start, end) if key in FOUND_KEYS else _period_q(start, end)


def figure_filters() -> dict[str, Q]:
    """Each figure's condition, on top of its period (_figure_period_q)."""
    with_participant = Exists(CaseParticipant.objects.filter(case=OuterRef("pk")))
    emotional = Q(kind=CaseKind.DISPUTE_EMOTIONAL)
    return {
        "disputes": Q(kind__in=DISPUTE_KINDS),
        "with_participants": Q(kind__in=DISPUTE_KINDS) & Q(with_participant),
        "written_agreements": Q(kind__in=DISPUTE_KINDS, outcome=Case.Outcome.WRITTEN),
        "emotional_found": emotional,
        "emotional_resolved": emotional & Q(outcome__in=[Case.Outcome.WRITTEN, Case.Outcome.ORAL]),
    }


def figure_q(*, key: str, org: OrgUnit, start: dt.date, end: dt.date) -> Q:
    """The cases a figure counts: at a unit of org's subtree, found or resolved in the period
    (_figure_period_q)."""
    return org.subtree_q("org__") & _figure_period_q(key, start, end) & figure_filters()[key]


def case_figures(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Figure]:
    """Disputes handled, with executive participation, written agreements (resolved in the
    period), emotional disputes found in the period and those resolved in it (written or oral
    agreement): one query for all, each figure linking
    to the list of the cases it counts (figure_q: the same conditions)."""
    return case_figures_by(user=user, org=org, start=start, end=end, group=None)[0]


def case_figures_by(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, group: Any
) -> tuple[list[Figure], dict[Any, dict[str, int]]]:
    """case_figures, and the same counts per value of `group` (an expression over the case,
    e.g. which child of `org` handles it; None: no groups): one grouped query gives both, the
    figures being the sums of the groups."""
    counts, groups = count_each_by(
        _period_cases(user=user, org=org, start=start, end=end),
        _period_filters(start, end),
        group=group,
    )
    return period_figures(org=org, start=start, end=end, counts=counts), groups


def case_figures_grouped(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, targets: Targets
) -> dict[int, list[Figure]]:
    """case_figures of every target (units of `org`'s subtree, by pk): one grouped query per
    path length of the targets (common.grouped), each target's figures equal to its own."""
    counts = grouped_counts(
        _period_cases(user=user, org=org, start=start, end=end),
        _period_filters(start, end),
        path_field="org__path",
        targets=targets,
    )
    return {
        unit.pk: period_figures(org=unit, start=start, end=end, counts=counts[unit.pk])
        for unit in targets
    }


def _period_cases(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> QuerySet[Case]:
    """The visible cases handled in org's subtree that a period figure may count."""
    return cases_visible_in(user=user, org=org).filter(_period_q(start, end) | _found_q(start, end))


def _period_filters(start: dt.date, end: dt.date) -> dict[str, Q]:
    return {
        key: _figure_period_q(key, start, end) & condition
        for key, condition in figure_filters().items()
    }


def period_figures(
    *, org: OrgUnit, start: dt.date, end: dt.date, counts: Mapping[str, int]
) -> list[Figure]:
    """The period figures of `org` from their counts, each linking to the cases it counts."""
    figures = []
    for key, value in counts.items():
        params = {"figure": key, "org": org.pk, "start": start, "end": end}
        figures.append(Figure(key, value, list_url("cases:list") + "?" + urlencode(params)))
    return figures


@dataclass(frozen=True)
class CaseState:
    """The cases of a subtree as they stand (case_list(org=…)): by kind, handled, overdue."""

    by_kind: dict[str, int]
    total: int
    done: int
    overdue: int
    mean_satisfaction: float | None


def _state_conditions(now: dt.datetime) -> dict[str, Q]:
    conditions = {"total": Q()} | {f"kind_{kind}": Q(kind=kind) for kind in CaseKind.values}
    return conditions | {"done": Q(status__in=DONE), "overdue": _flag_q(now)["overdue"]}


def _state(counts: Mapping[str, Any], mean: Any) -> CaseState:
    return CaseState(
        by_kind={kind: counts[f"kind_{kind}"] for kind in CaseKind.values},
        total=counts["total"],
        done=counts["done"],
        overdue=counts["overdue"],
        mean_satisfaction=float(mean) if mean is not None else None,
    )


def case_state(*, user: User, org: OrgUnit) -> CaseState:
    """One query: what case_list(org=org) holds, counted by kind, done and overdue (the same
    conditions as the list's filters, so each number links to them)."""
    cases = case_list(user=user, org=org)
    counts = cases.order_by().aggregate(
        mean_satisfaction=Avg("satisfaction"),
        **{key: Count("id", filter=q) for key, q in _state_conditions(timezone.now()).items()},
    )
    return _state(counts, counts["mean_satisfaction"])


def case_state_grouped(*, user: User, org: OrgUnit, targets: Targets) -> dict[int, CaseState]:
    """case_state of every target (units of org's subtree): the cases handled or reported
    under it, each once, from two grouped queries per path length."""
    extra = {"rated": Count("satisfaction"), "satisfaction_sum": Sum("satisfaction")}
    counts = grouped_counts_either(
        case_list(user=user, org=org),
        _state_conditions(timezone.now()),
        path_fields=("org__path", "origin_org__path"),
        targets=targets,
        extra=extra,
    )
    return {
        pk: _state(c, c["satisfaction_sum"] / c["rated"] if c["rated"] else None)
        for pk, c in counts.items()
    }


def case_agreement(*, case: Case) -> MediationAgreement | None:
    return MediationAgreement.objects.filter(case=case).first()
