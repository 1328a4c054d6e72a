"""Collect pending points from the verified records of every tree, then expire old points.
Beat runs the same nightly (jinguo.points.tasks); this is the operator's one-shot.

jinguo collect_points                 # from the first day of last month to today
jinguo collect_points --start 2026-01-01 --end 2026-06-30
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from jinguo.points.services import points_collect_trees, points_expire
from jinguo.points.sources import collection_window


class Command(BaseCommand):
    help = "Collect duty points from verified records (visits, cases, …) and expire old points."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--end", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--no-expire", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        first, last = collection_window(today)
        start, end = options["start"] or first, options["end"] or last
        for root, done in points_collect_trees(start=start, end=end).items():
            self.stdout.write(f"{root.name}: {done.created} new, {done.capped} capped")
        if not options["no_expire"]:
            self.stdout.write(f"expired: {points_expire(today=today)}")
