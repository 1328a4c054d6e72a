"""Reading an export back in tests: the first sheet's rows, dates as dates."""

import datetime as dt
import io
from typing import Any

from python_calamine import CalamineWorkbook


def _value(cell: Any) -> Any:
    if isinstance(cell, dt.datetime) and cell.time() == dt.time():
        return cell.date()
    return cell


def sheet_rows(content: bytes) -> list[list[Any]]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return [[_value(cell) for cell in row] for row in sheet.to_python()]
