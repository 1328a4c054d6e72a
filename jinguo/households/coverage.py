"""不漏一户: the coverage figures of a subtree (households without a 包保 executive, with two,
relocated ones without a covering executive, grids without an executive, executives over a
category's cap), and the conditions that define them, which the ledger filters by too."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from jinguo.accounts.models import User
from jinguo.households.grid_coverage import grid_covered
from jinguo.households.models import Category, Household, HouseholdAssignment, holding
from jinguo.households.scope import households_visible
from jinguo.households.selectors import grid_list_visible
from jinguo.households.tokens import category_tokens, token_case
from jinguo.orgs import tree
from jinguo.orgs.kinds import TERRITORIAL_LEVEL
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import scope_q

RESPONSIBLE = HouseholdAssignment.Kind.RESPONSIBLE
COVERING = HouseholdAssignment.Kind.COVERING


# --- building blocks: open assignments as correlated subqueries ------------------------------


def open_assignments(kind: str, **extra: Any) -> QuerySet[HouseholdAssignment]:
    return HouseholdAssignment.objects.filter(
        household=OuterRef("pk"), kind=kind, end_date__isnull=True, **extra
    )


def has_open(kind: str) -> Exists:
    return Exists(open_assignments(kind))


def has_two_responsible() -> Exists:
    # Two or more open 包保 rows: a handover that was typed in twice, or two cadres' lists merged.
    return Exists(
        open_assignments(RESPONSIBLE).values("household").annotate(n=Count("id")).filter(n__gte=2)
    )


def relocated_q() -> Q:
    return Q(living_grid__isnull=False) & ~Q(living_grid=F("grid"))


def uncovered_q() -> Q:
    return relocated_q() & ~Q(has_open(COVERING))


# --- 不漏一户: coverage figures ------------------------------------------------------------------


@dataclass
class CoverageCounts:
    households: int = 0
    unassigned: int = 0
    double: int = 0
    unstaffed_grids: int = 0
    uncovered: int = 0
    over_quota: int = 0
    grids: int = 0

    @property
    def covered_grids(self) -> int:
        """覆盖网格: grids with an executive (households.grid_coverage)."""
        return self.grids - self.unstaffed_grids


@dataclass
class OverQuota:
    executive_id: int
    executive_name: str
    category_id: int
    category_name: str
    households: int
    limit: int


@dataclass
class Coverage:
    org: OrgUnit
    total: CoverageCounts
    children: list[tuple[OrgUnit, CoverageCounts]] = field(default_factory=list)
    over_quota: list[OverQuota] = field(default_factory=list)


def _child_segment(org: OrgUnit, path_field: str) -> Substr:
    """The path segment of the direct child of `org` a row's unit lies under ("" for `org`)."""
    return Substr(path_field, len(org.path) + 1, tree.SEGMENT)


def subtree_households(*, user: User, org: OrgUnit) -> QuerySet[Household]:
    return households_visible(user=user).filter(org.subtree_q("grid__"), is_active=True)


def _household_counts(*, user: User, org: OrgUnit) -> dict[str, dict[str, int]]:
    """One grouped query: per child segment, households and the three household figures."""
    rows = (
        subtree_households(user=user, org=org)
        .annotate(segment=_child_segment(org, "grid__path"))
        .values("segment")
        .annotate(
            households=Count("id"),
            unassigned=Count("id", filter=~Q(has_open(RESPONSIBLE))),
            double=Count("id", filter=Q(has_two_responsible())),
            uncovered=Count("id", filter=uncovered_q()),
        )
        .order_by()
    )
    return {row.pop("segment"): row for row in rows}


def _unstaffed_grids(*, user: User, org: OrgUnit, on: dt.date | None = None) -> QuerySet[OrgUnit]:
    return grid_list_visible(user=user, org=org).filter(~Q(grid_covered(on)))


def _grid_counts(
    *, user: User, org: OrgUnit, on: dt.date | None = None
) -> dict[str, tuple[int, int]]:
    """One grouped query: per child segment, (grids, grids without an executive on `on`)."""
    rows = (
        grid_list_visible(user=user, org=org)
        .annotate(segment=_child_segment(org, "path"))
        .values("segment")
        .annotate(n=Count("id"), unstaffed=Count("id", filter=~Q(grid_covered(on))))
        .order_by()
    )
    return {row["segment"]: (row["n"], row["unstaffed"]) for row in rows}


