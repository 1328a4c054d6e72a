"""The stored visit plan of households: last visit, interval, due day.

A household is due `interval` days after its last visit (or after the day it was registered,
if never visited), where `interval` is the smallest visit frequency among its active
categories; households without an active category are not planned (all three null but the
last visit). These were computed with a MAX over visits for every household in scope on every
request; stored, "overdue" is `visit_due_on < today` on an index.

`plan_refresh` recomputes the plan in SQL, set-based, for the households given (or all), on
both databases. Every write that can change it calls it: a visit logged, categories changed,
a category's interval or activity changed, households imported or generated. The functions
take the model classes so that the data migration can pass its historical models.
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

CHUNK = 5_000


def _due_expression() -> Any:
    base = Coalesce(F("last_visited_on"), TruncDate("created_at"), output_field=DateField())
    # days × one day: an interval both databases add to a date.
    span = ExpressionWrapper(
        Cast(F("visit_interval_days"), IntegerField()) * Value(dt.timedelta(days=1)),
        output_field=DurationField(),
    )
    return Cast(ExpressionWrapper(base + span, output_field=DateField()), DateField())


def _refresh(households: QuerySet[Any], visit_model: Any, link_model: Any) -> int:
    last = (
        visit_model.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(m=Max("visited_on"))
        .values("m")
    )
    interval = (
        link_model.objects.filter(household=OuterRef("pk"), category__is_active=True)
        .order_by()
        .values("household")
        .annotate(m=Min("category__visit_interval_days"))
        .values("m")
    )
    households.update(last_visited_on=Subquery(last), visit_interval_days=Subquery(interval))
    return households.update(visit_due_on=_due_expression())


def plan_refresh_models(
    household_model: Any,
    visit_model: Any,
    link_model: Any,
    *,
    household_ids: Iterable[int] | None = None,
) -> int:
    """Recompute the plan of `household_ids` (all households when None); returns rows updated."""
    if household_ids is None:
        return _refresh(household_model.objects.all(), visit_model, link_model)
    ids = sorted(set(household_ids))
    done = 0
    for i in range(0, len(ids), CHUNK):
        chunk = household_model.objects.filter(pk__in=ids[i : i + CHUNK])
        done += _refresh(chunk, visit_model, link_model)
    return done


def plan_refresh(*, household_ids: Iterable[int] | None = None) -> int:
    from jinguo.households.models import Household, HouseholdCategory
    from jinguo.visits.models import Visit

    return plan_refresh_models(Household, Visit, HouseholdCategory, household_ids=household_ids)


def plan_refresh_category(*, category_id: int) -> int:
    """After a category's interval or activity changed: every household holding it."""
    from jinguo.households.models import HouseholdCategory

    ids = HouseholdCategory.objects.filter(category_id=category_id).values_list(
        "household_id", flat=True
    )
    return plan_refresh(household_ids=list(ids))


def plan_visit_logged(*, household_id: int, visited_on: dt.date) -> None:
    """A visit was logged: the last visit only moves forward (visits are never edited or
    deleted), and the due day follows it. One UPDATE, no read of the other visits."""
    from jinguo.households.models import Household

    rows = Household.objects.filter(pk=household_id)
    # A conditional UPDATE is the portable max(last, visited_on).
    rows.filter(Q(last_visited_on__isnull=True) | Q(last_visited_on__lt=visited_on)).update(
        last_visited_on=visited_on
    )
    rows.filter(visit_interval_days__isnull=False).update(visit_due_on=_due_expression())
