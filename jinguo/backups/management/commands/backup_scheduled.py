"""`jinguo backup_scheduled`: what beat's nightly entry does, for installs that use cron: an
archive `jinguo-YYYYMMDD-HHMMSS.jgbk` into JINGUO_BACKUP_DIR, recorded, then the retention.
Exits non-zero when the backup failed (the run records why)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jinguo.backups.models import BackupRun
from jinguo.backups.services import backup_scheduled


class Command(BaseCommand):
    help = "按计划备份到 JINGUO_BACKUP_DIR 并按保留规则删除旧备份（供 cron 使用）"

    def handle(self, *args: Any, **options: Any) -> None:
        run = backup_scheduled()
        if run.status != BackupRun.Status.OK:
            raise CommandError(f"备份失败：{run.error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份：{run.file_name}，{run.size_bytes} 字节，"
                f"{run.tables} 张数据表，{run.rows} 行"
            )
        )
