"""Reads of visits and wishes, always within the user's scope.

The visit plan: a household is due `interval` days after its last visit (or after it was
registered, if never visited), where `interval` is the smallest visit frequency among its active
categories. Households without a category are not planned. Stored on the household
(jinguo.households.plan), so "due" is an index range, not a MAX over every visit in scope.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.households.ledger import household_list, my_households
from jinguo.households.models import Household
from jinguo.households.scope import households_visible
from jinguo.orgs import tree
from jinguo.orgs.kinds import TERRITORIAL_LEVEL
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, scope_q
from jinguo.visits.models import Visit, Wish, WishChange

WEEK = 7


def _with_due(households: QuerySet[Household]) -> QuerySet[Household]:
    """Annotate last_visit, interval and due (null without an active category) from the stored
    plan (jinguo.households.plan keeps it right on every write)."""
    return households.annotate(
        last_visit=F("last_visited_on"), interval=F("visit_interval_days"), due=F("visit_due_on")
    )


def _planned(households: QuerySet[Household]) -> QuerySet[Household]:
    return _with_due(households).filter(Q(interval__isnull=False))


def _todo_base(*, user: User, org: OrgUnit | None) -> QuerySet[Household]:
    if user.role == Role.GRID_MEMBER:
        households = my_households(user=user)
    else:
        households = households_visible(user=user).filter(is_active=True)
    if org is not None:
        households = households.filter(org.subtree_q("grid__"))
    return households


def visit_todo(
    *, user: User, today: dt.date | None = None, org: OrgUnit | None = None
) -> QuerySet[Household]:
    """Households overdue (due < today) or due this week (today … today+6), earliest due first,
    so the overdue ones come first; each carries `due`, `last_visit` and `interval`."""
    today = today or timezone.localdate()
    week_end = today + dt.timedelta(days=WEEK - 1)
    households = _planned(_todo_base(user=user, org=org)).filter(Q(due__lte=week_end))
    return households.select_related("head", "grid").order_by("due", "number")


# What a household row of the to-do and the picker shows (visits/templatetags/visit_tags.py).
# Read as named tuples rather than models: 300 rows, each a household, its head and its grid
# built as model instances (the head's ID and phone decrypted), cost more than the page.
ROW_FIELDS = (
    "pk",
    "number",
    "grid_id",
    "grid__name",
    "head_id",
    "head__name",
    "head__birth_date",
    "last_visit",
    "due",
)


def household_rows(households: QuerySet[Household], *ordering: str) -> QuerySet[Household, Any]:
    """`households` (visit_todo, household_picker, with their plan annotations) as rows of
    ROW_FIELDS, in the same order. `ordering`: the annotations it is ordered by, selected too
    (PostgreSQL cannot order a values query by an annotation left out of it)."""
    households = households.select_related(None).prefetch_related(None)
    return households.values_list(*ROW_FIELDS, *ordering, named=True)


def visit_overdue(
    *, user: User, today: dt.date | None = None, org: OrgUnit | None = None
) -> QuerySet[Household]:
    today = today or timezone.localdate()
    return visit_todo(user=user, today=today, org=org).filter(Q(due__lt=today))


@dataclass
class OverdueCounts:
    org: OrgUnit
    total: int = 0
    children: list[tuple[OrgUnit, int]] = field(default_factory=list)


def overdue_households(
    *, user: User, org: OrgUnit, today: dt.date | None = None
) -> QuerySet[Household]:
    """The overdue households of `org`'s subtree (visit_overdue) as a plain household query, to
    be counted or grouped."""
    overdue = visit_overdue(user=user, today=today, org=org).order_by().values("pk")
    return Household.objects.filter(pk__in=overdue)


def overdue_counts(*, user: User, org: OrgUnit, today: dt.date | None = None) -> OverdueCounts:
    """Overdue households in `org`'s subtree, and per direct child unit (by the child segment of
    the home grid's path, as households.coverage.coverage_counts does). Two queries."""
    rows = (
        overdue_households(user=user, org=org, today=today)
        .annotate(segment=Substr("grid__path", len(org.path) + 1, tree.SEGMENT))
        .values("segment")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_segment = {row["segment"]: row["n"] for row in rows}
    result = OverdueCounts(org=org, total=sum(per_segment.values()))
    children = (
        OrgUnit.objects.filter(scope_q(user=user, field=""))
        .filter(parent=org, is_active=True, kind__in=list(TERRITORIAL_LEVEL))
        .order_by("code", "name")
    )
    for child in children:
        result.children.append((child, per_segment.get(tree.segment(child.pk), 0)))
    return result


def household_picker(
    *, user: User, query: str = "", today: dt.date | None = None
) -> QuerySet[Household]:
    """Households to log a visit for: without a search, her own (my_households); with one, every
    household she may see that matches, hers first. Overdue ones on top in both cases."""
    today = today or timezone.localdate()
    if query:
        mine = my_households(user=user).order_by().values("pk")
        households = household_list(user=user, query=query).annotate(
            mine=Case(When(pk__in=mine, then=1), default=0, output_field=IntegerField())
        )
    else:
        households = my_households(user=user).annotate(mine=Value(1))
    overdue = Case(When(due__lt=today, then=1), default=0, output_field=IntegerField())
    return (
        _with_due(households)
        .annotate(is_overdue=overdue)
        .order_by("-is_overdue", "-mine", "due", "number")
    )


def visit_list(
    *,
    user: User,
    household: Household | None = None,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Visit]:
    """Visits of households `user` may see, newest first; `org` limits to visits recorded at a
    unit of its subtree, `start`/`end` (inclusive) to visit days: the figure 入户走访 of the
    dashboard counts exactly these."""
    visits = Visit.objects.filter(household__in=households_visible(user=user).values("pk"))
    if household is not None:
        visits = visits.filter(household=household)
    if org is not None:
        visits = visits.filter(org.subtree_q("org__"))
    if start is not None:
        visits = visits.filter(visited_on__gte=start)
    if end is not None:
        visits = visits.filter(visited_on__lte=end)
    return visits.select_related("household", "executive", "visited_by", "org", "case")


WISH_DATES = {"collected": "created_at", "fulfilled": "fulfilled_at"}


def wish_list(
    *,
    user: User,
    status: str | None = None,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    by: str = "collected",
) -> QuerySet[Wish]:
    """Wishes in scope, newest first; `org` limits to its subtree, `start`/`end` (inclusive,
    local days) to the day collected (`by="collected"`) or fulfilled (`by="fulfilled"`): the
    dashboard's figures 收集心愿 and 实现心愿 count exactly these."""
    wishes = Wish.objects.filter(scope_q(user=user, field="org"))
    if status:
        wishes = wishes.filter(status=status)
    if org is not None:
        wishes = wishes.filter(org.subtree_q("org__"))
    field = WISH_DATES.get(by, "created_at")
    if by == "fulfilled":
        wishes = wishes.filter(status=Wish.Status.FULFILLED)
    if start is not None:
        wishes = wishes.filter(**{f"{field}__date__gte": start})
    if end is not None:
        wishes = wishes.filter(**{f"{field}__date__lte": end})
    return wishes.select_related("org", "household", "collected_by")


def wish_get_for_user(*, user: User, wish_id: int, for_write: bool = False) -> Wish:
    wish = wish_list(user=user).filter(pk=wish_id).first()
    if wish is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=wish.org):
        raise PermissionDenied
    return wish


