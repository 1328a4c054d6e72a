"""The first pass of jinguo.common.xlsx_stream, fast: a worksheet's range as calamine counts it
(from the first to the last non-empty cell) and its merged cells, found with regular expressions
over the XML's bytes, without building a single element.

It takes only the plain XML Excel, WPS and XlsxWriter write: unprefixed elements, every <c> with
its `r` first, then `s` and `t`, nothing but <f>, <v> and <is> in it, no comment, CDATA or DTD
(`<!`), cells in order. Anything else makes `scan` answer None, and xlsx_stream reads the range
with lxml, cell by cell (4 times slower). The values are read, and checked, by the second pass
(lxml), which also checks that the cells it meets make this very range.
"""

import re
from typing import IO

Range = tuple[tuple[int, int] | None, tuple[int, int] | None, list[tuple[tuple[int, int], ...]]]

CHUNK = 4 * 1024 * 1024
MAX_TAIL = 64 * 1024 * 1024  # what follows the rows (merged cells, formatting) is read whole
_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="[0-9]{1,9}")?(?: t="([A-Za-z]{1,9})")?'
    rb"(?:/>|>(.*?)</c>)",
    re.DOTALL,
)
_ANY_CELL = re.compile(rb"<c[\s/>]")
# Elements of the sheet's own namespace under a prefix (<x:c>): not plain.
_PREFIXED = (b":c ", b":c>", b":row ", b":row>", b":sheetData", b":mergeCell", b":dimension")
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3}[0-9]{1,7})(?::([A-Z]{1,3}[0-9]{1,7}))?"')
_ANY_MERGE = re.compile(rb"<mergeCell[\s/>]")
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')
_ANY_DIMENSION = re.compile(rb"<dimension[\s/>]")
_TYPES = frozenset((b"", b"s", b"str", b"n", b"b", b"inlineStr", b"e"))
_ERRORS = frozenset((b"#DIV/0!", b"#N/A", b"#NAME?", b"#NULL!", b"#NUM!", b"#REF!", b"#VALUE!"))
_COLUMNS: dict[bytes, int] = {}


class _Unusual(Exception):
    pass


def _column(letters: bytes) -> int:
    if letters not in _COLUMNS:
        number = 0
        for letter in letters:
            number = number * 26 + letter - 64
        _COLUMNS[letters] = number - 1
    return _COLUMNS[letters]


def _position(ref: bytes) -> tuple[int, int]:
    letters = ref.rstrip(b"0123456789")
    row = int(ref[len(letters) :])
    if row == 0:
        raise _Unusual
    return row - 1, _column(letters)


def _filled(kind: bytes, inner: bytes) -> bool:
    """Whether the cell has a value (calamine's rule: its last <v>, <is> or <f> decides);
    _Unusual for a type calamine refuses or this pass does not take."""
    if kind not in _TYPES:
        raise _Unusual
    if not inner:
        return False
    if inner.endswith((b"</is>", b"<is/>")):
        return True
    if inner.endswith(b"</v>"):
        at = inner.rfind(b"<v")
        if inner[at : at + 3] != b"<v>" or (kind == b"e" and inner[at + 3 : -4] not in _ERRORS):
            raise _Unusual
        return kind == b"str" or (len(inner) - at > 7 and kind != b"inlineStr")
    if inner.endswith(b"<v/>"):
        return kind == b"str"
    if inner.endswith(b"</f>") or inner.rfind(b"<f") > max(inner.rfind(b"<v"), inner.rfind(b"<i")):
        return False
    raise _Unusual


class _Bounds:
    def __init__(self) -> None:
        self.top, self.left, self.right, self.last = -1, 0, 0, (-1, -1)
        self.merged: list[tuple[tuple[int, int], ...]] = []
        self.sheet_data = False

    def read(self, part: bytes) -> None:
        if b"<!" in part or any(prefixed in part for prefixed in _PREFIXED):
            raise _Unusual
        data_at = part.find(b"<sheetData")
        if not self.sheet_data and data_at >= 0:
            self._dimension(part[:data_at])  # <dimension> comes before the rows
        self.sheet_data = self.sheet_data or data_at >= 0
        cells = _CELL.findall(part)
        if len(cells) != len(_ANY_CELL.findall(part)):
            raise _Unusual  # a <c> not as plain as _CELL takes
        self._cells(cells)
        end_at = part.find(b"</sheetData>")
        if end_at >= 0:
            self._merged(part[end_at:])  # <mergeCells> comes after them

    def _dimension(self, head: bytes) -> None:
        dimensions = _DIMENSION.findall(head)
        if len(dimensions) != len(_ANY_DIMENSION.findall(head)):
            raise _Unusual
        for ref in dimensions:
            for corner in ref.split(b":"):
                _position(corner)

    def _merged(self, tail: bytes) -> None:
        merges = _MERGE.findall(tail)
        if len(merges) != len(_ANY_MERGE.findall(tail)):
            raise _Unusual
        for first, second in merges:
            self.merged.append((_position(first), _position(second or first)))

    def _cells(self, cells: list[tuple[bytes, bytes, bytes, bytes]]) -> None:
        top, left, right, last = self.top, self.left, self.right, self.last
        columns = _COLUMNS
        for letters, digits, kind, inner in cells:
            if not _filled(kind, inner):
                continue
            column = columns[letters] if letters in columns else _column(letters)
            position = (int(digits) - 1, column)
            if position <= last or position[0] < 0:
                raise _Unusual  # out of order (calamine sorts them), or row 0
            if top < 0:
                top, left, right = position[0], column, column
            left = column if column < left else left
            right = column if column > right else right
            last = position
        self.top, self.left, self.right, self.last = top, left, right, last


def scan(stream: IO[bytes]) -> Range | None:
    """(start, end, merged cells) of the worksheet XML in `stream`, or None if it is not as
    plain as this pass takes."""
    bounds, tail = _Bounds(), b""
    try:
        while True:
            block = stream.read(CHUNK)
            data = tail + block
            if not block:
                bounds.read(data)
                break
            cut = data.rfind(b"</row>") + 6
            if cut < 6:
                if len(data) > MAX_TAIL:
                    raise _Unusual
                tail = data
                continue
            bounds.read(data[:cut])
            tail = data[cut:]
    except _Unusual:
        return None
    if not bounds.sheet_data:
        return None
    if bounds.top < 0:
        return None, None, bounds.merged
    return (bounds.top, bounds.left), (bounds.last[0], bounds.right), bounds.merged
