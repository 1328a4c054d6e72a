"""`jinguo schedule_activities`: every active recurring activity scheduled 90 days ahead.
Idempotent. Beat runs the same daily (jinguo.activities.tasks); this is the operator's one-shot."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from jinguo.activities.services import SCHEDULE_DAYS, series_schedule_all


class Command(BaseCommand):
    help = "Create the planned occurrences of every active recurring activity, 90 days ahead."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=SCHEDULE_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        until = timezone.localdate() + dt.timedelta(days=options["days"])
        created = series_schedule_all(until=until)
        self.stdout.write(f"scheduled {created} activities until {until.isoformat()}")
