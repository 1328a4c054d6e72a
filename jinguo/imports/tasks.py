"""The import job as a Celery task (jinguo.imports.running does the work)."""

from typing import Any

from celery import Task, shared_task

from jinguo.common.jobs import BACKOFF_MAX, MAX_RETRIES, TRANSIENT
from jinguo.imports.preview import import_job_preview
from jinguo.imports.running import import_job_run


def resuming(request: Any) -> bool:
    """Whether this run comes after one that stopped midway: a retry after a transient error, or
    the broker's second delivery of a task whose worker died before acknowledging it."""
    delivery = getattr(request, "delivery_info", None) or {}
    return bool(request.retries or delivery.get("redelivered"))


@shared_task(
    bind=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=BACKOFF_MAX,
    max_retries=MAX_RETRIES,
)
def import_run(self: Task, job_id: int) -> str | None:
    """Run one import job; its status at the end, None when there was nothing to claim. A web
    upload is previewed first and stops for the user to confirm its mapping."""
    previewed = import_job_preview(job_id=job_id)
    if previewed is not None:
        return previewed.status
    job = import_job_run(job_id=job_id, resume=resuming(self.request))
    return job.status if job is not None else None
