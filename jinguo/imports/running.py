"""Running an import job: claimed once, checked, then written in chunks with a checkpoint.

A job is claimed with one conditional UPDATE (queued → validating), so it runs exactly once. A
job whose worker died (a restart, a kill) stays validating or writing: the task delivered again
(acks late) or retried claims it afresh with `resume`, checks the whole file again from the first
row (without writing), and writes only what comes after the last chunk committed
(jinguo/imports/writing.py): a resumed job never writes a household twice.

Running: read and check every row without writing (progress saved every ~2,000 rows); any error
rejects the whole file and produces an error workbook, and nothing is written; otherwise the
households roster is written in chunks of households, each in one transaction with its
checkpoint (the executives roster in one transaction), and the job marked done."""

import io
import logging
import tempfile
from typing import IO, Any, Protocol

from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jinguo.audit.services import audit_record
from jinguo.common.jobs import TRANSIENT
from jinguo.common.storage import EncryptedFileSystemStorage
from jinguo.imports import confirmed, executives, households, writing
from jinguo.imports.counts import Counts
from jinguo.imports.error_book import write_error_workbook
from jinguo.imports.models import ImportJob
from jinguo.imports.normalised import Normalised
from jinguo.imports.sheet import FileError, Sheet, open_sheet

logger = logging.getLogger(__name__)

# The roster files are the federation's format: messages in them are Chinese for every reader.
FILE_LANGUAGE = "zh-hans"


class _Importer(Protocol):
    cells: dict[int, set[str]]  # row → the fields whose cells are at fault
    normalised: Normalised  # the cells changed to be read

    def check(self) -> dict[int, list[str]]: ...

    def write(self) -> dict[str, Counts]: ...


IMPORTERS: dict[str, Any] = {
    ImportJob.Kind.HOUSEHOLDS: households,
    ImportJob.Kind.EXECUTIVES: executives,
}


def _importer(module: Any, **kwargs: Any) -> _Importer:
    cls = module.HouseholdImport if module is households else module.ExecutiveImport
    return cls(**kwargs)


def import_job_claim(*, job_id: int, resume: bool = False) -> bool:
    """Take a job for running: true for exactly one caller, however many try. A queued job;
    with `resume` (the task delivered again after its worker died, or retried) also one left
    validating or writing, checked again from the first row and written on from its
    checkpoint."""
    statuses = [ImportJob.Status.QUEUED, *(ImportJob.RUNNING if resume else ())]
    current = ImportJob.objects.filter(pk=job_id, status__in=statuses)
    seen = current.values_list("status", "updated_at").first()
    if seen is None:
        return False
    old, heartbeat = seen
    now = timezone.now()
    # Compare and set: the status and heartbeat read above, so two claimants never both win.
    claimed = ImportJob.objects.filter(pk=job_id, status=old, updated_at=heartbeat).update(
        status=ImportJob.Status.VALIDATING, started_at=now, updated_at=now, processed_rows=0
    )
    if claimed:
        job = ImportJob.objects.select_related("created_by").get(pk=job_id)
        _audit(job, old)
    return bool(claimed)


def import_job_run(*, job_id: int, resume: bool = False) -> ImportJob | None:
    """Claim and run one job; None when another worker has it (or it is not queued; with
    `resume`, not queued or running). A transient error (the database gone for a moment) leaves
    the job running and propagates, for the task to retry with `resume`; any other fails it."""
    if not import_job_claim(job_id=job_id, resume=resume):
        return None
    job = ImportJob.objects.select_related("created_by", "org").get(pk=job_id)
    try:
        with translation.override(FILE_LANGUAGE):
            _process(job)
    except TRANSIENT:
        raise
    except Exception:
        logger.exception("import job %s failed", job.pk)
        job.refresh_from_db()
        written = job.written[0]
        message = _("导入时发生错误，所有改动已撤销。请稍后重试；如仍失败，请联系系统管理员")
        if written:
            message = _(
                "导入在写入时发生错误：已写入前%(written)d户，其余未写入。请稍后重新上传同一文件"
                "完成导入（已写入的家庭不会重复写入）；如仍失败，请联系系统管理员"
            ) % {"written": written}
        _finish(job, ImportJob.Status.FAILED, message=message)
    return job


def _process(job: ImportJob) -> None:
    module = IMPORTERS[job.kind]
    try:
        # A web upload's layout is the mapping its user confirmed (imports.preview).
        layout = confirmed.layout(job.mapping) if job.mapping else None
        with uploaded(job) as source:  # read by the child once: checked, then written
            sheet = open_sheet(
                source,
                module.COLUMNS,
                module.REQUIRED,
                layout=layout,
                keep=True,
                reading=lambda read, rows: _reading(job, read, rows),
            )
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
    try:
        _check_and_write(job, module, sheet, importer)
    finally:
        sheet.close()


