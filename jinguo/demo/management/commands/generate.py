"""`jinguo generate --scale city|county|town`: synthetic data for performance work and tests.

city ≈ 10 counties, 10,000 grids, 1,000,000 households, 3,000,000 residents, 10,000,000 visits;
county a tenth of it; town a few grids. Only on an empty (freshly migrated) database. See
jinguo/demo/generate/ for what is written and how.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jinguo.demo.generate.base import PASSWORD, SCALES, NotEmpty
from jinguo.demo.generate.run import generate


class Command(BaseCommand):
    help = "生成演示规模数据（city 全市 / county 一个县 / town 几个网格），仅用于空数据库"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="town")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--check-foreign-keys",
            action="store_true",
            help="PostgreSQL: keep the per-row foreign-key triggers on (slower)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def log(message: str) -> None:
            self.stdout.write(message)
            self.stdout.flush()

        try:
            result = generate(
                options["scale"],
                seed=options["seed"],
                log=log,
                fast=not options["check_foreign_keys"],
            )
        except NotEmpty:
            raise CommandError(
                "数据库不是空的（已有组织、人员、家庭或账号）："
                "generate 只能在刚迁移的空数据库上运行"
            ) from None
        width = max(len(table) for table in result.stats)
        log(f"{'table':{width}} {'rows':>12} {'seconds':>9} {'rows/s':>10}")
        for table, stat in result.stats.items():
            rate = f"{stat.rows / stat.seconds:>10.0f}" if stat.rows and stat.seconds else " " * 10
            log(f"{table:{width}} {stat.rows:>12,} {stat.seconds:>9.2f} {rate}")
        total = sum(stat.rows for stat in result.stats.values())
        log(
            f"{'total':{width}} {total:>12,} {result.seconds:>9.2f} {total / result.seconds:>10.0f}"
        )
        counts = "，".join(f"{key} {value:,}" for key, value in result.counts.items())
        log(counts)
        accounts = "、".join(f"{name}（{org}）" for name, _role, org in result.users)
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {options['scale']} 规模数据，用时 {result.seconds:.1f} 秒。"
                f"可登录账号：{accounts}，密码 {PASSWORD}"
            )
        )
