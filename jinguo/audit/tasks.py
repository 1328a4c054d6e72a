"""The monthly purge of audit rows older than the retention period (CELERY_BEAT_SCHEDULE), as
`jinguo audit_purge --keep-days JINGUO_AUDIT_RETENTION_DAYS` does it."""

from celery import shared_task

from jinguo.audit.services import audit_earliest_cutoff, audit_purge
from jinguo.common.jobs import BACKOFF_MAX, MAX_RETRIES, TRANSIENT


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=BACKOFF_MAX,
    max_retries=MAX_RETRIES,
)
def audit_purge_expired() -> int:
    """Delete the rows older than the retention period (JINGUO_AUDIT_RETENTION_DAYS); how many.
    Idempotent: a second run finds nothing older."""
    return audit_purge(actor=None, before=audit_earliest_cutoff())
