"""Import jobs: created on upload, run in the background, every status change audited; exports.

The upload saves the file and a queued job; after the request's transaction commits, the
Celery task jinguo.imports.tasks.import_run runs it (jinguo.imports.running; with no broker at
once in the web process). A job whose worker died is delivered again by the broker and resumed.
`jinguo run_imports` re-queues what no task will come back for (a queued job whose task was
lost, a job idle for STALE_AFTER).
"""

import datetime as dt
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.households.policy import sees_sensitive
from jinguo.imports import exports
from jinguo.imports.models import ImportJob
from jinguo.imports.running import transition
from jinguo.imports.tasks import import_run
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at, may_write_at
from jinguo.people.policy import may_export_full_numbers
from jinguo.people.reasons import stated_reason

# A running job that has not reported progress for this long was interrupted (a restart) and
# `jinguo run_imports` queues it again.
STALE_AFTER = dt.timedelta(minutes=30)


# ---------------------------------------------------------------------------------------------
# Creating and starting


def import_job_create(*, actor: User, org: OrgUnit, kind: str, upload: UploadedFile) -> ImportJob:
    """Save the upload and queue a job; it starts once the caller's transaction commits.

    Only a cadre whose unit is `org` or above it may (the write rule, PermissionDenied)."""
    check_write_at(user=actor, org=org, cadre_only=True)
    if kind not in ImportJob.Kind.values:
        raise ValidationError({"kind": _("未知的导入类型")})
    job = ImportJob(
        kind=kind, org=org, created_by=actor, original_name=(upload.name or "upload")[-255:]
    )
    job.file.save(upload.name or "upload.xlsx", upload, save=False)
    job.save()
    audit_record(
        actor=actor,
        action="import.queued",
        target=job,
        changes={"status": [None, job.status], "kind": kind, "org": org.pk},
        note=job.original_name,
    )
    transaction.on_commit(lambda: import_job_enqueue(job_id=job.pk), robust=True)
    return job


def import_job_enqueue(*, job_id: int) -> None:
    """Hand the job to the queue (no broker: run it here and now)."""
    import_run.delay(job_id)


def import_jobs_requeue(*, now: dt.datetime | None = None) -> int:
    """Queue again what no task will come back for: jobs left validating or writing with no
    progress for STALE_AFTER (their worker died and the broker did not redeliver, e.g. with no
    broker) go back to queued, and every queued job is enqueued (a second task for a job is
    harmless: one claims it). Returns how many were enqueued."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = ImportJob.objects.filter(status__in=ImportJob.RUNNING, updated_at__lt=cutoff)
    for job in stale.select_related("created_by"):
        transition(job, ImportJob.Status.QUEUED, processed_rows=0)
    queued = ImportJob.objects.filter(status=ImportJob.Status.QUEUED).order_by("created_at", "pk")
    job_ids = list(queued.values_list("pk", flat=True))
    for job_id in job_ids:
        import_job_enqueue(job_id=job_id)
    return len(job_ids)


# ---------------------------------------------------------------------------------------------
# Export


def roster_export(
    *,
    actor: User,
    org: OrgUnit,
    kind: str,
    full_numbers: bool = False,
    purpose: str = "",
    reason: str = "",
) -> tuple[IO[bytes], int]:
    """The roster of `org`'s subtree as an .xlsx in a temporary file, audited with its row
    count. Full ID and phone numbers (and with them whole birth dates) only for a user allowed
    them, with a stated purpose and explanation (people.reasons)."""
    if kind not in ImportJob.Kind.values:
        raise ValidationError({"kind": _("未知的导出类型")})
    changes: dict[str, Any] = {}
    note = ""
    if full_numbers:
        if not may_export_full_numbers(actor):
            raise ValidationError({"full_numbers": _("您的角色不能导出完整号码")})
        stated = stated_reason(purpose=purpose, reason=reason)
        changes, note = stated.audit_changes(), stated.note
    target, rows = exports.export(user=actor, root=org, kind=kind, full_numbers=full_numbers)
    # Whether the file also names sensitive categories and minors in clear (exports.py).
    sensitive = kind == ImportJob.Kind.HOUSEHOLDS and (full_numbers or sees_sensitive(actor))
    audit_record(
        actor=actor,
        action=f"{kind}.export",
        target=org,
        changes={
            "rows": rows,
            "full_numbers": full_numbers,
            "sensitive_in_clear": sensitive,
            **changes,
        },
        note=note,
    )
    return target, rows


def may_import(user: User) -> bool:
    """Only cadres import rosters (grid members and leaders do not): the write rule, a
    cadre's, at her own unit; what she may import into is then checked unit by unit."""
    return user.org is not None and may_write_at(user=user, org=user.org, cadre_only=True)
