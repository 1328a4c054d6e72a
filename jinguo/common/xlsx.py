"""Excel downloads of lists: one sheet, a bold header row, rows streamed in constant memory.

`xlsx_download` audits the export (who, what, how many rows, which filters) before answering:
every export of records is in the audit log, masked or not. Callers mask personal data in the
rows they pass unless the user may see it.
"""

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 200_000


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, str, dt.date)):
        return value
    return str(value)  # lazy strings, Decimals, choices


def xlsx_table(
    *, sheet: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> tuple[bytes, int]:
    """The workbook's bytes and the number of data rows written (at most MAX_ROWS)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    page = book.add_worksheet(str(sheet)[:31])
    bold = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    page.write_row(0, 0, [str(h) for h in headers], bold)
    page.set_column(0, max(len(headers) - 1, 0), 16)
    count = 0
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            count = MAX_ROWS
            break
        for col, value in enumerate(row):
            cell = _cell(value)
            if isinstance(cell, dt.datetime):
                page.write_string(count, col, timezone.localtime(cell).strftime("%Y-%m-%d %H:%M"))
            elif isinstance(cell, dt.date):
                page.write_datetime(count, col, dt.datetime.combine(cell, dt.time()), date)
            elif isinstance(cell, str):
                page.write_string(count, col, cell)  # never let Excel read "0012" as a number
            else:
                page.write(count, col, cell)
    book.close()
    return buffer.getvalue(), count


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """An attachment named `filename` (Chinese allowed, RFC 6266) that no cache keeps."""
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{filename}-{stamp}.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"export-{stamp}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    response["Cache-Control"] = "no-store"
    return response


def xlsx_download(
    *,
    actor: User,
    action: str,
    filename: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    note: str = "",
) -> HttpResponse:
    """Build the sheet, write the audit row ("meetings.export", rows, filters), answer it."""
    content, count = xlsx_table(sheet=filename, headers=headers, rows=rows)
    audit_record(actor=actor, action=action, note=f"{count} rows; {note}".strip("; "))
    return xlsx_response(content, filename)