def _check_and_write(job: ImportJob, module: Any, sheet: Sheet, importer: _Importer) -> None:
    errors = importer.check()
    if errors:
        _reject(job, sheet, errors, importer.cells, importer.normalised.as_list(sheet.row_name))
        return
    transition(job, ImportJob.Status.WRITING)
    if module is households:
        counts = writing.write_chunked(job, importer)
    else:
        with transaction.atomic():
            counts = importer.write()
    with transaction.atomic():
        summary: dict[str, Any] = {name: c.as_dict() for name, c in counts.items()}
        audit_record(
            actor=job.created_by,
            action=f"{job.kind}.import",
            target=job.org,
            changes=summary,
            note=f"#{job.pk} {job.original_name}",
        )
        normalised = importer.normalised.as_list(sheet.row_name)
        if normalised:
            summary = {**summary, "normalised": normalised}
        primary = list(counts.values())
        _finish(
            job,
            ImportJob.Status.DONE,
            created_count=sum(c.created for c in primary),
            updated_count=sum(c.updated for c in primary),
            unchanged_count=sum(c.unchanged for c in primary),
            summary=summary,
            message=_with_note(_summary_message(job.kind, counts), sheet),
        )


def uploaded(job: ImportJob) -> IO[bytes]:
    """The uploaded workbook in clear, read through the storage: the file on disk is encrypted
    (jinguo/common/storage.py), so never open job.file.path. Decrypted a piece at a time into
    an anonymous temporary file, which the caller closes: a county's roster is never held in
    memory."""
    storage = job.file.storage
    if isinstance(storage, EncryptedFileSystemStorage):
        return storage.plain_copy(job.file.name)
    with job.file.open("rb") as handle:  # another storage (not used by the project)
        return io.BytesIO(handle.read())


def _reading(job: ImportJob, read: int, rows: int) -> None:
    """While the reader child reads the file: how far it is, for the bar (ImportJob.reading).
    The write's checkpoint, if any (a resumed job), is kept."""
    job.summary = {**(job.summary or {}), "reading": [read, rows]}
    ImportJob.objects.filter(pk=job.pk).update(summary=job.summary, updated_at=timezone.now())


def _progress(job: ImportJob, rows: int) -> None:
    job.processed_rows = rows
    job.total_rows = max(job.total_rows, rows)
    ImportJob.objects.filter(pk=job.pk).update(
        processed_rows=rows, total_rows=job.total_rows, updated_at=timezone.now()
    )


def _reject(
    job: ImportJob,
    sheet: Sheet,
    errors: dict[int, list[str]],
    bad_cells: dict[int, set[str]] | None = None,
    normalised: list[dict[str, Any]] | None = None,
) -> None:
    count = sum(len(messages) for messages in errors.values())
    file_level = errors.pop(0, [])
    fields: dict[str, Any] = {"errors_count": count}
    if normalised:
        fields["summary"] = {"normalised": normalised}
    if errors:
        with tempfile.TemporaryFile() as target, uploaded(job) as source:
            write_error_workbook(
                source=source,
                target=target,
                layout=sheet.layout,
                errors=errors,
                bad_cells=bad_cells,
                layouts=sheet.layouts,
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
    message = _with_note(message, sheet)
    _finish(job, ImportJob.Status.REJECTED, message=message, **fields)


def _with_note(message: str, sheet: Sheet) -> str:
    """The message, and which sheets of the file were not imported (blank or notes)."""
    note = sheet.note()
    return f"{message}（{note}）" if note else message


def _summary_message(kind: str, counts: dict[str, Counts]) -> str:
    labels = {"households": _("家庭"), "persons": _("人员"), "seats": _("职务")}
    parts = [
        _("%(label)s：新建%(created)d，更新%(updated)d，未变%(unchanged)d")
        % {"label": labels[name], **c.as_dict()}
        for name, c in counts.items()
    ]
    return "；".join(parts)


def transition(job: ImportJob, status: str, **fields: Any) -> None:
    old = job.status
    job.status = status
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "updated_at", *fields])
    _audit(job, old)


def _finish(job: ImportJob, status: str, **fields: Any) -> None:
    transition(job, status, finished_at=timezone.now(), **fields)


def _audit(job: ImportJob, old: str | None) -> None:
    audit_record(
        actor=job.created_by,
        action=f"import.{job.status}",
        target=job,
        changes={"status": [old, job.status]},
        note=job.message[:500],
    )
