"""Recurring activities scheduled ahead, daily (CELERY_BEAT_SCHEDULE), as
`jinguo schedule_activities` does it."""

from celery import shared_task

from jinguo.activities.services import series_schedule_all
from jinguo.common.jobs import BACKOFF_MAX, MAX_RETRIES, TRANSIENT


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=BACKOFF_MAX,
    max_retries=MAX_RETRIES,
)
def activities_schedule() -> int:
    """Every active series scheduled 90 days ahead; how many activities were created.
    Idempotent: an occurrence already planned is not planned again."""
    return series_schedule_all()
