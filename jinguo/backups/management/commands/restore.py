"""`jinguo restore FILE`: restore a backup into a new, migrated, empty database, then prove it:
every table's row count and checksum must equal the backup's, or nothing is restored."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jinguo.backups.archive import BackupError, restore


class Command(BaseCommand):
    help = "从 jinguo backup 生成的文件恢复数据库（目标须为已迁移的空数据库）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="备份文件路径")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复并校验：{len(manifest['tables'])} 张数据表，{rows} 行，"
                f"{len(manifest['media'])} 个文件；行数和校验和与备份一致。"
            )
        )
