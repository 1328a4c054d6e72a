"""`jinguo restore FILE`: restore a backup into a new, migrated, empty database (SQLite or
PostgreSQL, whichever the backup came from), printing each table as it goes, then prove it:
every table's row count and checksum must equal the backup's, or nothing is restored."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from jinguo.backups.archive import BackupError, restore
from jinguo.backups.progress import Printed


class Command(BaseCommand):
    help = "从 jinguo backup 生成的文件恢复数据库（目标须为已迁移的空数据库，SQLite 或 PostgreSQL）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="备份文件路径")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        vendor = connections[options["database"]].vendor
        self.stdout.write(f"恢复到 {vendor} 数据库，逐表写入：")
        try:
            manifest = restore(
                options["file"],
                using=options["database"],
                progress=Printed(self.stdout, self.stderr),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复并校验（备份来自 {manifest['vendor']}，{manifest['created_at'][:19]}）："
                f"{len(manifest['tables'])} 张数据表，{rows:,} 行，"
                f"{len(manifest['media'])} 个文件，"
                f"用时 {time.monotonic() - started:.1f} 秒；行数和校验和与备份一致。"
            )
        )
