"""Writing the rows of an uploaded sheet into the error workbook (jinguo/imports/sheet.py):
the cells as they were, rejected rows highlighted with their reasons after the last column, and
in a stronger colour the cells at fault."""

import datetime as dt
from collections.abc import Iterable
from typing import IO, Any

from django.utils.translation import gettext as _

from jinguo.common.workbooks import SheetData
from jinguo.common.xlsx import workbook
from jinguo.imports.sheet import ERROR_COLUMN, ERROR_SHEET, SHEET_ROW_SPAN, Layout, open_file


def write_rows(
    sheet: Any,
    rows: Iterable[list[Any]],
    *,
    offset: int,
    formats: dict[str, Any],
    width: int = 0,
    header_row: int = -1,
    errors: dict[int, list[str]] | None = None,
    at_fault: dict[int, set[int]] | None = None,
    reason_title: str = "",
) -> None:
    """The rows from the sheet's first, at column `offset`. With a `reason_title`, a reason
    column goes after the last column of the sheet, not after the last one the importer reads
    (`width`): a column it does not use (登记日期) stays as uploaded. Calamine's rows are as
    wide as the sheet, so the first row gives its width (a CSV's is given in `width`).
    `at_fault`: row → the columns (of the row lists) of the cells at fault."""
    errors = errors or {}
    at_fault = at_fault or {}
    reason_col: int | None = None
    for index, row in enumerate(rows):
        if reason_col is None:
            reason_col = offset + max(len(row), width)
            sheet.set_column(offset, reason_col - 1, 14)
            if reason_title:
                sheet.set_column(reason_col, reason_col, 60)
        reasons = errors.get(index + 1)
        style = "bad" if reasons else None
        faulty = at_fault.get(index + 1, set()) if reasons else set()
        for col, value in enumerate(row):
            write_value(
                sheet, index, offset + col, value, "worst" if col in faulty else style, formats
            )
        if not reason_title:
            continue
        if index == header_row:
            sheet.write_string(index, reason_col, reason_title, formats["head"])
        elif reasons:
            sheet.write_string(index, reason_col, "；".join(reasons), formats["reason"])


def error_formats(book: Any) -> dict[str, Any]:
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


def write_value(
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


def write_error_workbook(
    *,
    source: str | IO[bytes],
    target: IO[bytes],
    layout: Layout,
    errors: dict[int, list[str]],
    layouts: dict[int, Layout] | None = None,
    bad_cells: dict[int, set[str]] | None = None,
) -> None:
    """Every sheet of the upload as it was (titles, other sheets and all), with a 错误原因
    column after each imported sheet's last column; rows with errors highlighted, and a last
    sheet listing every error by row (and sheet, when there are several). `layouts` are the
    imported sheets' own layouts by index (Sheet.layouts; default: `layout` for the first
    sheet). Streams row by row (constant memory)."""
    layouts = layouts or {0: layout}
    with open_file(source) as uploaded:
        book = workbook(target, in_memory=False)
        formats = error_formats(book)
        names = uploaded.names
        for data in uploaded.sheets:
            if data.index and data.name == ERROR_SHEET:
                continue  # the listing of an earlier error workbook, uploaded again
            base = data.index * SHEET_ROW_SPAN
            own = {k - base: v for k, v in errors.items() if base < k < base + SHEET_ROW_SPAN}
            cells_at_fault = {
                k - base: v
                for k, v in (bad_cells or {}).items()
                if base < k < base + SHEET_ROW_SPAN
            }
            _write_sheet(book, data, layouts.get(data.index), own, cells_at_fault, formats)
        listing = book.add_worksheet(ERROR_SHEET)
        several = len(names) > 1
        heads = [_("工作表")] * several + [_("行号"), ERROR_COLUMN]
        listing.set_column(0, len(heads) - 2, 12 if several else 8)
        listing.set_column(len(heads) - 1, len(heads) - 1, 90)
        listing.write_row(0, 0, heads, formats["head"])
        line = 1
        for key in sorted(errors):
            index, number = divmod(key, SHEET_ROW_SPAN)
            for message in errors[key]:
                if several:
                    listing.write_string(line, 0, names[index] if index < len(names) else "")
                listing.write_number(line, int(several), number)
                listing.write_string(line, int(several) + 1, message)
                line += 1
        book.close()


def _write_sheet(
    book: Any,
    data: SheetData,
    layout: Layout | None,
    errors: dict[int, list[str]],
    bad_cells: dict[int, set[str]],
    formats: dict[str, Any],
) -> None:
    """One sheet as uploaded; with its layout (an imported sheet), the 错误原因 column and the
    cells at fault (`bad_cells`: row → field keys) in a stronger colour."""
    sheet = book.add_worksheet(data.name[:31] or f"Sheet{data.index + 1}")
    if data.hidden:
        sheet.hide()
    if layout is None:
        write_rows(sheet, data.rows, offset=(data.start or (0, 0))[1], formats=formats)
        return
    write_rows(
        sheet,
        data.rows,
        offset=layout.first_column,
        formats=formats,
        width=max([*layout.columns.values(), data.width - 1, 0]) + 1,
        header_row=layout.header_rows[-1],
        errors=errors,
        at_fault={
            row: {layout.columns[key] for key in keys if key in layout.columns}
            for row, keys in bad_cells.items()
        },
        reason_title=ERROR_COLUMN,
    )
