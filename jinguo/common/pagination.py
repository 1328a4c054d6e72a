"""A paginator for lists whose unfiltered result can be a county's worth of rows."""

import hashlib
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

# A count at least this large is kept COUNT_CACHE_SECONDS; smaller ones are exact every time.
COUNT_CACHE_FROM = 10_000
COUNT_CACHE_SECONDS = 30


class CachedCountPaginator(Paginator):
    """Paginator whose COUNT(*) of a large result is kept for COUNT_CACHE_SECONDS, keyed by
    the query's SQL and parameters (the user's scope is in them, so no two scopes share a
    count). An exact count over a county's 100,000 households costs more than the rest of the
    page; the number shown is then at most 30 s behind, as the dashboard's figures are. Counts
    below COUNT_CACHE_FROM, what a village or a search finds, are counted on every request."""

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return super().count
        try:
            sql, params = rows.order_by().query.sql_with_params()
        except EmptyResultSet:  # nothing can match (an empty scope): counted without a query
            return super().count
        digest = hashlib.sha256(f"{rows.db}\n{sql}\n{params!r}".encode()).hexdigest()
        key = f"jinguo:count:{digest}"
        found = cache.get(key)
        if found is not None:
            return int(found)
        count = _count_rows(rows.db, sql, params)
        if count >= COUNT_CACHE_FROM:
            cache.set(key, count, COUNT_CACHE_SECONDS)
        return count


def _count_rows(alias: str, sql: str, params: Any) -> int:
    """COUNT(*) over the SQL compiled for the key already (compiling the queryset's own count
    again cost ≈0.4 ms a page). The database drops the selected columns it need not read."""
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) counted", params)  # noqa: S608 (Django's SQL)
        return int(cursor.fetchone()[0])
