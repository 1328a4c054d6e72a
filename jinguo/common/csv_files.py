"""Reading uploaded CSV files, as communities keep them: saved by Excel or WPS in GB18030/GBK
(「CSV（逗号分隔）」 on a Chinese Windows) or in UTF-8 with or without a BOM, and Excel's
「Unicode 文本」 (UTF-16 with a BOM, tab-separated, saved as .txt).

The encoding is found from the bytes: a UTF-16 BOM means UTF-16 (its text holds NUL bytes); a
UTF-8 BOM means UTF-8; otherwise strict UTF-8 is tried,
then GB18030 (a superset of GBK and GB2312). A file with NUL bytes is not text. The delimiter is
a comma, or a tab or semicolon when the busiest of the first lines (the header) uses it more.
Every cell is a string, kept exactly ("=1+1" is text, "0012" keeps its zeros).

Python's csv module cannot take the process down as a workbook reader can, so a CSV is read in
process (not in jinguo/common/workbook_child.py), held to the same SHEET_MAX_ROWS and
SHEET_MAX_COLUMNS as a workbook: it is counted once before its rows are handed out, one at a
time, as the `SheetData` of jinguo/common/workbooks.py.
"""

import codecs
import csv
import io
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from jinguo.common.workbooks import Book, SheetData, WorkbookError, size_refusal

DELIMITERS = (",", "\t", ";")
SNIFF_LINES = 16
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def looks_like_workbook(data: bytes) -> bool:
    """A zip (.xlsx, .xlsm, .ods) or an Office 97 file (.xls): read by the workbook child."""
    return data.startswith(_WORKBOOK_MAGIC)


def decode(data: bytes) -> str:
    """The text of a CSV file; WorkbookError if it is binary (not_a_workbook) or in no encoding
    we read."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # refused below, as any file with NUL bytes
    if b"\x00" in data:
        raise WorkbookError(_("无法读取文件：这不是文本格式的 CSV 文件"), not_a_workbook=True)
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise WorkbookError(
        _(
            "无法识别 CSV 文件的文字编码（只支持 UTF-8 和 GBK/GB18030）。"
            "请用 Excel 或 WPS 打开后另存为 .xlsx 文件或“CSV UTF-8”文件再上传"
        )
    )


def delimiter(text: str) -> str:
    """The delimiter the header uses: of the first lines, the one with the most delimiters
    decides; a comma unless a tab or semicolon is clearly more frequent there."""
    best, count = ",", 0
    for line in text.splitlines()[:SNIFF_LINES]:
        for candidate in DELIMITERS:
            found = line.count(candidate)
            if found > count:
                best, count = candidate, found
    return best


def _reader(text: str, sep: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=sep)


def read_csv(data: bytes) -> SheetData:
    """The one sheet of a CSV file; refused like a workbook when larger than the limits."""
    text = decode(data)
    sep = delimiter(text)
    rows = width = 0
    max_rows, max_columns = int(settings.SHEET_MAX_ROWS), int(settings.SHEET_MAX_COLUMNS)
    try:
        for row in _reader(text, sep):
            rows += 1
            width = max(width, len(row))
    except csv.Error as exc:
        raise WorkbookError(
            _("CSV 文件第%(row)d行格式有误（引号不成对等），请检查后重新上传") % {"row": rows + 1}
        ) from exc
    if rows > max_rows or width > max_columns:
        raise size_refusal(rows, width)
    return SheetData(
        name="",
        start=(0, 0) if rows else None,
        height=rows,
        merged=[],
        rows=_reader(text, sep),
        width=width,
        again=lambda: _reader(text, sep),
    )


def read_csv_book(data: bytes) -> Book:
    return Book(sheets=[read_csv(data)])
