"""`jinguo backup_drill`: what beat's weekly entry does, for installs that use cron: the newest
archive in JINGUO_BACKUP_DIR restored into a scratch database and proven against its manifest,
recorded. Exits non-zero when the drill failed (the run records why)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jinguo.backups.models import BackupRun
from jinguo.backups.services import drill_run


class Command(BaseCommand):
    help = "恢复演练：把最新的备份恢复到临时数据库并逐表核对（供 cron 使用）"

    def handle(self, *args: Any, **options: Any) -> None:
        run = drill_run()
        if run.status != BackupRun.Status.OK:
            raise CommandError(f"恢复演练失败：{run.error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复演练成功：{run.file_name}，{run.tables} 张数据表、{run.rows} 行"
                f"的行数和校验和与备份一致"
            )
        )
