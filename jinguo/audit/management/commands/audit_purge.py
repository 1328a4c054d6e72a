"""`jinguo audit_purge --before YYYY-MM-DD` or `--keep-days N`: delete audit rows older than
the cut-off, never younger than the retention period (JINGUO_AUDIT_RETENTION_DAYS, at least
183 days). Beat purges monthly with the retention period (jinguo.audit.tasks); this is the
operator's one-shot. The purge itself is written to the audit log."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.audit.services import audit_purge


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("日期格式应为 YYYY-MM-DD：%(value)s") % {"value": value}) from None


class Command(BaseCommand):
    help = "删除截止日期之前的审计日志（至少保留 JINGUO_AUDIT_RETENTION_DAYS 天，不少于183天）。"

    def add_arguments(self, parser: CommandParser) -> None:
        when = parser.add_mutually_exclusive_group(required=True)
        when.add_argument("--before", type=_day, help="删除这一天（不含）之前的日志")
        when.add_argument("--keep-days", type=int, help="保留最近 N 天的日志")

    def handle(self, *args: Any, **options: Any) -> None:
        before: dt.date | None = options["before"]
        if before is None:
            before = timezone.localdate() - dt.timedelta(days=options["keep_days"])
        try:
            deleted = audit_purge(actor=None, before=before)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(
            _("已删除%(date)s之前的审计日志%(count)d条。")
            % {"date": before.isoformat(), "count": deleted}
        )
