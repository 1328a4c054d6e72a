"""The stored visit plan of households: last visit, interval, due day.

A household is due `interval` days after its last visit (or after the day it was registered,
if never visited), where `interval` is the smallest visit frequency among its active
categories; households without an active category are not planned (all three null but the
last visit). These were computed with a MAX over visits for every household in scope on every
request; stored, "overdue" is `visit_due_on < today` on an index.

`plan_refresh` recomputes the plan in SQL, set-based, for the households given (or all), on
both databases. Every write that can change it calls it: a visit logged, categories changed,
a category's interval or activity changed, households imported or generated.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import (
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncDate

from jinguo.households.models import Category, Household, HouseholdCategory
from jinguo.households.tokens import category_token, token_case
from jinguo.visits.models import Visit

CHUNK = 5_000


def _due_expression() -> Any:
    base = Coalesce(F("last_visited_on"), TruncDate("created_at"), output_field=DateField())
    # days × one day: an interval both databases add to a date.
    span = ExpressionWrapper(
        Cast(F("visit_interval_days"), IntegerField()) * Value(dt.timedelta(days=1)),
        output_field=DurationField(),
    )
    return Cast(ExpressionWrapper(base + span, output_field=DateField()), DateField())


def _refresh(households: QuerySet[Any]) -> int:
    last = (
        Visit.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(m=Max("visited_on"))
        .values("m")
    )
    # The link holds a token, not the category: the active categories' intervals as a CASE.
    intervals = dict(
        Category.objects.filter(is_active=True).values_list("pk", "visit_interval_days")
    )
    interval = (
        HouseholdCategory.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(m=Min(token_case(intervals)))
        .values("m")
    )
    households.update(last_visited_on=Subquery(last), visit_interval_days=Subquery(interval))
    return households.update(visit_due_on=_due_expression())


def plan_refresh(*, household_ids: Iterable[int] | None = None) -> int:
    """Recompute the plan of `household_ids` (all households when None); returns rows updated."""
    if household_ids is None:
        return _refresh(Household.objects.all())
    ids = sorted(set(household_ids))
    done = 0
    for i in range(0, len(ids), CHUNK):
        done += _refresh(Household.objects.filter(pk__in=ids[i : i + CHUNK]))
    return done


def plan_refresh_category(*, category_id: int) -> int:
    """After a category's interval or activity changed: every household holding it."""
    ids = HouseholdCategory.objects.filter(token=category_token(category_id)).values_list(
        "household_id", flat=True
    )
    return plan_refresh(household_ids=list(ids))


def plan_visit_logged(*, household_id: int, visited_on: dt.date) -> None:
    """A visit was logged: the last visit only moves forward (visits are never edited or
    deleted), and the due day follows it. One UPDATE, no read of the other visits."""
    rows = Household.objects.filter(pk=household_id)
    # A conditional UPDATE is the portable max(last, visited_on).
    rows.filter(Q(last_visited_on__isnull=True) | Q(last_visited_on__lt=visited_on)).update(
        last_visited_on=visited_on
    )
    rows.filter(visit_interval_days__isnull=False).update(visit_due_on=_due_expression())
