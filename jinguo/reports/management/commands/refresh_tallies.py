"""`jinguo refresh_tallies [--full] [--every SECONDS]`: rebuild the dashboard's summary tables.

Once (for cron), or in a loop every SECONDS (a service next to the web server). The dashboard
shows the tallies only while the latest run is younger than TALLY_MAX_AGE_SECONDS (30 by
default), so the loop must run more often than that: `--every 20`. When no refresher runs, the
dashboard still answers, counting live (slower on a large city, never stale). In the loop,
each refresh is followed by recomputing the dashboards opened lately (jinguo.reports.warming)."""

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections

from jinguo.reports.tallies import tallies_refresh
from jinguo.reports.warming import dashboards_warm

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "刷新工作看板的汇总表（一次，或用 --every 秒数 循环）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="全部重算走访月度汇总")
        parser.add_argument("--every", type=float, default=0, help="每隔多少秒刷新一次（循环）")

    def handle(self, *args: Any, **options: Any) -> None:
        every: float = options["every"]
        if every < 0:
            raise CommandError("--every 不能为负数")
        full: bool = options["full"]
        while True:
            try:
                run = tallies_refresh(full=full)
            except DatabaseError:
                if not every:
                    raise
                # A loop outlives a database restart: log it and try again next time.
                log.exception("refresh_tallies failed")
                close_old_connections()
            else:
                kind = "全部" if run.full else "增量"
                self.stdout.write(f"汇总表已刷新（{kind}），用时 {run.seconds:.2f} 秒")
                if every:
                    self._warm()
            if not every:
                return
            full = False
            time.sleep(every)

    def _warm(self) -> None:
        """In the loop, right after the tallies: the dashboards opened lately, recomputed."""
        started = time.perf_counter()
        try:
            warmed = dashboards_warm()
        except Exception:  # a failing dashboard must not stop the tallies
            log.exception("dashboards_warm failed")
            close_old_connections()
            return
        seconds = time.perf_counter() - started
        self.stdout.write(f"已预先计算 {warmed} 个看板，用时 {seconds:.2f} 秒")
