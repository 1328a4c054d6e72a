"""Reads of honours, always within the user's scope (the honour's org)."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.figures import Figure, count_each, figure_url, list_url
from jinguo.common.grouped import Targets, grouped_counts
from jinguo.honours.models import (
    FamilyHonour,
    FamilyTitle,
    HonourChange,
    HonourStatus,
    IndividualHonour,
    IndividualTitle,
)
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, scope_q

KINDS = ("family", "individual")
MODELS: dict[str, type[FamilyHonour] | type[IndividualHonour]] = {
    "family": FamilyHonour,
    "individual": IndividualHonour,
}
TITLES: dict[str, Any] = {"family": FamilyTitle, "individual": IndividualTitle}


def honour_scope_q(*, user: User) -> Q:
    return scope_q(user=user, field="org")


def family_honours_visible(*, user: User) -> QuerySet[FamilyHonour]:
    return FamilyHonour.objects.filter(honour_scope_q(user=user))


def individual_honours_visible(*, user: User) -> QuerySet[IndividualHonour]:
    return IndividualHonour.objects.filter(honour_scope_q(user=user))


def _check(honour: Any, *, user: User, for_write: bool) -> Any:
    if honour is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=honour.org):
        raise PermissionDenied
    return honour


def family_honour_get_for_user(
    *, user: User, honour_id: int, for_write: bool = False
) -> FamilyHonour:
    honour = (
        family_honours_visible(user=user)
        .select_related("org", "household", "nominated_by")
        .filter(pk=honour_id)
        .first()
    )
    return _check(honour, user=user, for_write=for_write)


def individual_honour_get_for_user(
    *, user: User, honour_id: int, for_write: bool = False
) -> IndividualHonour:
    honour = (
        individual_honours_visible(user=user)
        .select_related("org", "person", "nominated_by")
        .filter(pk=honour_id)
        .first()
    )
    return _check(honour, user=user, for_write=for_write)


def honour_get_for_user(
    *, user: User, kind: str, honour_id: int, for_write: bool = False
) -> FamilyHonour | IndividualHonour:
    if kind == "family":
        return family_honour_get_for_user(user=user, honour_id=honour_id, for_write=for_write)
    if kind == "individual":
        return individual_honour_get_for_user(user=user, honour_id=honour_id, for_write=for_write)
    raise Http404


def honour_list(
    *,
    user: User,
    kind: str = "family",
    title: str | None = None,
    level: str | None = None,
    year: int | None = None,
    status: str | None = None,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Any]:
    """Visible honours of one kind, filtered; start/end bound the award date."""
    if kind == "individual":
        rows: QuerySet[Any] = individual_honours_visible(user=user).select_related("org", "person")
    else:
        rows = family_honours_visible(user=user).select_related("org")
    if org is not None:
        rows = rows.filter(org.subtree_q("org__"))
    if title:
        rows = rows.filter(title=title)
    if level:
        rows = rows.filter(level=level)
    if year:
        rows = rows.filter(year=year)
    if status:
        rows = rows.filter(status=status)
    if start:
        rows = rows.filter(awarded_on__gte=start)
    if end:
        rows = rows.filter(awarded_on__lte=end)
    return rows.order_by("-year", "-created_at", "-id")


def honour_history(*, honour: FamilyHonour | IndividualHonour) -> QuerySet[HonourChange]:
    return honour.changes.select_related("actor")


# --- figures ------------------------------------------------------------------------------------


def _honour_conditions(*, kind: str, start: dt.date, end: dt.date) -> dict[str, Q]:
    """Per title, its approved honours of the period, and those pending now (the conditions
    of honour_list's filters, which the figures link to)."""
    awarded = Q(status=HonourStatus.APPROVED, awarded_on__gte=start, awarded_on__lte=end)
    return {value: awarded & Q(title=value) for value in TITLES[kind].values} | {
        "_pending": Q(status=HonourStatus.NOMINATED)
    }


def honours_figures(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Figure]:
    """Families and individuals honoured (approved, awarded in the period) by title, and the
    nominations pending now; every figure links to honour_list with the same filters."""
    counts = {  # per kind one query
        kind: count_each(
            honour_list(user=user, kind=kind, org=org),
            _honour_conditions(kind=kind, start=start, end=end),
        )
        for kind in KINDS
    }
    return _honours_figures_of(org=org, start=start, end=end, counts=counts)


def honours_figures_grouped(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, targets: Targets
) -> dict[int, list[Figure]]:
    """honours_figures of every target (units in org's subtree), by pk: per kind one grouped
    query per path length, whatever the number of targets."""
    counts = {
        kind: grouped_counts(
            honour_list(user=user, kind=kind, org=org),
            _honour_conditions(kind=kind, start=start, end=end),
            path_field="org__path",
            targets=targets,
        )
        for kind in KINDS
    }
    return {
        unit.pk: _honours_figures_of(
            org=unit, start=start, end=end, counts={kind: counts[kind][unit.pk] for kind in KINDS}
        )
        for unit in targets
    }


def _honours_figures_of(
    *, org: OrgUnit, start: dt.date, end: dt.date, counts: dict[str, dict[str, Any]]
) -> list[Figure]:
    """The figures of `org` from its counts per kind (keyed as _honour_conditions)."""
    figures: list[Figure] = []
    labels = {"family": _("家庭获评：%(title)s"), "individual": _("个人获评：%(title)s")}
    for kind in KINDS:
        for value, label in TITLES[kind].choices:
            figures.append(
                Figure(
                    key=f"honours.{kind}.{value}",
                    label=labels[kind] % {"title": label},
                    value=counts[kind][value],
                    url=figure_url(
                        list_url("honours:list"),
                        kind=kind,
                        title=value,
                        status=HonourStatus.APPROVED,
                        org=org.pk,
                        start=start,
                        end=end,
                    ),
                    unit=_("户") if kind == "family" else _("人"),
                )
            )
    pending_labels = {"family": _("家庭荣誉待审批"), "individual": _("个人荣誉待审批")}
    for kind in KINDS:
        figures.append(
            Figure(
                key=f"honours.{kind}.pending",
                label=pending_labels[kind],
                value=counts[kind]["_pending"],
                url=figure_url(
                    list_url("honours:list"), kind=kind, status=HonourStatus.NOMINATED, org=org.pk
                ),
                unit=_("项"),
            )
        )
    return figures