def _quota_rows(*, user: User, org: OrgUnit) -> list[dict[str, Any]]:
    """Per child segment, executive and capped category: how many of her 包保 households.
    A link holds a category's token (households.tokens), so rows carry `category_id` from a
    CASE over the capped categories' tokens."""
    capped = {c.pk: c for c in Category.objects.filter(max_per_executive__isnull=False)}
    if not capped:
        return []
    subtree = subtree_households(user=user, org=org)
    rows = (
        HouseholdAssignment.objects.filter(
            kind=RESPONSIBLE,
            end_date__isnull=True,
            household__in=subtree.values("pk"),
            household__category_links__token__in=category_tokens(capped),
        )
        .annotate(
            segment=_child_segment(org, "household__grid__path"),
            category_id=token_case(
                {pk: pk for pk in capped}, field="household__category_links__token"
            ),
        )
        .values("segment", "executive_id", "executive__name", "category_id")
        .annotate(n=Count("household", distinct=True))
        .order_by()
    )
    return [
        {
            **row,
            "category_name": capped[row["category_id"]].name,
            "limit": capped[row["category_id"]].max_per_executive,
        }
        for row in rows
    ]


def _over_quota(rows: list[dict[str, Any]]) -> tuple[list[OverQuota], dict[str, int]]:
    """Executive × category pairs over the cap across the subtree, and, per child, the pairs
    over the cap within that child."""
    totals: dict[tuple[int, int], OverQuota] = {}
    per_child: dict[str, int] = defaultdict(int)
    for row in rows:
        limit = row["limit"]
        key = (row["executive_id"], row["category_id"])
        pair = totals.setdefault(
            key,
            OverQuota(
                executive_id=key[0],
                executive_name=row["executive__name"],
                category_id=key[1],
                category_name=row["category_name"],
                households=0,
                limit=limit,
            ),
        )
        pair.households += row["n"]
        if row["segment"] and row["n"] > limit:
            per_child[row["segment"]] += 1
    over = [p for p in totals.values() if p.households > p.limit]
    over.sort(key=lambda p: (p.category_id, -p.households, p.executive_name))
    return over, per_child


def over_quota_q(*, user: User, org: OrgUnit | None) -> Q:
    """Households of an over-quota pair: in the pair's category, held by the pair's executive."""
    root = org if org is not None else user.org
    if root is None:
        return Q(pk__in=[])
    pairs, _per_child = _over_quota(_quota_rows(user=user, org=root))
    q = Q(pk__in=[])
    for pair in pairs:
        q |= holding(pair.category_id) & Q(
            Exists(open_assignments(RESPONSIBLE, executive_id=pair.executive_id))
        )
    return q


def _coverage_children(*, user: User, org: OrgUnit) -> QuerySet[OrgUnit]:
    # Only territorial units hold grids; enterprise and other federations would be rows of 0.
    return (
        OrgUnit.objects.filter(scope_q(user=user, field=""))
        .filter(parent=org, is_active=True, kind__in=list(TERRITORIAL_LEVEL))
        .order_by("code", "name")
    )


def coverage_counts(*, user: User, org: OrgUnit, on: dt.date | None = None) -> Coverage:
    """不漏一户 for `org`'s subtree: households without a 包保 executive, with two or more,
    grids without an executive on the day `on` (today by default; grid_coverage, the one
    definition of 覆盖), relocated households without a covering executive, and
    executive × category pairs over the category's cap; the same per direct child of `org`.
    Four queries whatever the size of the subtree."""
    households = _household_counts(user=user, org=org)
    grids = _grid_counts(user=user, org=org, on=on)
    over, over_per_child = _over_quota(_quota_rows(user=user, org=org))
    total = CoverageCounts(
        grids=sum(n for n, _u in grids.values()),
        unstaffed_grids=sum(u for _n, u in grids.values()),
        over_quota=len(over),
    )
    for row in households.values():
        total.households += row["households"]
        total.unassigned += row["unassigned"]
        total.double += row["double"]
        total.uncovered += row["uncovered"]
    children = []
    for child in _coverage_children(user=user, org=org):
        segment = tree.segment(child.pk)
        row = households.get(segment, {})
        counts = CoverageCounts(
            households=row.get("households", 0),
            unassigned=row.get("unassigned", 0),
            double=row.get("double", 0),
            uncovered=row.get("uncovered", 0),
            grids=grids.get(segment, (0, 0))[0],
            unstaffed_grids=grids.get(segment, (0, 0))[1],
            over_quota=over_per_child.get(segment, 0),
        )
        children.append((child, counts))
    return Coverage(org=org, total=total, children=children, over_quota=over)


def unstaffed_grids(*, user: User, org: OrgUnit, on: dt.date | None = None) -> QuerySet[OrgUnit]:
    return _unstaffed_grids(user=user, org=org, on=on)
