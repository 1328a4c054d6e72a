"""Reads of the 三新 registry, always within the user's scope (orgs.selectors.scope_q): an
organisation where it is registered, a worker through her organisation, an exemplary woman and
a target at their org. Progress and figures count records of an org's subtree."""

import datetime as dt
from operator import attrgetter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.common.figures import Figure, count_each, figure_url
from jinguo.common.grouped import Targets, grouped_count, grouped_counts
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, scope_q
from jinguo.people.models import Person
from jinguo.sanxin.figures import Progress, SanxinCounts, sanxin_figures_from
from jinguo.sanxin.models import (
    LOGISTICS_SECTORS,
    Category,
    ExemplaryWoman,
    SanxinOrg,
    SanxinOrgChange,
    SanxinTarget,
    SanxinWorker,
)

Metric = SanxinTarget.Metric


def _get(queryset: QuerySet[Any], *, user: User, pk: int, for_write: bool, org: str = "org") -> Any:
    """404 when hidden or missing; with `for_write`, 403 unless the user may write at the
    record's unit (the attribute path `org`)."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=attrgetter(org)(obj)):
        raise PermissionDenied
    return obj


# --- organisations -----------------------------------------------------------------------------


def sanxin_org_scope_q(*, user: User) -> Q:
    return scope_q(user=user, field="org")


def sanxin_orgs_visible(*, user: User) -> QuerySet[SanxinOrg]:
    return SanxinOrg.objects.filter(sanxin_org_scope_q(user=user))


def sanxin_org_get_for_user(
    *, user: User, sanxin_org_id: int, for_write: bool = False
) -> SanxinOrg:
    queryset = sanxin_orgs_visible(user=user).select_related("org", "federation", "created_by")
    return _get(queryset, user=user, pk=sanxin_org_id, for_write=for_write)


def sanxin_org_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    category: str | None = None,
    sector: str | None = None,
    federation: bool | None = None,
    query: str = "",
    active: bool | None = True,
    ids_q: Q | None = None,
) -> QuerySet[SanxinOrg]:
    """Visible organisations, filtered, with what a row shows in the same query."""
    rows = sanxin_orgs_visible(user=user).select_related("org", "federation")
    if org is not None:
        rows = rows.filter(org.subtree_q("org__"))
    if category:
        rows = rows.filter(category=category)
    if sector:
        rows = rows.filter(sector=sector)
    if federation is not None:
        rows = rows.filter(federation__isnull=not federation)
    if query.strip():
        text = query.strip()
        rows = rows.filter(Q(name__icontains=text) | Q(credit_code__startswith=text.upper()))
    if active is not None:
        rows = rows.filter(is_active=active)
    if ids_q is not None:
        rows = rows.filter(ids_q)
    return rows.order_by("name", "id")


def sanxin_org_history(*, sanxin_org: SanxinOrg) -> QuerySet[SanxinOrgChange]:
    return sanxin_org.changes.select_related("actor")


def sanxin_org_choices(*, user: User) -> QuerySet[SanxinOrg]:
    return sanxin_orgs_visible(user=user).filter(is_active=True).order_by("name")


# --- workers -----------------------------------------------------------------------------------


def worker_scope_q(*, user: User) -> Q:
    return scope_q(user=user, field="sanxin_org__org")


def workers_visible(*, user: User) -> QuerySet[SanxinWorker]:
    return SanxinWorker.objects.filter(worker_scope_q(user=user))


def sanxin_worker_get_for_user(
    *, user: User, worker_id: int, for_write: bool = False
) -> SanxinWorker:
    queryset = workers_visible(user=user).select_related("sanxin_org__org", "person")
    return _get(queryset, user=user, pk=worker_id, for_write=for_write, org="sanxin_org.org")


def sanxin_worker_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    sanxin_org: SanxinOrg | None = None,
    women: bool = False,
    current: bool = True,
    query: str = "",
) -> QuerySet[SanxinWorker]:
    """The worker base; with women=True the women roster (女性名册): current workers whose
    person is a woman."""
    rows = workers_visible(user=user).select_related("sanxin_org", "sanxin_org__org", "person")
    if org is not None:
        rows = rows.filter(org.subtree_q("sanxin_org__org__"))
    if sanxin_org is not None:
        rows = rows.filter(sanxin_org=sanxin_org)
    if current:
        rows = rows.filter(left_on__isnull=True, sanxin_org__is_active=True)
    if women:
        rows = rows.filter(person__gender=Person.Gender.FEMALE)
    if query.strip():
        text = query.strip()
        rows = rows.filter(Q(person__name__icontains=text) | Q(sanxin_org__name__icontains=text))
    return rows.order_by("sanxin_org__name", "person__name", "id")


# --- exemplary women -----------------------------------------------------------------------------


def exemplary_scope_q(*, user: User) -> Q:
    return scope_q(user=user, field="org")


def exemplary_visible(*, user: User) -> QuerySet[ExemplaryWoman]:
    return ExemplaryWoman.objects.filter(exemplary_scope_q(user=user))


def exemplary_get_for_user(
    *, user: User, exemplary_id: int, for_write: bool = False
) -> ExemplaryWoman:
    queryset = exemplary_visible(user=user).select_related("org", "person", "sanxin_org")
    return _get(queryset, user=user, pk=exemplary_id, for_write=for_write)


def exemplary_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    current: bool = True,
    ids_q: Q | None = None,
) -> QuerySet[ExemplaryWoman]:
    rows = exemplary_visible(user=user).select_related("org", "person", "sanxin_org")
    if org is not None:
        rows = rows.filter(org.subtree_q("org__"))
    if current:
        rows = rows.filter(delisted_on__isnull=True)
    if ids_q is not None:
        rows = rows.filter(ids_q)
    return rows.order_by("-listed_on", "-id")


# --- targets and their progress -----------------------------------------------------------------


def target_scope_q(*, user: User) -> Q:
    return scope_q(user=user, field="org")


def targets_visible(*, user: User) -> QuerySet[SanxinTarget]:
    return SanxinTarget.objects.filter(target_scope_q(user=user))


def sanxin_target_get_for_user(
    *, user: User, target_id: int, for_write: bool = False
) -> SanxinTarget:
    queryset = targets_visible(user=user).select_related("org")
    return _get(queryset, user=user, pk=target_id, for_write=for_write)


def _until(target: SanxinTarget, today: dt.date) -> dt.date:
    return min(target.deadline, today)


def target_records_q(*, target: SanxinTarget, today: dt.date | None = None) -> Q:
    """The records a target's progress counts, in its org's subtree up to today (and the
    deadline): federations established since period_start; active organisations registered;
    women on the exemplary roster and not delisted."""
    until = _until(target, today or timezone.localdate())
    within = target.org.subtree_q("org__")
    if target.metric == Metric.FEDERATIONS:
        return within & Q(
            federation__isnull=False,
            federation_established_on__gte=target.period_start,
            federation_established_on__lte=until,
        )
    if target.metric == Metric.ORGS:
        return within & Q(is_active=True, registered_on__lte=until)
    return (
        within & Q(listed_on__lte=until) & (Q(delisted_on__isnull=True) | Q(delisted_on__gt=until))
    )


def _subtree_of_outer() -> Q:
    # The outer target's org subtree: path starts with the target org's path.
    return Q(org__path__startswith=OuterRef("org__path"))


def _count(queryset: QuerySet[Any]) -> Coalesce:
    counted = queryset.order_by().values(n=Func(F("pk"), function="COUNT"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _progress_annotation(metric: str, today: dt.date) -> Coalesce:
    """The same condition as target_records_q, as a subquery over the outer target."""
    if metric == Metric.FEDERATIONS:
        orgs = SanxinOrg.objects.filter(
            _subtree_of_outer(),
            federation__isnull=False,
            federation_established_on__gte=OuterRef("period_start"),
            federation_established_on__lte=OuterRef("deadline"),
        )
        return _count(orgs.filter(federation_established_on__lte=today))
    if metric == Metric.ORGS:
        orgs = SanxinOrg.objects.filter(
            _subtree_of_outer(), is_active=True, registered_on__lte=OuterRef("deadline")
        )
        return _count(orgs.filter(registered_on__lte=today))
    women = ExemplaryWoman.objects.filter(
        _subtree_of_outer(), listed_on__lte=OuterRef("deadline")
    ).filter(listed_on__lte=today)
    # Not delisted by the end of the window, min(deadline, today).
    still = (
        Q(delisted_on__isnull=True)
        | Q(delisted_on__gt=today)
        | Q(delisted_on__gt=OuterRef("deadline"))
    )
    return _count(women.filter(still))


def target_records_url(target: SanxinTarget) -> str:
    name = "sanxin:exemplary" if target.metric == Metric.WOMEN else "sanxin:list"
    return figure_url(reverse(name), target=target.pk)


def expected_by(*, target: SanxinTarget, today: dt.date) -> float:
    """Linear: nothing at period_start, everything at the deadline."""
    span = (target.deadline - target.period_start).days
    done = (min(max(today, target.period_start), target.deadline) - target.period_start).days
    return target.target_value * done / span if span > 0 else float(target.target_value)


def target_progress(*, target: SanxinTarget, value: int, today: dt.date | None = None) -> Progress:
    today = today or timezone.localdate()
    expected = expected_by(target=target, today=today)
    percent = round(100.0 * value / target.target_value, 1) if target.target_value else 0.0
    return Progress(
        value=value,
        target_value=target.target_value,
        percent=percent,
        expected=round(expected, 1),
        on_track=value >= int(expected),
        url=target_records_url(target),
    )


def target_progress_value(*, target: SanxinTarget, today: dt.date | None = None) -> int:
    q = target_records_q(target=target, today=today)
    model = ExemplaryWoman if target.metric == Metric.WOMEN else SanxinOrg
    return model.objects.filter(q).count()


def target_list(
    *, user: User, org: OrgUnit | None = None, today: dt.date | None = None
) -> list[tuple[SanxinTarget, Progress]]:
    """Visible targets (in org's subtree), each with its progress: one query in all."""
    today = today or timezone.localdate()
    targets = targets_visible(user=user).select_related("org")
    if org is not None:
        targets = targets.filter(org.subtree_q("org__"))
    targets = targets.annotate(
        progress_federations=_progress_annotation(Metric.FEDERATIONS, today),
        progress_orgs=_progress_annotation(Metric.ORGS, today),
        progress_women=_progress_annotation(Metric.WOMEN, today),
    ).order_by("org__path", "deadline", "id")
    field: dict[str, str] = {
        Metric.FEDERATIONS: "progress_federations",
        Metric.ORGS: "progress_orgs",
        Metric.WOMEN: "progress_women",
    }
    return [
        (t, target_progress(target=t, value=getattr(t, field[t.metric]), today=today))
        for t in targets
    ]


# --- figures -------------------------------------------------------------------------------------


def _period(start: dt.date, end: dt.date) -> Q:
    return Q(
        federation__isnull=False,
        federation_established_on__gte=start,
        federation_established_on__lte=end,
    )


def org_figure_filters(start: dt.date, end: dt.date) -> dict[str, Q]:
    """Each registry figure's condition on active organisations of the subtree."""
    established = _period(start, end)
    return {
        "orgs_registered": Q(),
        "federations": established,
        "federations_new_economic": established & Q(category=Category.NEW_ECONOMIC),
        "federations_new_social": established & Q(category=Category.NEW_SOCIAL),
        "federations_new_employment": established & Q(category=Category.NEW_EMPLOYMENT),
        "federations_logistics": established & Q(sector__in=LOGISTICS_SECTORS),
    }


def sanxin_figure_q(*, key: str, org: OrgUnit, start: dt.date, end: dt.date) -> Q:
    """The organisations a registry figure counts (the list's ?figure= filter)."""
    return org.subtree_q("org__") & Q(is_active=True) & org_figure_filters(start, end)[key]


def _registry_sums() -> dict[str, Any]:
    return {"workers": Coalesce(Sum("workers"), 0), "women": Coalesce(Sum("women_workers"), 0)}


def _worker_conditions() -> dict[str, Q]:
    return {"all": Q(), "women": Q(person__gender=Person.Gender.FEMALE)}


def sanxin_figures(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Figure]:
    """The 两库两册 figures of org's subtree: organisations registered (now), federations set
    up in the period (by category, and in the delivery/courier/live-commerce sectors), workers
    and women workers (declared and in the worker base), exemplary women, target progress.
    Each links to the records it counts."""
    # One query for the registry's figures and its sums, one for the worker base.
    active = sanxin_orgs_visible(user=user).filter(org.subtree_q("org__"), is_active=True)
    counts = SanxinCounts(
        registry=count_each(active, org_figure_filters(start, end), extra=_registry_sums()),
        listed=count_each(sanxin_worker_list(user=user, org=org), _worker_conditions()),
        exemplary=exemplary_list(user=user, org=org).count(),
        targets=[(t, p) for t, p in target_list(user=user, org=org) if t.org_id == org.pk],
    )
    return sanxin_figures_from(counts, org=org, start=start, end=end)


def sanxin_figures_grouped(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, targets: Targets
) -> dict[int, list[Figure]]:
    """sanxin_figures of every target (units in org's subtree), from the same scoped lists
    over org's subtree grouped by the target a row lies under: three queries per path length
    of the targets, and one for the targets' progress."""
    active = sanxin_orgs_visible(user=user).filter(org.subtree_q("org__"), is_active=True)
    registry = grouped_counts(
        active,
        org_figure_filters(start, end),
        path_field="org__path",
        targets=targets,
        extra=_registry_sums(),
    )
    workers = sanxin_worker_list(user=user, org=org)
    listed = grouped_counts(
        workers, _worker_conditions(), path_field="sanxin_org__org__path", targets=targets
    )
    exemplary = grouped_count(
        exemplary_list(user=user, org=org), path_field="org__path", targets=targets
    )
    own: dict[int, list[tuple[SanxinTarget, Progress]]] = {unit.pk: [] for unit in targets}
    for target, progress in target_list(user=user, org=org):
        if target.org_id in own:
            own[target.org_id].append((target, progress))
    return {
        unit.pk: sanxin_figures_from(
            SanxinCounts(registry[unit.pk], listed[unit.pk], exemplary[unit.pk], own[unit.pk]),
            org=unit,
            start=start,
            end=end,
        )
        for unit in targets
    }
