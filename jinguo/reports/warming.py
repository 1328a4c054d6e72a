"""Warm dashboards: the refresher recomputes the ones opened lately before their cached copy
expires, so a cadre who comes back to her dashboard is served from the cache (≈30 ms) instead
of waiting for ≈50 queries — and the figures are still at most a minute behind the records:
each warm copy is computed from tallies younger than TALLY_MAX_AGE_SECONDS and kept
DASHBOARD_CACHE_SECONDS, like a copy computed by a request.

`dashboard_opened` is called by the page (throttled: one write per dashboard and process every
few minutes); `dashboards_warm` by the task that refreshes the tallies every 20 s, after each
refresh (jinguo.reports.tasks).
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils import timezone, translation

from jinguo.accounts.models import User
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_get_for_user
from jinguo.reports import cached
from jinguo.reports.models import DashboardOpened

log = logging.getLogger(__name__)

# A dashboard's `opened_at` is written at most this often per process: a cadre clicking
# through her figures does not write a row per click.
NOTE_EVERY_SECONDS = 300


def dashboard_opened(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> None:
    """Note that `user` opened the dashboard of `org` for start … end (the caller has checked
    `org` against her scope), so the refresher keeps it warm for DASHBOARD_WARM_SECONDS."""
    if settings.DASHBOARD_WARM_SECONDS <= 0 or settings.DASHBOARD_CACHE_SECONDS <= 0:
        return
    key = cached.dashboard_key(user=user, org=org, start=start, end=end)
    noted = f"dashboard-opened:{key}"
    if cache.get(noted):
        return
    DashboardOpened.objects.update_or_create(
        key=key,
        defaults={
            "user": user,
            "org": org,
            "start": start,
            "end": end,
            "language": translation.get_language() or settings.LANGUAGE_CODE,
            "opened_at": timezone.now(),
        },
    )
    cache.set(noted, True, NOTE_EVERY_SECONDS)


def dashboards_warm(*, now: dt.datetime | None = None, limit: int | None = None) -> int:
    """Recompute into the shared cache the dashboards opened in the last
    DASHBOARD_WARM_SECONDS, the most recently opened first, at most `limit`
    (DASHBOARD_WARM_LIMIT) a run; forget older ones and those whose user may no longer see
    the org. Returns how many were warmed."""
    if settings.DASHBOARD_WARM_SECONDS <= 0 or settings.DASHBOARD_CACHE_SECONDS <= 0:
        return 0
    now = now or timezone.now()
    since = now - dt.timedelta(seconds=settings.DASHBOARD_WARM_SECONDS)
    DashboardOpened.objects.filter(opened_at__lt=since).delete()
    limit = settings.DASHBOARD_WARM_LIMIT if limit is None else limit
    entries = DashboardOpened.objects.select_related("user", "user__org").order_by("-opened_at")
    warmed = 0
    for entry in entries[:limit]:
        if _warm(entry):
            warmed += 1
        else:
            entry.delete()
    return warmed


def _warm(entry: DashboardOpened) -> bool:
    """Computes the entry's board and comparison as its user; False if she may no longer see
    it (deactivated, moved to another unit or role: her next visit computes it anew)."""
    user = entry.user
    if not user.is_active:
        return False
    try:
        org = org_get_for_user(user=user, org_id=entry.org_id)
    except Http404:
        return False
    with translation.override(entry.language):
        key = cached.dashboard_key(user=user, org=org, start=entry.start, end=entry.end)
        if key != entry.key:  # her unit or role changed since she opened it
            return False
        # The board first, then the comparison: both recomputed, both cached.
        cached.dashboard_changes(user=user, org=org, start=entry.start, end=entry.end, refresh=True)
    return True
