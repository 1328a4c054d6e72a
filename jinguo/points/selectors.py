"""Reads of points, the love bank and nominations, always within the user's scope (the
rankings are in rankings.py).

An entry is visible where it was earned or spent (its org in the user's subtree), and to the
executive herself. The balance and the period sums are single aggregate queries over the
ledger; nothing is stored.
"""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Rank
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.common.figures import Figure, count_each
from jinguo.common.grouped import Targets, grouped_count, grouped_counts
from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, scope_q
from jinguo.people.models import Person
from jinguo.points.figures import points_figures_from
from jinguo.points.models import (
    BALANCE_KINDS,
    EARNED_KINDS,
    Kind,
    LoveBankItem,
    Nomination,
    PointEntry,
    PointRule,
    Redemption,
)
from jinguo.points.rankings import EARNERS, earner_counts, executive_ranking

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

STATUSES = ("pending", "approved", "rejected", "capped")


class NominationFigures(TypedDict):
    balance: int
    year_points: int
    rank: int


# --- the numbers other apps read -----------------------------------------------------------------


def points_balance(*, person: Person) -> int:
    """Approved + appeals accepted + corrections − redeemed − expired: one query."""
    total = PointEntry.objects.filter(person=person, kind__in=BALANCE_KINDS).aggregate(
        s=Sum("amount")
    )["s"]
    return int(total or 0)


def points_earned(
    *,
    start: dt.date,
    end: dt.date,
    persons_qs: QuerySet[Person] | None = None,
    org: OrgUnit | None = None,
) -> dict[int, int]:
    """person id → approved points whose day lies in start…end, for the given persons and/or
    the points earned in org's subtree. One grouped query."""
    entries = PointEntry.objects.filter(kind__in=EARNED_KINDS, day__gte=start, day__lte=end)
    if persons_qs is not None:
        entries = entries.filter(person__in=persons_qs.order_by().values("pk"))
    if org is not None:
        entries = entries.filter(org.subtree_q("org__"))
    rows = entries.values("person_id").annotate(s=Sum("amount")).order_by()
    return {row["person_id"]: int(row["s"] or 0) for row in rows}


# --- ledger --------------------------------------------------------------------------------------


def entry_scope_q(*, user: User) -> Q:
    q = scope_q(user=user, field="org")
    if user.is_authenticated and user.person_id is not None:
        q |= Q(person_id=user.person_id)
    return q


def entries_visible(*, user: User) -> QuerySet[PointEntry]:
    return PointEntry.objects.filter(entry_scope_q(user=user))


def _decision(kind: str) -> Exists:
    return Exists(PointEntry.objects.filter(ref=OuterRef("pk"), kind=kind))


def with_status(entries: QuerySet[PointEntry]) -> QuerySet[PointEntry]:
    """Each row carries is_approved / is_rejected / has_appeal / is_ruled (four EXISTS)."""
    return entries.annotate(
        is_approved=_decision(Kind.APPROVE),
        is_rejected=_decision(Kind.REJECT),
        has_appeal=_decision(Kind.APPEAL),
        appeal_ruled=Exists(
            PointEntry.objects.filter(
                ref__ref=OuterRef("pk"), kind__in=(Kind.APPEAL_ACCEPT, Kind.APPEAL_REJECT)
            )
        ),
    )


def status_q(status: str) -> Q:
    pending = Q(kind=Kind.EARN) & ~Q(capped=True, amount=0)
    return {
        "pending": pending & ~Q(_decision(Kind.APPROVE)) & ~Q(_decision(Kind.REJECT)),
        "approved": Q(kind=Kind.EARN) & Q(_decision(Kind.APPROVE)),
        "rejected": Q(kind=Kind.EARN) & Q(_decision(Kind.REJECT)),
        "capped": Q(kind=Kind.EARN, capped=True, amount=0),
    }[status]


@dataclass
class LedgerFilters:
    org: OrgUnit | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    kind: str | None = None
    status: str | None = None
    person: Person | None = None
    action: str | None = None

    def params(self) -> dict[str, Any]:
        return {
            "org": self.org.pk if self.org else None,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "status": self.status,
            "person": self.person.pk if self.person else None,
            "action": self.action,
        }


def entry_list(*, user: User, filters: LedgerFilters | None = None) -> QuerySet[PointEntry]:
    f = filters or LedgerFilters()
    entries = entries_visible(user=user)
    if f.org is not None:
        entries = entries.filter(f.org.subtree_q("org__"))
    if f.start is not None:
        entries = entries.filter(day__gte=f.start)
    if f.end is not None:
        entries = entries.filter(day__lte=f.end)
    if f.kind:
        entries = entries.filter(kind=f.kind)
    if f.status:
        entries = entries.filter(status_q(f.status))
    if f.person is not None:
        entries = entries.filter(person=f.person)
    if f.action:
        entries = entries.filter(action=f.action)
    return with_status(entries).select_related("person", "org", "actor").order_by("-day", "-id")


