"""`jinguo backup FILE`: the whole database and uploaded files in one archive (see
jinguo.backups.archive.py). Exits non-zero on any error; the archive lists each table's row count
and checksum, which `jinguo restore` proves again after restoring."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jinguo.backups.archive import backup


class Command(BaseCommand):
    help = "备份整个数据库和上传的文件到一个 .tar.gz 文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="备份文件路径，例如 /backup/jinguo.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"]
        manifest = backup(target)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份：{len(manifest['tables'])} 张数据表，{rows} 行，"
                f"{len(manifest['media'])} 个文件 → {target}"
            )
        )
