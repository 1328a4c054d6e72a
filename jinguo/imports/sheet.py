"""Finding the table in a real ledger sheet, and writing the error workbook back.

Ledgers kept by hand have a title and a date line above the header, sometimes a two-row header
(a group header such as «家庭成员信息» merged across the columns whose real headers are in the
row below), columns under several names (身份证号/身份证号码/公民身份号码), and cells merged
down a household's rows. The reader finds the header in the first rows, maps every column to a
field, and hands out data rows with merged cells filled down.
"""

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import IO, Any

from django.utils.translation import gettext as _

from jinguo.common.workbooks import SheetData, WorkbookError, read_sheet
from jinguo.common.xlsx import workbook
from jinguo.imports import cells

HEADER_SEARCH_ROWS = 15
ERROR_COLUMN = "错误原因"
ERROR_SHEET = "错误列表"
_NOTE_IN_HEADER = re.compile(r"[（(【\[].*?[）)】\]]")


@dataclass(frozen=True)
class Column:
    """A column of a roster template: the header written on export and the names read on
    import, best first (a sheet with both 姓名 and 户主姓名 reads 姓名)."""

    key: str
    header: str
    synonyms: tuple[str, ...]
    width: int = 12
    as_text: bool = False  # written with the text format so Excel keeps every digit

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.synonyms)


class FileError(Exception):
    """The file as a whole cannot be read: no rows are checked."""


@dataclass(frozen=True)
class Layout:
    columns: dict[str, int]  # field key → index in the row lists calamine gives
    header_rows: tuple[int, ...]  # 0-based sheet rows of the header
    data_start: int  # 0-based sheet row of the first data row
    first_column: int  # 0-based sheet column of index 0 of the row lists
    # field key → the header cells over its column, as header_token reads them («户主姓名»)
    headers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Confirmed value maps of a file mapped by hand (jinguo/imports/preview.py):
    # {field key: {value as written: target pk}}, consulted before the usual look-ups.
    values: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class Sheet:
    """The data rows of a sheet, read once. A child process read the workbook and wrote the rows
    to a temporary file (jinguo/common/workbooks.py); they come from it one at a time."""

    layout: Layout
    rows: Iterator[tuple[int, list[Any]]]  # (1-based sheet row, cells) from the first data row
    total_rows: int  # data rows, blank ones included: for the progress bar
    head: list[list[Any]] = field(default_factory=list)  # the first rows, header search's

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        return self.rows


def header_token(value: object) -> str:
    token = _NOTE_IN_HEADER.sub("", cells.compact(value))
    return token.strip("*＊:：")


def _open(source: str | IO[bytes]) -> SheetData:
    """The first sheet, read in a child process (jinguo/common/workbooks.py): a file too large
    or hostile is refused with its reason and cannot take the web process down."""
    try:
        return read_sheet(source)
    except WorkbookError as exc:
        if exc.not_a_workbook:
            raise FileError(
                _("无法读取文件：请上传 Excel 表格（.xlsx、.xls、.xlsm）或 .ods 表格")
            ) from exc
        raise FileError(str(exc)) from exc


def open_sheet(
    source: str | IO[bytes],
    columns: Sequence[Column],
    required: Sequence[str],
    *,
    layout: Layout | None = None,
) -> Sheet:
    """The first sheet of the workbook, its header found (or as `layout` says: a mapping the
    user confirmed), ready to iterate data rows."""
    sheet = _open(source)
    lines = enumerate(sheet.rows)
    # The first rows, kept: the header is searched there and data may start among them.
    head: list[tuple[int, list[Any]]] = []
    for line in lines:
        head.append(line)
        if len(head) > HEADER_SEARCH_ROWS:
            break
    if layout is None:
        layout = find_layout(
            [row for _i, row in head], columns, required, first_column=(sheet.start or (0, 0))[1]
        )
    rest = chain(((i, row) for i, row in head if i >= layout.data_start), lines)
    merges = _vertical_merges(sheet, layout)
    return Sheet(
        layout=layout,
        rows=_numbered(rest, merges),
        total_rows=max(0, sheet.height - layout.data_start),
        head=[row for _i, row in head],
    )


