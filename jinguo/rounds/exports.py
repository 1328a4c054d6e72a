"""The columns of a round's progress export: one row per answering unit."""

from django.utils.translation import gettext_lazy as _

from jinguo.common.xlsx import Column, yes_no
from jinguo.rounds.models import Target
from jinguo.rounds.selectors import Progress

Row = tuple[Target, Progress]

PROGRESS_COLUMNS: list[Column[Row]] = [
    Column(_("单位"), lambda r: r[0].org.name),
    Column(_("状态"), lambda r: r[0].get_status_display()),
    Column(_("首次报送时间"), lambda r: r[0].first_submitted_at),
    Column(_("按时报送"), lambda r: yes_no(bool(r[1].on_time))),
    Column(_("逾期未报"), lambda r: yes_no(bool(r[1].overdue))),
    Column(_("已通过"), lambda r: yes_no(bool(r[1].approved))),
]
