"""Counters every web worker shares (settings.CACHES["shared"]: a database table, or Redis when
JINGUO_CACHE_URL says so), for rate limits and login throttles.

A counter is a row of `limit` slots; a hit claims the first free one with cache.add(), which
both backends do atomically (an INSERT on the table's primary key, SET NX on Redis), so parallel
hits from several workers never count as one, as a read-then-write increment could. Each slot
expires `window` seconds after it was claimed: the count is the number of hits in the last
`window` seconds, at most `limit`.
"""

import hashlib

from django.core.cache import BaseCache, caches


def _store() -> BaseCache:
    return caches["shared"]


def _slots(key: str, limit: int) -> list[str]:
    return [f"throttle:{key}:{i}" for i in range(limit)]


def hashed(value: str) -> str:
    """A fixed-length cache-safe key part for a user-supplied string (a user name)."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def hit(key: str, *, limit: int, window: int) -> int | None:
    """Count one hit on `key`. Returns how many hits the window now holds (1 … limit), or None
    when all `limit` are already taken: the caller is over the limit."""
    store = _store()
    slots = _slots(key, limit)
    taken = store.get_many(slots)
    for number, slot in enumerate(slots, start=1):
        if slot not in taken and store.add(slot, 1, window):
            return number
    return None


def count(key: str, *, limit: int) -> int:
    """How many hits `key` holds now (at most `limit`), without counting one."""
    return len(_store().get_many(_slots(key, limit)))


def forget(key: str, *, limit: int) -> None:
    _store().delete_many(_slots(key, limit))
