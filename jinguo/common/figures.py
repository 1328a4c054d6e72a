"""A figure on a dashboard or report: a count over records, with the link that lists them.

Every app that reports figures returns these from a selector
`<app>_figures(*, user, org, start, end) -> list[Figure]`, so the dashboards (and the work
report) can gather them without knowing the app. `url` opens the list of exactly the records
counted, already filtered by org and period.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet


@dataclass(frozen=True)
class Figure:
    key: str  # stable, English: "meetings.held"
    label: Any  # lazy Chinese label
    value: int | float
    url: str
    unit: Any = ""  # lazy unit label: "人次", "小时", "元"


def figure_url(base: str, **params: Any) -> str:
    """`base` with the non-empty params as a query string (dates as ISO)."""
    clean = {k: str(v) for k, v in params.items() if v is not None and v != ""}
    return f"{base}?{urlencode(clean)}" if clean else base


def count_each(
    queryset: QuerySet[Any],
    conditions: Mapping[str, Q],
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Per key, how many rows of `queryset` meet its condition (an empty Q: all of them), and
    the `extra` aggregates: one query for all of them (COUNT … FILTER) instead of one per
    figure, which is what a cold dashboard pays for.

    A condition must not follow a multi-valued relation (the join would count a row once per
    related row): use Exists for those, as the apps' figure filters do."""
    aggregates: dict[str, Any] = {
        key: Count("pk", filter=q or None) for key, q in conditions.items()
    }
    aggregates |= extra or {}
    if not aggregates:
        return {}
    values = queryset.order_by().aggregate(**aggregates)
    return {key: int(values[key] or 0) if key in conditions else values[key] for key in values}