def _numbered(
    lines: Iterable[tuple[int, list[Any]]], merges: dict[int, list[tuple[int, int]]]
) -> Iterator[tuple[int, list[Any]]]:
    """(1-based row number, cells), the cells of a merged block filled down its rows."""
    fill: dict[int, list[tuple[int, Any]]] = {}
    for index, row in lines:
        for col, value in fill.pop(index, ()):
            if col < len(row):
                row[col] = value
        for col, last in merges.get(index, ()):
            value = row[col] if col < len(row) else ""
            for below in range(index + 1, last + 1):
                fill.setdefault(below, []).append((col, value))
        yield index + 1, row


def _vertical_merges(sheet: SheetData, layout: Layout) -> dict[int, list[tuple[int, int]]]:
    """Data rows that start a block merged downwards: {first row: [(column, last row)]}."""
    merges: dict[int, list[tuple[int, int]]] = {}
    for (top, left), (bottom, _right) in sheet.merged:
        if bottom > top and top >= layout.data_start:
            merges.setdefault(top, []).append((left - layout.first_column, bottom))
    return merges


# ---------------------------------------------------------------------------------------------
# The header


def _synonym_ranks(columns: Sequence[Column]) -> dict[str, tuple[str, int]]:
    ranks: dict[str, tuple[str, int]] = {}
    for column in columns:
        for rank, synonym in enumerate(column.names):
            ranks.setdefault(header_token(synonym), (column.key, rank))
    return ranks


def _row_columns(
    tokens: Sequence[Sequence[str]], ranks: dict[str, tuple[str, int]]
) -> dict[str, int]:
    """Field → column for one header candidate; tokens[c] are the names to try for column c."""
    best: dict[str, tuple[int, int]] = {}  # key → (rank, column)
    for col, options in enumerate(tokens):
        for token in options:
            found = ranks.get(token)
            if found is None:
                continue
            key, rank = found
            if key not in best or rank < best[key][0]:
                best[key] = (rank, col)
            break
    return {key: col for key, (_rank, col) in best.items()}


def _tokens(row: Sequence[Any]) -> list[str]:
    return [header_token(value) for value in row]


def find_layout(
    head: Sequence[Sequence[Any]],
    columns: Sequence[Column],
    required: Sequence[str],
    *,
    first_column: int = 0,
) -> Layout:
    """Find the header among the first rows: one row, or two where the upper one groups the
    columns (or holds headers merged down over both rows)."""
    ranks = _synonym_ranks(columns)
    candidates: list[tuple[int, int, int, dict[str, int]]] = []  # (-score, rows, row, columns)
    rows = [_tokens(row) for row in head[: HEADER_SEARCH_ROWS + 1]]
    for index, top in enumerate(rows[:HEADER_SEARCH_ROWS]):
        single = _row_columns([[t] for t in top], ranks)
        candidates.append((-len(single), 1, index, single))
        if index + 1 < len(rows):
            bottom = rows[index + 1]
            width = max(len(top), len(bottom))
            pairs = [
                (top[c] if c < len(top) else "", bottom[c] if c < len(bottom) else "")
                for c in range(width)
            ]
            combined = _row_columns([[b, t, t + b] for t, b in pairs], ranks)
            below = _row_columns([[b] for _t, b in pairs], ranks)
            if len(combined) > max(len(single), len(below)):
                candidates.append((-len(combined), 2, index, combined))
    complete = [c for c in candidates if all(key in c[3] for key in required)]
    if complete:
        _score, height, index, found = min(complete)
        header_rows = tuple(range(index, index + height))
        return Layout(
            columns=found,
            header_rows=header_rows,
            data_start=index + height,
            first_column=first_column,
            headers={
                key: tuple(rows[r][col] for r in header_rows if col < len(rows[r]))
                for key, col in found.items()
            },
        )
    raise FileError(_missing_header_message(candidates, columns, required))


def _missing_header_message(
    candidates: list[tuple[int, int, int, dict[str, int]]],
    columns: Sequence[Column],
    required: Sequence[str],
) -> str:
    headers = {column.key: column.header for column in columns}
    wanted = "、".join(headers[key] for key in required)
    best = min(candidates, default=None)
    if best is None or -best[0] < 2:
        return _("未找到表头：前%(n)d行中没有找到“%(wanted)s”等列") % {
            "n": HEADER_SEARCH_ROWS,
            "wanted": wanted,
        }
    missing = "、".join(headers[key] for key in required if key not in best[3])
    return _("第%(row)d行的表头缺少以下列：%(missing)s。表头应包含：%(wanted)s") % {
        "row": best[2] + 1,
        "missing": missing,
        "wanted": wanted,
    }


