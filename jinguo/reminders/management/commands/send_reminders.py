"""`jinguo send_reminders [--date YYYY-MM-DD]`: the daily digests, by hand (operators); beat
runs the same thing every morning (jinguo.reminders.tasks.reminders_daily)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jinguo.reminders.services import reminders_send


class Command(BaseCommand):
    help = "生成并发送某一天的每日提醒（默认今天）；同一天重复运行不会重复发送。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default="", help="日期，格式 YYYY-MM-DD（默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['date']}") from exc
        sent = reminders_send(day=day)
        self.stdout.write(
            f"{sent.day.isoformat()}：{sent.people} 人有提醒，新发送 {sent.new} 条每日提醒。"
        )
