"""Import jobs: created on upload, run in the background, every status change audited.

The upload saves the file and a queued job; after the request's transaction commits, the job
runs in a thread of the web process (JINGUO_IMPORTS_IN_THREAD, the default) or is picked up by
`jinguo run_imports --loop` (systemd). Either way a job is claimed with one conditional UPDATE
(queued → validating), so it runs exactly once.

Running a job: read and check every row without writing (progress saved every ~2,000 rows);
any error rejects the whole file and produces an error workbook; otherwise everything is written
in one transaction that also marks the job done.
"""

import datetime as dt
import io
import logging
import tempfile
import threading
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.households.policy import sees_sensitive
from jinguo.imports import executives, exports, households
from jinguo.imports.counts import Counts
from jinguo.imports.models import ImportJob
from jinguo.imports.sheet import FileError, Sheet, open_sheet, write_error_workbook
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at, may_write_at
from jinguo.people.policy import may_export_full_numbers
from jinguo.people.reasons import stated_reason

logger = logging.getLogger(__name__)

# The roster files are the federation's format: messages in them are Chinese for every reader.
FILE_LANGUAGE = "zh-hans"
# A running job that has not reported progress for this long was interrupted (a restart).
STALE_AFTER = dt.timedelta(minutes=30)


class _Importer(Protocol):
    def check(self) -> dict[int, list[str]]: ...

    def write(self) -> dict[str, Counts]: ...


IMPORTERS: dict[str, Any] = {
    ImportJob.Kind.HOUSEHOLDS: households,
    ImportJob.Kind.EXECUTIVES: executives,
}


def _importer(module: Any, **kwargs: Any) -> _Importer:
    cls = module.HouseholdImport if module is households else module.ExecutiveImport
    return cls(**kwargs)


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
    transaction.on_commit(lambda: import_job_start(job_id=job.pk))
    return job


def import_job_start(*, job_id: int) -> None:
    if settings.JINGUO_IMPORTS_IN_THREAD:
        thread = threading.Thread(
            target=_run_in_thread, kwargs={"job_id": job_id}, name=f"import-{job_id}", daemon=True
        )
        thread.start()
    else:
        import_job_run(job_id=job_id)


def _run_in_thread(*, job_id: int) -> None:
    try:
        import_job_run(job_id=job_id)
    finally:
        connections.close_all()  # this thread's own connections


def import_job_claim(*, job_id: int) -> bool:
    """Take a queued job for running: true for exactly one caller, however many try."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.VALIDATING, started_at=now, updated_at=now
    )
    if claimed:
        job = ImportJob.objects.select_related("created_by").get(pk=job_id)
        _audit(job, ImportJob.Status.QUEUED)
    return bool(claimed)


def import_jobs_run_queued(*, limit: int | None = None) -> int:
    """Run queued jobs, oldest first (the management command); how many this call ran."""
    ran = 0
    queued = ImportJob.objects.filter(status=ImportJob.Status.QUEUED).order_by("created_at", "pk")
    for job_id in list(queued.values_list("pk", flat=True)[:limit]):
        if import_job_run(job_id=job_id) is not None:
            ran += 1
    return ran


def import_jobs_fail_stale(*, now: dt.datetime | None = None) -> int:
    """Mark jobs whose worker died (no progress for STALE_AFTER) as failed; how many."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = ImportJob.objects.filter(status__in=ImportJob.RUNNING, updated_at__lt=cutoff)
    failed = 0
    for job in stale.select_related("created_by"):
        _finish(
            job,
            ImportJob.Status.FAILED,
            message=_("导入在处理过程中中断（例如服务器重启），没有写入任何数据，请重新上传"),
        )
        failed += 1
    return failed