def cell(row: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return ""
    return row[index]


def is_blank(row: Sequence[Any]) -> bool:
    return all(
        value == "" or value is None or (isinstance(value, str) and not value.strip())
        for value in row
    )


# ---------------------------------------------------------------------------------------------
# The error workbook


def write_error_workbook(
    *,
    source: str | IO[bytes],
    target: IO[bytes],
    layout: Layout,
    errors: dict[int, list[str]],
    bad_cells: dict[int, set[str]] | None = None,
) -> None:
    """The uploaded sheet as it was, with a 错误原因 column; rows with errors highlighted (and
    in a stronger colour the cells at fault: `bad_cells`, row → field keys), and a second sheet
    listing every error by row. Streams row by row (constant memory)."""
    at_fault = {
        row: {layout.columns[key] for key in keys if key in layout.columns}
        for row, keys in (bad_cells or {}).items()
    }
    sheet = _open(source)
    book = workbook(target, in_memory=False)
    formats = _error_formats(book)
    data = book.add_worksheet(sheet.name[:31] or "Sheet1")
    offset = layout.first_column
    read_width = max([*layout.columns.values(), 0]) + 1
    reason_col: int | None = None
    header_row = layout.header_rows[-1]
    for index, row in enumerate(sheet.rows):
        if reason_col is None:
            # After the last column of the sheet, not after the last one the importer reads: a
            # column it does not use (登记日期) stays as uploaded. Calamine's rows are as wide
            # as the sheet, so the first row gives its width.
            reason_col = offset + max(len(row), read_width)
            data.set_column(offset, reason_col - 1, 14)
            data.set_column(reason_col, reason_col, 60)
        reasons = errors.get(index + 1)
        style = "bad" if reasons else None
        faulty = at_fault.get(index + 1, set()) if reasons else set()
        for col, value in enumerate(row):
            cell_style = "worst" if col in faulty else style
            _write_value(data, index, offset + col, value, cell_style, formats)
        if index == header_row:
            data.write_string(index, reason_col, ERROR_COLUMN, formats["head"])
        elif reasons:
            data.write_string(index, reason_col, "；".join(reasons), formats["reason"])
    listing = book.add_worksheet(ERROR_SHEET)
    listing.set_column(0, 0, 8)
    listing.set_column(1, 1, 90)
    listing.write_row(0, 0, [_("行号"), ERROR_COLUMN], formats["head"])
    line = 1
    for number in sorted(errors):
        for message in errors[number]:
            listing.write_number(line, 0, number)
            listing.write_string(line, 1, message)
            line += 1
    book.close()


def _error_formats(book: Any) -> dict[str, Any]:
    return {
        "bad": book.add_format({"bg_color": "#F8D7DA"}),
        # The cell at fault: a stronger red, bold, so it stands out in its light row.
        "worst": book.add_format({"bg_color": "#EA868F", "bold": True, "font_color": "#58151C"}),
        "worst_date": book.add_format(
            {"num_format": "yyyy-mm-dd", "bg_color": "#EA868F", "bold": True}
        ),
        "reason": book.add_format({"bg_color": "#F8D7DA", "font_color": "#842029"}),
        "head": book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "bad_date": book.add_format({"num_format": "yyyy-mm-dd", "bg_color": "#F8D7DA"}),
    }


def _write_value(
    sheet: Any, row: int, col: int, value: object, kind: str | None, formats: dict[str, Any]
) -> None:
    """A cell as uploaded; `kind` is None, "bad" (a row with errors) or "worst" (its cell at
    fault)."""
    style = formats[kind] if kind is not None else None
    if value is None or value == "":
        if style is not None:
            sheet.write_blank(row, col, None, style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, style)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, style)
    elif isinstance(value, dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        sheet.write_datetime(row, col, moment, formats[f"{kind}_date" if kind else "date"])
    else:
        sheet.write_string(row, col, str(value), style)
