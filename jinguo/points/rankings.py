"""Rankings by duty points: executives and volunteers of a unit, and the units below it."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
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
from django.db.models.functions import Coalesce, Rank, Substr

from jinguo.accounts.models import User
from jinguo.common.grouped import Targets
from jinguo.orgs import tree
from jinguo.orgs.kinds import TERRITORIAL_LEVEL
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import scope_q
from jinguo.people.models import Person
from jinguo.people.selectors import open_seats
from jinguo.points.models import (
    EARNED_KINDS,
    PointEntry,
)

# --- rankings ------------------------------------------------------------------------------------


EARNERS = ("executives", "volunteers")  # who a ranking lists


def seated_ids(*, org: OrgUnit, user: User | None = None) -> QuerySet[Any]:
    """The person ids of the executives of org's subtree: the seats held now, as the
    executives figure counts them (jinguo.people.selectors.open_seats, in the user's scope)."""
    return open_seats(org=org, user=user).order_by().values("person_id")


def earned_entries(*, org: OrgUnit, start: dt.date, end: dt.date) -> QuerySet[PointEntry]:
    """The approved points earned in org's subtree in the period: what the rankings rank."""
    return PointEntry.objects.filter(
        org.subtree_q("org__"), kind__in=EARNED_KINDS, day__gte=start, day__lte=end
    )


def executive_ranking(
    *,
    org: OrgUnit,
    start: dt.date,
    end: dt.date,
    who: str = "executives",
    user: User | None = None,
) -> QuerySet[Person]:
    """The people who earned approved points in org's subtree in the period, ranked (ties
    share a rank): one query. Each row has `points` and `rank`. `who` is "executives" (those
    holding a seat in org's subtree now) or "volunteers" (everyone else who earned points:
    residents' volunteer service); the two lists never share a person."""
    earned = earned_entries(org=org, start=start, end=end)
    sums = (
        earned.filter(person_id=OuterRef("pk"))
        .order_by()
        .values("person_id")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    seated = Q(pk__in=seated_ids(org=org, user=user))
    people = Person.objects.filter(pk__in=earned.values("person_id"))
    people = people.filter(seated) if who == "executives" else people.exclude(seated)
    return (
        people.annotate(points=Coalesce(Subquery(sums, output_field=IntegerField()), Value(0)))
        .annotate(rank=Window(Rank(), order_by=F("points").desc()))
        .select_related("org")
        .order_by("rank", "name", "id")
    )


def earner_counts(
    *, org: OrgUnit, start: dt.date, end: dt.date, targets: Targets, user: User | None = None
) -> dict[int, dict[str, int]]:
    """Per target (units in org's subtree, by pk), how many people executive_ranking lists
    for it as "executives" and as "volunteers": the distinct earners under the target, those
    of them seated under it (the same target) being its executives. One grouped query per path
    length of the targets."""
    result = {unit.pk: dict.fromkeys(EARNERS, 0) for unit in targets}
    seats = open_seats(org=org, user=user)
    for pass_ in targets.passes():
        seated = Exists(
            seats.annotate(_seat_unit=pass_.group("org__path")).filter(
                person_id=OuterRef("person_id"), _seat_unit=OuterRef("_unit_path")
            )
        )
        rows = (
            pass_.rows(earned_entries(org=org, start=start, end=end), "org__path")
            .order_by()
            .values("_unit_path")
            .annotate(
                earners=Count("person_id", distinct=True),
                seated=Count("person_id", distinct=True, filter=Q(seated)),
            )
            .values_list("_unit_path", "earners", "seated")
        )
        for path, earners, executives in rows:
            unit = pass_.units.get(path)
            if unit is not None:
                result[unit.pk] = {"executives": executives, "volunteers": earners - executives}
    return result


@dataclass
class UnitRank:
    unit: OrgUnit
    points: int
    executives: int
    per_executive: float
    rank: int = 0


@dataclass
class UnitRanking:
    org: OrgUnit
    rows: list[UnitRank] = field(default_factory=list)


def unit_ranking(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> UnitRanking:
    """org's child units ranked by approved points per executive (the points the executives
    of org's subtree earned, over the active seats in the child's subtree): one grouped query
    for the points, one for the executives, one for the units."""
    n = len(org.path)
    segment = Substr("org__path", n + 1, tree.SEGMENT)
    points = (
        PointEntry.objects.filter(
            org.subtree_q("org__"), kind__in=EARNED_KINDS, day__gte=start, day__lte=end
        )
        .filter(person_id__in=seated_ids(org=org))  # points per executive: executives' points
        .annotate(segment=segment)
        .values("segment")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    seats = (
        open_seats(org=org)
        .annotate(segment=segment)
        .values("segment")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    by_points = {r["segment"]: int(r["s"] or 0) for r in points}
    by_seats = {r["segment"]: r["n"] for r in seats}
    children = (
        OrgUnit.objects.filter(scope_q(user=user, field=""))
        .filter(parent=org, is_active=True, kind__in=list(TERRITORIAL_LEVEL))
        .order_by("code", "name")
    )
    result = UnitRanking(org=org)
    for child in children:
        seg = tree.segment(child.pk)
        total, people = by_points.get(seg, 0), by_seats.get(seg, 0)
        per = round(total / people, 1) if people else 0.0
        result.rows.append(UnitRank(child, total, people, per))
    result.rows.sort(key=lambda r: -r.per_executive)
    previous, rank = None, 0
    for i, row in enumerate(result.rows, start=1):
        if row.per_executive != previous:
            rank, previous = i, row.per_executive
        row.rank = rank
    return result
