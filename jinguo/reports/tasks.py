"""The dashboard's summary tables refreshed, then the dashboards opened lately recomputed: beat
runs this every 20 s (CELERY_BEAT_SCHEDULE), with a short expiry so that late runs are dropped
rather than queued one behind another. `jinguo refresh_tallies` does the same once, by hand."""

import logging
import time

from celery import shared_task

from jinguo.common.jobs import TRANSIENT
from jinguo.reports.tallies import tallies_refresh
from jinguo.reports.warming import dashboards_warm

log = logging.getLogger(__name__)


def dashboards_warm_safely() -> int | None:
    """The dashboards opened lately, recomputed; None (logged) when that failed: a failing
    dashboard must not make the tallies' run fail. (A broken connection is closed after the
    task by Celery's Django fix-up.)"""
    try:
        return dashboards_warm()
    except Exception:
        log.exception("dashboards_warm failed")
        return None


# The next run is 20 s away: a retry or two at most, soon.
@shared_task(autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=10, max_retries=2)
def tallies_refresh_and_warm(full: bool = False) -> dict[str, float | int | None]:
    """Refresh the tallies (incremental; the first run of a day, or `full`, recounts all) and
    warm the dashboards. Idempotent: a run counts what the records say now."""
    run = tallies_refresh(full=full)
    started = time.perf_counter()
    warmed = dashboards_warm_safely()
    return {
        "tallies_seconds": run.seconds,
        "warmed": warmed,
        "warm_seconds": time.perf_counter() - started,
    }