def entry_get_for_user(*, user: User, entry_id: int, for_write: bool = False) -> PointEntry:
    entry = (
        with_status(entries_visible(user=user))
        .select_related(
            "person__org", "org", "ref", "approver_org", "ref__approver_org", "ref__org"
        )
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=entry.org):
        raise PermissionDenied
    return entry


def approval_queue(*, user: User, org: OrgUnit | None = None) -> QuerySet[PointEntry]:
    """Pending earns a cadre decides: those whose approver unit lies in her subtree."""
    entries = entry_list(user=user, filters=LedgerFilters(org=org, status="pending"))
    return entries.filter(scope_q(user=user, field="approver_org")).order_by("day", "id")


def appeals_open(*, user: User) -> QuerySet[PointEntry]:
    """Appeals not yet ruled on, in the user's scope."""
    ruled = Exists(
        PointEntry.objects.filter(
            ref=OuterRef("pk"), kind__in=(Kind.APPEAL_ACCEPT, Kind.APPEAL_REJECT)
        )
    )
    return (
        entries_visible(user=user)
        .filter(kind=Kind.APPEAL)
        .filter(~Q(ruled))
        .select_related("person", "org", "ref", "ref__ref")
        .order_by("created_at", "id")
    )


# --- rules ---------------------------------------------------------------------------------------


def rules_visible(*, user: User, org: OrgUnit) -> QuerySet[PointRule]:
    """The rules that apply at `org`: its own, its ancestors' and its subtree's."""
    ancestors = tree.ids_in_path(org.path)
    return (
        PointRule.objects.filter(Q(org_id__in=ancestors) | org.subtree_q("org__"))
        .select_related("org")
        .order_by("action", "org__path")
    )


def rule_get_for_user(*, user: User, rule_id: int, for_write: bool = False) -> PointRule:
    rule = PointRule.objects.filter(scope_q(user=user, field="org"), pk=rule_id).first()
    if rule is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=rule.org):
        raise PermissionDenied
    return rule


# --- love bank -----------------------------------------------------------------------------------


def items_visible(*, user: User) -> QuerySet[LoveBankItem]:
    """Items of the banks in the user's subtree and of the banks above her (whose catalogue
    serves her unit): an executive at a grid sees the community's bank."""
    own = user.org
    if not user.is_authenticated or not user.has_business_scope or own is None:
        return LoveBankItem.objects.none()
    return LoveBankItem.objects.filter(
        scope_q(user=user, field="org") | Q(org_id__in=tree.ids_in_path(own.path))
    )


def catalogue(*, user: User, org: OrgUnit | None = None) -> QuerySet[LoveBankItem]:
    items = items_visible(user=user).filter(is_active=True)
    if org is not None:
        items = items.filter(org_id__in=tree.ids_in_path(org.path))
    return items.select_related("org").order_by("org__path", "price", "id")


def item_get_for_user(*, user: User, item_id: int, for_write: bool = False) -> LoveBankItem:
    item = items_visible(user=user).select_related("org").filter(pk=item_id).first()
    if item is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=item.org):
        raise PermissionDenied
    return item


def redemption_scope_q(*, user: User) -> Q:
    q = scope_q(user=user, field="item__org")
    if user.is_authenticated and user.person_id is not None:
        q |= Q(person_id=user.person_id)
    return q


def redemption_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Redemption]:
    rows = Redemption.objects.filter(redemption_scope_q(user=user))
    if org is not None:
        rows = rows.filter(org.subtree_q("item__org__"))
    if start is not None:
        rows = rows.filter(entry__day__gte=start)
    if end is not None:
        rows = rows.filter(entry__day__lte=end)
    return rows.select_related("item__org", "person", "entry", "handed_over_by")


def redemption_get_for_user(*, user: User, voucher: str, for_write: bool = False) -> Redemption:
    row = redemption_list(user=user).filter(voucher=voucher.upper()).first()
    if row is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=row.item.org):
        raise PermissionDenied
    return row


# --- nominations ---------------------------------------------------------------------------------


def nominations_visible(*, user: User) -> QuerySet[Nomination]:
    return Nomination.objects.filter(scope_q(user=user, field="org"))


def nomination_rows(
    *,
    user: User,
    org: OrgUnit | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    status: str | None = None,
) -> QuerySet[Nomination]:
    """The nominations nomination_list shows, without its figures."""
    rows = nominations_visible(user=user)
    if org is not None:
        rows = rows.filter(org.subtree_q("org__"))
    if year_from is not None:
        rows = rows.filter(year__gte=year_from)
    if year_to is not None:
        rows = rows.filter(year__lte=year_to)
    if status:
        rows = rows.filter(status=status)
    return rows


