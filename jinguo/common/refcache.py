"""Reference data that list pages read on every request and that hardly ever changes (a
scope's grids, for a filter's options), kept a short while in each process.

On the county's ledger the grid options (up to 300) were ≈3 ms of a ≈38 ms page. A change made
through the services (every orgs.services write) empties this process's copies at once
(`reference_changed`); other web processes see it within REFERENCE_CACHE_SECONDS (60 by
default; 0 switches the cache off), as the dashboards see records within a minute. Nothing
that decides what a user may see is kept here: the key categories, whose `sensitive` flag
decides what is masked, are read afresh on every page.
"""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches

T = TypeVar("T")

_GENERATION = "reference:generation"


def _seconds() -> int:
    return int(getattr(settings, "REFERENCE_CACHE_SECONDS", 60))


def cached_reference(key: str, compute: Callable[[], T]) -> T:
    """compute()'s value, kept in this process's cache under `key` for a while."""
    seconds = _seconds()
    if seconds <= 0:
        return compute()
    store = caches["default"]
    generation = store.get(_GENERATION, 0)
    full_key = f"reference:{generation}:{key}"
    hit = store.get(full_key)
    if hit is None:
        hit = compute()
        store.set(full_key, hit, seconds)
    return hit


def reference_changed() -> None:
    """Forget this process's copies (a unit was written: orgs.services)."""
    store = caches["default"]
    try:
        store.incr(_GENERATION)
    except ValueError:  # not set yet (or expired): any new value starts a new generation
        store.set(_GENERATION, 1, None)
