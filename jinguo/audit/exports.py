"""Export of the audit trail to Excel for the audit administrator."""

import io

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.audit.actions import action_display
from jinguo.audit.models import AuditEvent
from jinguo.common.xlsx import workbook

MAX_EXPORT_ROWS = 200_000


def audit_events_xlsx(events: QuerySet[AuditEvent]) -> tuple[bytes, int]:
    """The events as an .xlsx, streamed row by row (constant memory); returns (bytes, rows).

    User names, notes and changes come from anyone (a failed login names any user it likes):
    jinguo.common.xlsx writes them as text, never as formulas."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet(_("审计日志"))
    headers = [
        _("时间"),
        _("账号"),
        _("操作"),
        _("对象类型"),
        _("对象编号"),
        _("对象"),
        _("IP地址"),
        _("变更"),
        _("说明"),
    ]
    sheet.write_row(0, 0, headers, book.add_format({"bold": True}))
    rows = 0
    for rows, event in enumerate(events[:MAX_EXPORT_ROWS].iterator(chunk_size=2000), start=1):
        sheet.write_row(
            rows,
            0,
            [
                timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                event.actor_username,
                action_display(event.action),
                event.target_type,
                event.target_id,
                event.target_repr,
                event.ip or "",
                str(event.changes or ""),
                event.note,
            ],
        )
    book.close()
    return buffer.getvalue(), rows
