"""Every .xlsx the application writes, and the Excel downloads of lists.

`workbook()` is the only way to make a workbook (a test holds every other module to it): its
sheets write every string as text, never as a formula, a hyperlink or a number, so a user name
such as `=HYPERLINK("http://…"&A2,"详情")` typed into a login form stays text in the auditor's
export. A string that a spreadsheet would read as a formula when typed (leading = + - @, a tab
or a line break, or their full-width forms) also gets Excel's quote prefix: the cell shows the
text exactly as stored, and stays text when someone edits it in Excel or WPS. The text itself
is never changed (no apostrophe is added), because our workbooks are read back in by the
imports, which must see what they wrote. Sheets refuse formulas and hyperlinks altogether: an
export writes values, computed in Python.

An export is a list of `Column`s (a header and how to read its cell from one record), declared
once per export, mostly in the app's `exports.py`: a header and its cell cannot drift apart.
`xlsx_table` writes one sheet with a bold header row, records streamed in constant memory;
`xlsx_download` audits the export (who, what, how many rows, which filters) before answering:
every export of records is in the audit log, masked or not. Columns mask personal data unless
the user may see it.
"""

import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet, convert_cell_args

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record

T = TypeVar("T")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 200_000


# What makes Excel, WPS or LibreOffice read typed text as a formula (OWASP's CSV-injection
# list), and the full-width forms a Chinese input method types.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_LEADS)


# Written as what they are (blank, boolean, number, date); everything else is written as text.
_VALUES = (bool, int, float, Decimal, Fraction, dt.date, dt.time, dt.timedelta)


class TextSheet(Worksheet):
    """A worksheet whose strings are always text cells (see the module's docstring)."""

    book: "TextWorkbook"

    @convert_cell_args
    def write_string(
        self, row: int, col: int, string: Any, cell_format: Format | None = None
    ) -> Any:
        text = str(string)
        if looks_like_formula(text):
            cell_format = self.book.quoted(cell_format)
        return super().write_string(row, col, text, cell_format)

    @convert_cell_args
    def write(self, row: int, col: int, *args: Any) -> Any:
        token, rest = (args[0], args[1:]) if args else (None, ())
        if token is None or isinstance(token, _VALUES):
            return super().write(row, col, token, *rest)
        return self.write_string(row, col, str(token), *rest[:1])  # str, lazy text, anything

    @convert_cell_args
    def write_row(self, row: int, col: int, data: Any, cell_format: Format | None = None) -> Any:
        for offset, token in enumerate(data):
            error = self.write(row, col + offset, token, cell_format)
            if error:
                return error
        return 0

    @convert_cell_args
    def write_column(self, row: int, col: int, data: Any, cell_format: Format | None = None) -> Any:
        for offset, token in enumerate(data):
            error = self.write(row + offset, col, token, cell_format)
            if error:
                return error
        return 0

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Exports write values, never formulas or hyperlinks (jinguo.common.xlsx)")

    write_formula = write_array_formula = write_dynamic_array_formula = _refuse
    write_url = add_write_handler = _refuse


class TextWorkbook(xlsxwriter.Workbook):
    """A workbook of TextSheets; make it with `workbook()`."""

    worksheet_class = TextSheet

    def __init__(self, target: Any, options: dict[str, Any]) -> None:
        self._properties: dict[int, dict[str, Any]] = {}  # add_format is called in __init__
        self._quoted: dict[int, Format] = {}
        super().__init__(target, options)

    def add_worksheet(self, name: str | None = None, worksheet_class: Any = None) -> Any:
        sheet = super().add_worksheet(name, TextSheet)
        sheet.book = self
        return sheet

    def add_format(self, properties: dict[str, Any] | None = None) -> Format:
        made = super().add_format(properties)
        self._properties[id(made)] = dict(properties or {})
        return made

    def quoted(self, cell_format: Format | None) -> Format:
        """`cell_format` (or none) with Excel's quote prefix: the cell is text, even when edited."""
        key = id(cell_format) if cell_format is not None else 0
        if key not in self._quoted:
            properties = self._properties.get(key, {}) if cell_format is not None else {}
            self._quoted[key] = self.add_format({**properties, "quote_prefix": True})
        return self._quoted[key]


def workbook(target: Any, *, in_memory: bool = True) -> TextWorkbook:
    """A new workbook writing to `target` (a path or a binary file), rows flushed as written.

    Strings are never turned into formulas, hyperlinks or numbers; numbers and dates stay
    numbers and dates."""
    options = {
        "constant_memory": True,
        "in_memory": in_memory,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    return TextWorkbook(target, options)


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column of an export: its header (a lazy gettext string) and its cell for a record."""

    label: Any
    value: Callable[[T], Any]


def query_note(params: Mapping[str, Any]) -> str:
    """The audit note of an export's filters: `key=value` pairs of the query, joined by "&"."""
    return "&".join(f"{k}={v}" for k, v in params.items())


def yes_no(flag: bool) -> str:
    """是 or 否, the cell of a yes/no column."""
    return gettext("是") if flag else gettext("否")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, str, dt.date)):
        return value
    return str(value)  # lazy strings, Decimals, choices


def xlsx_table(
    *, sheet: str, columns: Sequence[Column[T]], records: Iterable[T]
) -> tuple[bytes, int]:
    """The workbook's bytes and the number of data rows written (at most MAX_ROWS)."""
    headers = [column.label for column in columns]
    rows = ([column.value(record) for column in columns] for record in records)
    buffer = io.BytesIO()
    book = workbook(buffer)
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
    columns: Sequence[Column[T]],
    records: Iterable[T],
    note: str = "",
) -> HttpResponse:
    """Build the sheet, write the audit row ("meetings.export", rows, filters), answer it."""
    content, count = xlsx_table(sheet=filename, columns=columns, records=records)
    audit_record(actor=actor, action=action, note=f"{count} rows; {note}".strip("; "))
    return xlsx_response(content, filename)