# ---------------------------------------------------------------------------------------------
# Running


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Claim and run one job; None when another worker has it (or it is not queued)."""
    if not import_job_claim(job_id=job_id):
        return None
    job = ImportJob.objects.select_related("created_by", "org").get(pk=job_id)
    try:
        with translation.override(FILE_LANGUAGE):
            _process(job)
    except Exception:
        logger.exception("import job %s failed", job.pk)
        job.refresh_from_db()
        _finish(
            job,
            ImportJob.Status.FAILED,
            message=_("导入时发生错误，所有改动已撤销。请稍后重试；如仍失败，请联系系统管理员"),
        )
    return job


def _process(job: ImportJob) -> None:
    module = IMPORTERS[job.kind]
    try:
        sheet = open_sheet(_uploaded(job), module.COLUMNS, module.REQUIRED)
    except FileError as exc:
        _finish(job, ImportJob.Status.REJECTED, message=str(exc), errors_count=1)
        return
    job.total_rows = sheet.total_rows
    _progress(job, 0)
    importer = _importer(
        module,
        sheet=sheet,
        actor=job.created_by,
        root=job.org,
        progress=lambda n: _progress(job, n),
    )
    errors = importer.check()
    if errors:
        _reject(job, sheet, errors)
        return
    _transition(job, ImportJob.Status.WRITING)
    with transaction.atomic():
        counts = importer.write()
        summary = {name: c.as_dict() for name, c in counts.items()}
        audit_record(
            actor=job.created_by,
            action=f"{job.kind}.import",
            target=job.org,
            changes=summary,
            note=f"#{job.pk} {job.original_name}",
        )
        primary = list(counts.values())
        _finish(
            job,
            ImportJob.Status.DONE,
            created_count=sum(c.created for c in primary),
            updated_count=sum(c.updated for c in primary),
            unchanged_count=sum(c.unchanged for c in primary),
            summary=summary,
            message=_summary_message(job.kind, counts),
        )


def _uploaded(job: ImportJob) -> IO[bytes]:
    """The uploaded workbook in clear, read through the storage: the file on disk is encrypted
    (jinguo/common/storage.py), so never open job.file.path."""
    with job.file.open("rb") as handle:
        return io.BytesIO(handle.read())


def _progress(job: ImportJob, rows: int) -> None:
    job.processed_rows = rows
    job.total_rows = max(job.total_rows, rows)
    ImportJob.objects.filter(pk=job.pk).update(
        processed_rows=rows, total_rows=job.total_rows, updated_at=timezone.now()
    )


def _reject(job: ImportJob, sheet: Sheet, errors: dict[int, list[str]]) -> None:
    count = sum(len(messages) for messages in errors.values())
    file_level = errors.pop(0, [])
    fields: dict[str, Any] = {"errors_count": count}
    if errors:
        with tempfile.TemporaryFile() as target:
            write_error_workbook(
                source=_uploaded(job), target=target, layout=sheet.layout, errors=errors
            )
            target.seek(0)
            job.error_file.save("errors.xlsx", File(target), save=False)
        fields["error_file"] = job.error_file
    rows = len(errors)
    message = _("发现%(count)d处错误（涉及%(rows)d行），未写入任何数据。") % {
        "count": count,
        "rows": rows,
    }
    if file_level:
        message = "；".join(file_level) if not errors else message + "；".join(file_level)
    _finish(job, ImportJob.Status.REJECTED, message=message, **fields)


def _summary_message(kind: str, counts: dict[str, Counts]) -> str:
    labels = {"households": _("家庭"), "persons": _("人员"), "seats": _("职务")}
    parts = [
        _("%(label)s：新建%(created)d，更新%(updated)d，未变%(unchanged)d")
        % {"label": labels[name], **c.as_dict()}
        for name, c in counts.items()
    ]
    return "；".join(parts)


def _transition(job: ImportJob, status: str, **fields: Any) -> None:
    old = job.status
    job.status = status
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "updated_at", *fields])
    _audit(job, old)


def _finish(job: ImportJob, status: str, **fields: Any) -> None:
    _transition(job, status, finished_at=timezone.now(), **fields)


def _audit(job: ImportJob, old: str | None) -> None:
    audit_record(
        actor=job.created_by,
        action=f"import.{job.status}",
        target=job,
        changes={"status": [old, job.status]},
        note=job.message[:500],
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
