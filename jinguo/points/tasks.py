"""The nightly points collection (CELERY_BEAT_SCHEDULE), as `jinguo collect_points` does it."""

from celery import shared_task
from django.utils import timezone

from jinguo.common.jobs import BACKOFF_MAX, MAX_RETRIES, TRANSIENT
from jinguo.points.services import points_collect_trees, points_expire
from jinguo.points.sources import collection_window


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=BACKOFF_MAX,
    max_retries=MAX_RETRIES,
)
def points_collect_all() -> dict[str, int]:
    """Collect from the first day of last month to today in every tree, then expire. Idempotent:
    a fact already collected, or a year already written off, adds nothing."""
    today = timezone.localdate()
    start, end = collection_window(today)
    collected = points_collect_trees(start=start, end=end).values()
    return {
        "created": sum(done.created for done in collected),
        "capped": sum(done.capped for done in collected),
        "expired": points_expire(today=today),
    }