def nomination_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    status: str | None = None,
) -> "QuerySet[WithAnnotations[Nomination, NominationFigures]]":
    rows = nomination_rows(user=user, org=org, year_from=year_from, year_to=year_to, status=status)
    balance = (
        PointEntry.objects.filter(person_id=OuterRef("person_id"), kind__in=BALANCE_KINDS)
        .order_by()
        .values("person_id")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    year_points = (
        PointEntry.objects.filter(
            person_id=OuterRef("person_id"), kind__in=EARNED_KINDS, day__year=OuterRef("year")
        )
        .order_by()
        .values("person_id")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return (
        rows.annotate(
            balance=Coalesce(Subquery(balance, output_field=IntegerField()), Value(0)),
            year_points=Coalesce(Subquery(year_points, output_field=IntegerField()), Value(0)),
        )
        # The nominee's rank by the year's approved points among the year's nominees shown.
        .annotate(rank=Window(Rank(), partition_by=[F("year")], order_by=F("year_points").desc()))
        .select_related("org", "person__org", "nominated_by")
        .order_by("-year", "org__path", "id")
    )


def nomination_get_for_user(
    *, user: User, nomination_id: int, for_write: bool = False
) -> Nomination:
    row = nominations_visible(user=user).select_related("org", "person").filter(pk=nomination_id)
    nomination = row.first()
    if nomination is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=nomination.org):
        raise PermissionDenied
    return nomination


def person_ranks(*, person: Person, year: int) -> list[tuple[OrgUnit, int, int]]:
    """(unit, rank, points) of `person` in the year at her grid/village/township units: one
    ranking query per level (three at most)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    ids = tree.ids_in_path(person.org.path)
    units = OrgUnit.objects.filter(
        pk__in=ids, kind__in=["grid", "village", "community", "township"]
    )
    result = []
    for unit in units.order_by("-path"):
        row = executive_ranking(org=unit, start=start, end=end)
        mine: list[Any] = [r for r in row if r.pk == person.pk]
        if mine:
            result.append((unit, int(mine[0].rank), int(mine[0].points)))
    return result


# --- figures -------------------------------------------------------------------------------------


def _ledger_conditions() -> dict[str, Q]:
    return {"pending": status_q("pending")}


def _ledger_sums() -> dict[str, Any]:
    return {
        "approved": Sum("amount", filter=Q(kind=Kind.APPROVE)),
        "redeemed": Sum("amount", filter=Q(kind=Kind.REDEEM)),
    }


def points_figures(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Figure]:
    """Points approved, pending, redeemed (points and items), executives with points,
    volunteers (the others) with points and nominations in org's subtree and the period, each
    linking to exactly its records."""
    ledger = entry_list(user=user, filters=LedgerFilters(org=org, start=start, end=end))
    # Approved and redeemed points and pending entries: one query over the period's ledger.
    counts = count_each(ledger, _ledger_conditions(), extra=_ledger_sums())
    items = redemption_list(user=user, org=org, start=start, end=end).order_by()
    counts["items"] = items.aggregate(s=Sum("quantity"))["s"]
    for who in EARNERS:
        ranked = executive_ranking(org=org, start=start, end=end, who=who, user=user)
        counts[who] = ranked.filter(entry_scope_q_persons(user)).count()
    nominations = nomination_rows(user=user, org=org, year_from=start.year, year_to=end.year)
    counts["nominations"] = nominations.count()
    return points_figures_from(counts, org=org, start=start, end=end)


def points_figures_grouped(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, targets: Targets
) -> dict[int, list[Figure]]:
    """points_figures of every target (units in org's subtree), from the same reads over
    org's subtree grouped by the target a row lies under: four queries per path length of the
    targets."""
    ledger = entry_list(user=user, filters=LedgerFilters(org=org, start=start, end=end))
    sums = grouped_counts(
        ledger, _ledger_conditions(), path_field="org__path", targets=targets, extra=_ledger_sums()
    )
    items = grouped_counts(
        redemption_list(user=user, org=org, start=start, end=end),
        {},
        path_field="item__org__path",
        targets=targets,
        extra={"items": Sum("quantity")},
    )
    if user.has_business_scope:  # as entry_scope_q_persons
        earners = earner_counts(org=org, start=start, end=end, targets=targets, user=user)
    else:
        earners = {unit.pk: dict.fromkeys(EARNERS, 0) for unit in targets}
    nominations = grouped_count(
        nomination_rows(user=user, org=org, year_from=start.year, year_to=end.year),
        path_field="org__path",
        targets=targets,
    )
    return {
        unit.pk: points_figures_from(
            sums[unit.pk]
            | items[unit.pk]
            | earners[unit.pk]
            | {"nominations": nominations[unit.pk]},
            org=unit,
            start=start,
            end=end,
        )
        for unit in targets
    }


def entry_scope_q_persons(user: User) -> Q:
    """Rankings list persons by the entries in scope; nothing more to hide for scoped users."""
    return Q() if user.has_business_scope else Q(pk__in=[])
