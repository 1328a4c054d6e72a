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
from jinguo.imports import confirmed, exports, preview
from jinguo.imports.models import ImportJob, ImportMapping
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


def import_job_create(
    *, actor: User, org: OrgUnit, kind: str, upload: UploadedFile, review: bool = False
) -> ImportJob:
    """Save the upload and queue a job; it starts once the caller's transaction commits. With
    `review` (a web upload) the task only previews the file and the job waits for its user to
    confirm the columns and values (import_job_confirm_mapping).

    Only a cadre whose unit is `org` or above it may (the write rule, PermissionDenied)."""
    check_write_at(user=actor, org=org, cadre_only=True)
    if kind not in ImportJob.Kind.values:
        raise ValidationError({"kind": _("未知的导入类型")})
    job = ImportJob(
        kind=kind, org=org, created_by=actor, original_name=(upload.name or "upload")[-255:]
    )
    if review:
        job.status = ImportJob.Status.PREVIEWING
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
    # A preview run twice writes the same preview: every job waiting for one is enqueued too.
    waiting = [ImportJob.Status.QUEUED, ImportJob.Status.PREVIEWING]
    queued = ImportJob.objects.filter(status__in=waiting).order_by("created_at", "pk")
    job_ids = list(queued.values_list("pk", flat=True))
    for job_id in job_ids:
        import_job_enqueue(job_id=job_id)
    return len(job_ids)


def import_job_confirm_mapping(
    *,
    job: ImportJob,
    actor: User,
    columns: dict[int, str],
    values: dict[str, dict[str, int]],
) -> ImportJob:
    """Confirm how a previewed file maps and queue it: columns {column index: field key, or ""
    for a column left out}, values {field: {value as written: target pk}} (a value kept as
    written is absent). Kept on the job (confirmed.py describes job.mapping) and as the unit's
    mapping for its next file (ImportMapping); audited. The job runs once the caller's
    transaction commits.

    The job's creator, or a cadre who may import at the job's unit (PermissionDenied)."""
    if job.created_by_id != actor.pk:
        check_write_at(user=actor, org=job.org, cadre_only=True)
    if job.status != ImportJob.Status.MAPPING:
        raise ValidationError(_("该导入任务不在待确认状态，不能修改对应关系"))
    known = {column["index"] for column in job.preview.get("columns", [])}
    columns = {index: key for index, key in columns.items() if index in known}
    problems = confirmed.column_errors(job.kind, columns)
    if problems:
        raise ValidationError(problems)
    # Only targets the page offers: a grid of the scope, an active category, an executive of
    # the unit (whatever a forged form sends).
    targets = preview.value_targets(job)
    values = {
        f: {raw: pk for raw, pk in chosen.items() if pk in targets.get(f, {})}
        for f, chosen in values.items()
    }
    mapping = confirmed.build(job.preview, columns, values)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != ImportJob.Status.MAPPING:
            raise ValidationError(_("该导入任务不在待确认状态，不能修改对应关系"))
        transition(job, ImportJob.Status.QUEUED, mapping=mapping)
        _save_unit_mapping(job=job, actor=actor, columns=columns, values=mapping["values"])
        audit_record(
            actor=actor,
            action="import.mapping",
            target=job,
            # Which field each column went to; of the values only how many were mapped (the
            # file's values are personal data).
            changes={
                "columns": mapping["columns"],
                "skipped": mapping["skipped"],
                "values": {f: len(targets) for f, targets in mapping["values"].items()},
            },
            note=job.original_name,
        )
    transaction.on_commit(lambda: import_job_enqueue(job_id=job.pk), robust=True)
    return job


def _save_unit_mapping(
    *, job: ImportJob, actor: User, columns: dict[int, str], values: dict[str, dict[str, int]]
) -> None:
    """Upsert the unit's mapping for this kind: the choices made now over those made before."""
    headers = {column["index"]: column["header"] for column in job.preview.get("columns", [])}
    saved, created = ImportMapping.objects.select_for_update().get_or_create(
        org=job.org, kind=job.kind, defaults={"updated_by": actor}
    )
    before = {"columns": dict(saved.columns), "values": dict(saved.values)}
    saved.columns = {
        **saved.columns,
        **{headers[i]: key for i, key in columns.items() if headers.get(i)},
    }
    saved.values = {
        f: {**saved.values.get(f, {}), **values.get(f, {})} for f in {*saved.values, *values}
    }
    saved.updated_by = actor
    saved.save()
    if created or before != {"columns": saved.columns, "values": saved.values}:
        audit_record(
            actor=actor,
            action="import.mapping_saved",
            target=saved,
            changes={"columns": saved.columns, "created": created},
            note=f"{job.org.name} {job.get_kind_display()}",
        )


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
