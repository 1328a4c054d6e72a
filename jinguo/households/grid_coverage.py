"""覆盖 (a covered grid), defined once: a grid or micro-grid with at least one executive
assigned to it on a given day — the assignment started on or before that day and had not
ended by it (an assignment ended on day D no longer covers D: that is how 撤销 today reads).

The dashboard, the tallies, the work report, the 不漏一户 page and the grid list all count
through `grid_covered`; covered + without an executive = grids, on any day."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from jinguo.households.models import GridAssignment


def assignments_on(on: dt.date | None = None) -> QuerySet[GridAssignment]:
    """Grid assignments in force on the day `on` (today by default)."""
    on = on or timezone.localdate()
    return GridAssignment.objects.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=on)
    )


def grid_covered(on: dt.date | None = None, *, grid_field: str = "pk") -> Exists:
    """For a queryset of grids (OrgUnit; `grid_field` the grid's pk): covered on the day `on`."""
    return Exists(assignments_on(on).filter(grid=OuterRef(grid_field)))


def covered_on(end: dt.date) -> dt.date:
    """The day a period's coverage is read on: its end, or today if the period ends later
    (future assignments are not known yet)."""
    return min(end, timezone.localdate())
