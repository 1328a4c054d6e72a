"""The nightly backup and the weekly restore drill (CELERY_BEAT_SCHEDULE), as
`jinguo backup_scheduled` and `jinguo backup_drill` do them from cron."""

from celery import shared_task

from jinguo.backups.services import backup_scheduled, drill_run
from jinguo.common.jobs import BACKOFF_MAX, MAX_RETRIES, TRANSIENT


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=BACKOFF_MAX,
    max_retries=MAX_RETRIES,
)
def backups_daily() -> str:
    """Tonight's archive into JINGUO_BACKUP_DIR, then the retention; the run's status. A second
    run writes a second archive (another second in its name) and prunes alike."""
    return str(backup_scheduled().status)


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=BACKOFF_MAX,
    max_retries=MAX_RETRIES,
)
def drill_weekly() -> str:
    """The newest archive restored into a scratch database and proven; the run's status. Safe
    to run twice: each drill has a scratch database of its own, dropped afterwards."""
    return str(drill_run().status)