def wish_changes(*, wish: Wish) -> QuerySet[WishChange]:
    return wish.changes.select_related("actor")


@dataclass
class HomeTodo:
    """Her households to visit, for her home page: how many are overdue and due this week, and
    the first few of each (rows of ROW_FIELDS)."""

    overdue_count: int = 0
    due_count: int = 0
    overdue: list[Any] = field(default_factory=list)
    due: list[Any] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.overdue_count + self.due_count


def home_todo(*, user: User, today: dt.date | None = None, shown: int = 5) -> HomeTodo:
    """visit_todo of `user` (her own households: my_households for a grid member), split at
    today. Three queries at most, whatever the number of households."""
    today = today or timezone.localdate()
    todo = visit_todo(user=user, today=today)
    late = Q(visit_due_on__lt=today)  # the stored column: an aggregate's filter misreads `due`
    counts = todo.order_by().aggregate(
        overdue=Count("pk", filter=late), due=Count("pk", filter=~late)
    )
    result = HomeTodo(overdue_count=counts["overdue"] or 0, due_count=counts["due"] or 0)
    if result.overdue_count:
        result.overdue = list(household_rows(todo.filter(late))[:shown])
    if result.due_count:
        result.due = list(household_rows(todo.exclude(late))[:shown])
    return result
