import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.imports.normalised import describe


def _upload_path(job: "ImportJob", filename: str) -> str:
    # A random name: the original one often carries a village's or a person's name, and it is
    # kept in `original_name` for display only.
    suffix = PurePosixPath(filename).suffix.lower()[:6]
    return f"imports/{uuid.uuid4().hex}{suffix}"


def _error_path(job: "ImportJob", filename: str) -> str:
    return f"imports/errors/{uuid.uuid4().hex}.xlsx"


class ImportJob(models.Model):
    """One uploaded roster and what became of it. The uploaded file and the error workbook live
    under MEDIA_ROOT/imports/, encrypted (jinguo/common/storage.py: read them with .open("rb"),
    never .path), and are only ever served through the job's pages (scope-checked): they hold
    personal data.

    Every status change is saved on this row and written to the audit log."""

    class Kind(models.TextChoices):
        HOUSEHOLDS = "households", _("家庭成员花名册")
        EXECUTIVES = "executives", _("执委花名册")

    class Status(models.TextChoices):
        PREVIEWING = "previewing", _("读取表头中")
        MAPPING = "mapping", _("待确认对应")
        QUEUED = "queued", _("排队中")
        VALIDATING = "validating", _("校验中")
        WRITING = "writing", _("写入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        REJECTED = "rejected", _("未通过校验")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    org = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("导入到"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    file = models.FileField(_("文件"), upload_to=_upload_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=255)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新建"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变"), default=0)
    errors_count = models.PositiveIntegerField(_("错误数"), default=0)
    # The counts by record type, e.g. {"households": {"created": 3, …}, "persons": {…}}.
    summary = models.JSONField(default=dict, blank=True)
    error_file = models.FileField(
        _("错误清单"), upload_to=_error_path, max_length=200, blank=True, default=""
    )
    message = models.TextField(_("说明"), blank=True, default="")
    # A web upload is first read for its columns and values (jinguo/imports/preview.py) and
    # waits for the user to confirm how they map: the shapes are documented there.
    preview = models.JSONField(default=dict, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # Touched with every progress report: a running job whose heartbeat stops was interrupted.
    updated_at = models.DateTimeField(auto_now=True)

    FINISHED = frozenset({Status.DONE, Status.FAILED, Status.REJECTED})
    RUNNING = frozenset({Status.VALIDATING, Status.WRITING})
    # Stopped for the user: polling the page would change nothing.
    WAITING = frozenset({Status.MAPPING})

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = pgettext_lazy("plural", "导入任务")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="importjob_owner"),
            models.Index(fields=["status", "created_at"], name="importjob_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def is_waiting(self) -> bool:
        return self.status in self.WAITING

    @property
    def skipped_headers(self) -> list[str]:
        """The file's columns the confirmed mapping leaves out, as headed in the file."""
        return list(self.mapping.get("skipped", [])) if self.mapping else []

    @property
    def normalised_notes(self) -> list[str]:
        """The cells changed to be read, one line per field and kind (no cell values)."""
        summary = self.summary if isinstance(self.summary, dict) else {}
        return describe(summary.get("normalised", []))

    @property
    def checkpoint(self) -> dict[str, Any]:
        """The write's checkpoint (imports.writing): {"written": households written through,
        "households": of how many, "counts": {...}}, or {} when nothing is written yet."""
        saved = self.summary.get("writing") if isinstance(self.summary, dict) else None
        return saved if isinstance(saved, dict) else {}

    @property
    def written(self) -> tuple[int, int]:
        """(households written, of how many) while writing."""
        saved = self.checkpoint
        return int(saved.get("written", 0)), int(saved.get("households", 0))

    @property
    def reading(self) -> tuple[int, int]:
        """(rows the reader has read, of how many) while it reads the file, before checking
        (imports.running); (0, 0) once checking has begun."""
        saved = self.summary.get("reading") if isinstance(self.summary, dict) else None
        if self.processed_rows or not isinstance(saved, list) or len(saved) != 2:
            return 0, 0
        return int(saved[0]), int(saved[1])

    @property
    def percent(self) -> int:
        """Progress for the bar: rows read, then rows checked, then households written
        (imports.writing)."""
        if self.is_finished:
            return 100
        if self.status == self.Status.WRITING:
            written, households = self.written
            return min(99, written * 100 // households) if households else 100
        read, rows = self.reading
        if rows:
            return min(99, read * 100 // rows)
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)


class ImportMapping(models.Model):
    """How a unit's files map, as last confirmed: a unit's next file of the same kind is
    offered these choices before the dictionary's (jinguo/imports/preview.py).

    columns: {header token: field key, or "" for a column left out}.
    values: {field key: {value as written: target pk as text}} (grids, categories, executives).
    """

    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=ImportJob.Kind.choices)
    columns = models.JSONField(default=dict, blank=True)
    values = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("导入对应关系")
        verbose_name_plural = pgettext_lazy("plural", "导入对应关系")
        constraints = [
            models.UniqueConstraint(fields=["org", "kind"], name="importmapping_org_kind")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.kind}"
