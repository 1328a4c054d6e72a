"""The record of every scheduled backup and restore drill: an operations record for the security
administrator's page (jinguo/backups/views.py), holding no federation record itself."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jinguo.common.models import StatusChange


class BackupRun(models.Model):
    """One scheduled backup (an archive written into JINGUO_BACKUP_DIR) or one drill (the newest
    archive restored into a scratch database and proven against its manifest)."""

    class Kind(models.TextChoices):
        BACKUP = "backup", _("备份")
        DRILL = "drill", _("恢复演练")

    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        OK = "ok", _("成功")
        FAILED = "failed", _("失败")

    class Target(models.TextChoices):
        SQLITE = "sqlite", "SQLite"
        POSTGRESQL = "postgresql", "PostgreSQL"

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # A backup: the archive written; a drill: the archive restored. Relative to JINGUO_BACKUP_DIR.
    file_name = models.CharField(_("备份文件"), max_length=100, blank=True, default="")
    size_bytes = models.BigIntegerField(_("文件大小（字节）"), null=True, blank=True)
    tables = models.PositiveIntegerField(_("数据表数"), null=True, blank=True)
    rows = models.BigIntegerField(_("行数"), null=True, blank=True)
    error = models.TextField(_("错误信息"), blank=True, default="")
    # A drill only: the kind of scratch database the archive was restored into.
    target = models.CharField(
        _("演练数据库"), max_length=10, choices=Target.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("备份记录")
        verbose_name_plural = _("备份记录")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "status", "-started_at"], name="backuprun_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class BackupRunChange(StatusChange):
    """A run's history: started (→ running), then finished (running → ok or failed)."""

    class Action(models.TextChoices):
        START = "start", _("开始")
        FINISH = "finish", _("结束")

    run = models.ForeignKey(BackupRun, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(
        max_length=20, choices=BackupRun.Status.choices, blank=True, default=""
    )
    to_status = models.CharField(max_length=20, choices=BackupRun.Status.choices)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.run_id} {self.action} {self.from_status}→{self.to_status}"
