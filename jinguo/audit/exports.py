"""Export of the audit trail to Excel for the audit administrator."""

import io

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinguo.audit.actions import action_display
from jinguo.audit.models import AuditEvent
from jinguo.common.xlsx import Column, workbook

MAX_EXPORT_ROWS = 200_000


AUDIT_COLUMNS: list[Column[AuditEvent]] = [
    Column(gettext_lazy("时间"), lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")),
    Column(gettext_lazy("账号"), lambda e: e.actor_username),
    Column(gettext_lazy("操作"), lambda e: action_display(e.action)),
    Column(gettext_lazy("对象类型"), lambda e: e.target_type),
    Column(gettext_lazy("对象编号"), lambda e: e.target_id),
    Column(gettext_lazy("对象"), lambda e: e.target_repr),
    Column(gettext_lazy("IP地址"), lambda e: e.ip or ""),
    Column(gettext_lazy("变更"), lambda e: str(e.changes or "")),
    Column(gettext_lazy("说明"), lambda e: e.note),
]


def audit_events_xlsx(events: QuerySet[AuditEvent]) -> tuple[bytes, int]:
    """The events as an .xlsx, streamed row by row (constant memory); returns (bytes, rows).

    User names, notes and changes come from anyone (a failed login names any user it likes):
    jinguo.common.xlsx writes them as text, never as formulas."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet(_("审计日志"))
    sheet.write_row(0, 0, [str(c.label) for c in AUDIT_COLUMNS], book.add_format({"bold": True}))
    rows = 0
    for rows, event in enumerate(events[:MAX_EXPORT_ROWS].iterator(chunk_size=2000), start=1):
        sheet.write_row(rows, 0, [c.value(event) for c in AUDIT_COLUMNS])
    book.close()
    return buffer.getvalue(), rows
