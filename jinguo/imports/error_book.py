"""Writing the rows of an uploaded sheet into the error workbook (jinguo/imports/sheet.py):
the cells as they were, rejected rows highlighted with their reasons after the last column."""

import datetime as dt
from collections.abc import Iterable
from typing import Any


def write_rows(
    sheet: Any,
    rows: Iterable[list[Any]],
    *,
    offset: int,
    formats: dict[str, Any],
    width: int = 0,
    header_row: int = -1,
    errors: dict[int, list[str]] | None = None,
    reason_title: str = "",
) -> None:
    """The rows from the sheet's first, at column `offset`. With a `reason_title`, a reason
    column goes after the last column of the sheet, not after the last one the importer reads
    (`width`): a column it does not use (登记日期) stays as uploaded. Calamine's rows are as
    wide as the sheet, so the first row gives its width (a CSV's is given in `width`)."""
    errors = errors or {}
    reason_col: int | None = None
    for index, row in enumerate(rows):
        if reason_col is None:
            reason_col = offset + max(len(row), width)
            sheet.set_column(offset, reason_col - 1, 14)
            if reason_title:
                sheet.set_column(reason_col, reason_col, 60)
        reasons = errors.get(index + 1)
        style = formats["bad"] if reasons else None
        for col, value in enumerate(row):
            write_value(sheet, index, offset + col, value, style, formats)
        if not reason_title:
            continue
        if index == header_row:
            sheet.write_string(index, reason_col, reason_title, formats["head"])
        elif reasons:
            sheet.write_string(index, reason_col, "；".join(reasons), formats["reason"])


def error_formats(book: Any) -> dict[str, Any]:
    return {
        "bad": book.add_format({"bg_color": "#F8D7DA"}),
        "reason": book.add_format({"bg_color": "#F8D7DA", "font_color": "#842029"}),
        "head": book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "bad_date": book.add_format({"num_format": "yyyy-mm-dd", "bg_color": "#F8D7DA"}),
    }


def write_value(
    sheet: Any, row: int, col: int, value: object, style: Any, formats: dict[str, Any]
) -> None:
    if value is None or value == "":
        if style is not None:
            sheet.write_blank(row, col, None, style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, style)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, style)
    elif isinstance(value, dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        sheet.write_datetime(
            row, col, moment, formats["bad_date"] if style is not None else formats["date"]
        )
    else:
        sheet.write_string(row, col, str(value), style)
