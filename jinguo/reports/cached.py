"""The cached dashboard: the sections and trends the page shows at once (the board), and the
period comparison fetched right after, each kept in the shared cache per scope, org and period
(the warmer refreshes them)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import get_language

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.common.parallel import run_reads
from jinguo.orgs.models import OrgUnit
from jinguo.reports.comparison import Change, dashboard_comparison
from jinguo.reports.periods import DEFAULT_MODE
from jinguo.reports.sections import section_tasks
from jinguo.reports.shapes import Section
from jinguo.reports.trends import monthly_trends


@dataclass
class Dashboard:
    sections: list[Section]
    changes: dict[str, Change]
    trends: dict[str, list[int]]


def dashboard_key(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> str:
    """Who shares a computed dashboard: what a user sees is decided by her unit and role
    (scope_q), except a grid member's, who also sees the households she covers elsewhere:
    hers is cached for her alone."""
    who = f"u{user.pk}" if user.role == Role.GRID_MEMBER else f"o{user.org_id}"
    return f"dashboard:{who}:{user.role}:{org.pk}:{start}:{end}:{get_language()}"


def _cached(key: str, compute: Callable[[], Any], *, refresh: bool = False) -> Any:
    """From the shared cache (settings.CACHES["dashboard"]) unless `refresh` (the warmer)."""
    seconds = int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 30))
    store = caches["dashboard"]
    if seconds and not refresh:
        hit = store.get(key)
        if hit is not None:
            return hit
    value = compute()
    if seconds:
        store.set(key, value, seconds)
    return value


def _plain(sections: list[Section]) -> list[Section]:
    """The sections with their lazy labels turned into text (the cache key holds the
    language): unpickling a thousand lazy strings from the cache costs more than a page."""
    for section in sections:
        section.title = str(section.title)
        section.figures = [
            replace(f, label=str(f.label), unit=str(f.unit)) for f in section.figures
        ]
        if section.children is not None:
            section.children.columns = [str(c) for c in section.children.columns]
    return sections


def dashboard_board(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, refresh: bool = False
) -> Dashboard:
    """Sections and trends without the comparison (`changes` empty): what the page shows at
    once. Kept in the cache for DASHBOARD_CACHE_SECONDS (30 by default, 0 to switch off) per
    scope, org and period; with the tallies' own limit (TALLY_MAX_AGE_SECONDS, 30) a figure is
    at most a minute behind the records. The caller has checked `org` against the scope."""

    def compute() -> Dashboard:
        tasks: list[Callable[[], Any]] = [
            partial(monthly_trends, user=user, org=org, year=end.year),
            *section_tasks(user=user, org=org, start=start, end=end),
        ]
        trends, *sections = run_reads(tasks)
        return Dashboard(sections=_plain(sections), changes={}, trends=trends)

    key = dashboard_key(user=user, org=org, start=start, end=end)
    return cast(Dashboard, _cached(key + ":board", compute, refresh=refresh))


def dashboard_changes(
    *,
    user: User,
    org: OrgUnit,
    start: dt.date,
    end: dt.date,
    refresh: bool = False,
    mode: str = DEFAULT_MODE,
) -> dict[str, Change]:
    """The comparison (同比 by default, `mode`), on its own: the page fetches it right after it
    has shown the figures (the board is then a cache hit), so neither request computes both
    periods. Cached like the board, per mode."""
    board = dashboard_board(user=user, org=org, start=start, end=end, refresh=refresh)

    def compute() -> dict[str, Change]:
        return dashboard_comparison(
            user=user, org=org, start=start, end=end, sections=board.sections, mode=mode
        )

    key = dashboard_key(user=user, org=org, start=start, end=end)
    return cast(dict[str, Change], _cached(f"{key}:changes:{mode}", compute, refresh=refresh))


def dashboard_cached(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, mode: str = DEFAULT_MODE
) -> Dashboard:
    """The board with its comparison (the API and the Excel export)."""
    board = dashboard_board(user=user, org=org, start=start, end=end)
    changes = dashboard_changes(user=user, org=org, start=start, end=end, mode=mode)
    return Dashboard(sections=board.sections, changes=changes, trends=board.trends)
