"""`jinguo refresh_tallies [--full] [--warm]`: rebuild the dashboard's summary tables once.

Beat runs the same every 20 s (jinguo.reports.tasks.tallies_refresh_and_warm); this one-shot
command is for the operator, e.g. `--full` after restoring a backup. The dashboard shows the
tallies only while the latest run is younger than TALLY_MAX_AGE_SECONDS (30 by default); when no
refresher runs it still answers, counting live (slower on a large city, never stale)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jinguo.reports.tallies import tallies_refresh
from jinguo.reports.tasks import dashboards_warm_safely


class Command(BaseCommand):
    help = "刷新工作看板的汇总表（一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="全部重算走访月度汇总")
        parser.add_argument("--warm", action="store_true", help="随后预先计算最近打开的看板")

    def handle(self, *args: Any, **options: Any) -> None:
        run = tallies_refresh(full=options["full"])
        kind = "全部" if run.full else "增量"
        self.stdout.write(f"汇总表已刷新（{kind}），用时 {run.seconds:.2f} 秒")
        if options["warm"]:
            started = time.perf_counter()
            warmed = dashboards_warm_safely()
            if warmed is not None:
                seconds = time.perf_counter() - started
                self.stdout.write(f"已预先计算 {warmed} 个看板，用时 {seconds:.2f} 秒")
