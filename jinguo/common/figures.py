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

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class Figure:
    key: str  # stable, English: "meetings.held"
    label: Any  # lazy Chinese label
    value: int | float
    url: str
    unit: Any = ""  # lazy unit label: "人次", "小时", "元"


def list_url(viewname: str) -> str:
    """reverse(viewname) of a URL without arguments, remembered per script prefix and urlconf:
    a round's figures of a thousand units link to the same few lists, and reversing them one
    by one was a fifth of the filling."""
    key = (viewname, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    url = _list_urls.get(key)
    if url is None:
        url = _list_urls[key] = reverse(viewname)
    return url


_list_urls: dict[tuple[str, str, Any], str] = {}


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
    aggregates = _aggregates(conditions, extra)
    if not aggregates:
        return {}
    values = queryset.order_by().aggregate(**aggregates)
    return {key: int(values[key] or 0) if key in conditions else values[key] for key in values}


def count_each_by(
    queryset: QuerySet[Any],
    conditions: Mapping[str, Q],
    *,
    group: Any,
    extra: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[Any, dict[str, Any]]]:
    """count_each per value of `group` (an expression over the rows, e.g. which child unit
    they belong to), and the totals as the sums of the groups: one grouped query gives a
    dashboard both its figures and its per-child table. `extra` aggregates must add up
    (Count, Sum); an empty sum is 0. Without `group`, count_each's one row and no groups."""
    if group is None:
        return count_each(queryset, conditions, extra), {}
    aggregates = _aggregates(conditions, extra)
    rows = queryset.annotate(group=group).values("group").annotate(**aggregates).order_by()
    groups = {row.pop("group"): {key: row[key] or 0 for key in aggregates} for row in rows}
    totals = {key: sum(counts[key] for counts in groups.values()) for key in aggregates}
    return totals, groups


def _aggregates(conditions: Mapping[str, Q], extra: Mapping[str, Any] | None) -> dict[str, Any]:
    """COUNT … FILTER per condition (an empty Q: every row), then the extra aggregates."""
    aggregates: dict[str, Any] = {
        key: Count("pk", filter=q or None) for key, q in conditions.items()
    }
    return aggregates | dict(extra or {})
