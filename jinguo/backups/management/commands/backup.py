"""`jinguo backup FILE`: the whole database and uploaded files in one encrypted archive (see
jinguo/backups/archive.py), table by table. Exits non-zero on any error; the archive lists each
table's row count and checksum, which `jinguo restore` proves again after restoring."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jinguo.backups.archive import BackupError, backup
from jinguo.backups.progress import Printed


class Command(BaseCommand):
    help = "备份整个数据库和上传的文件到一个加密文件（备份密钥 JINGUO_BACKUP_KEY）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="备份文件路径，例如 /backup/jinguo.jgbk")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"]
        started = time.monotonic()
        quiet = options["verbosity"] < 2
        try:
            manifest = backup(
                target,
                using=options["database"],
                progress=None if quiet else Printed(self.stdout, self.stderr),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        size = target.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份（{manifest['vendor']}）：{len(manifest['tables'])} 张数据表，{rows:,} 行，"
                f"{len(manifest['media'])} 个文件，{size / 1e6:.1f} MB，"
                f"用时 {time.monotonic() - started:.1f} 秒 → {target}"
            )
        )
