"""The first pass of jinguo.common.xlsx_stream, fast: a worksheet's range as calamine counts it
(from the first to the last non-empty cell) and its merged cells, found with regular expressions
over the XML's bytes, without building a single element or looping over cells in Python.

It takes only the plain XML Excel, WPS and XlsxWriter write: unprefixed elements, every <c> with
its `r` first, then `s` and `t`, a formula then a value in it, no whitespace between them, no
comment, CDATA or DTD (`<!`), no processing instruction but the XML declaration (`<?`), cells
in order. Anything else makes `scan` answer None, and xlsx_stream reads the range with lxml, cell
by cell (3 times slower). It also says whether the values are plain enough for the second pass
to read them with regular expressions (jinguo.common.xlsx_rows; else lxml reads them). The values
are read, and checked, by the second pass, which also checks that the cells it meets make this
very range: a shared string out of the table or a number that is none makes it raise (calamine
would refuse the sheet too).
"""

import re
from itertools import repeat
from operator import add, itemgetter, lt, mul
from typing import IO

from jinguo.common import xlsx_rows
from jinguo.common.xlsx_values import Unsupported

Range = tuple[
    tuple[int, int] | None, tuple[int, int] | None, list[tuple[tuple[int, int], ...]], bool
]

_F = rb"(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?"  # a formula, before the value
# Every cell (`<c[\s/>]`), its reference captured if it has a value, as calamine sees one: a
# non-empty <v> last, a formula's string (even empty), an inline string (else ("", "")).
_CELLS = re.compile(
    rb'<c(?: r="([A-Z]{1,3})([0-9]{1,7})"(?: s="[0-9]{1,9}")?'
    rb'(?:(?: t="[nbes]")?>' + _F + rb"<v>[^<]+</v></c>"
    rb'| t="str">' + _F + rb"(?:<v>[^<]*</v>|<v/>)</c>"
    rb'| t="inlineStr"><is[ >/])'
    rb"|[\s/>])"
)
# A cell without: none, a formula alone, an empty <v>.
_BLANK = re.compile(
    rb'<c r="[A-Z]{1,3}[0-9]{1,7}"(?: s="[0-9]{1,9}")?'
    rb'(?:(?: t="(?:[nbes]|str|inlineStr)")?(?:/>|>' + _F + rb"</c>)"
    rb'|(?: t="[nbes]")?>' + _F + rb"(?:<v></v>|<v/>)</c>)"
)
_ERROR = re.compile(rb'<c [^>]*t="e"[^>]*>' + _F + rb"<v>([^<]*)</v>")
# Elements of the sheet's own namespace under a prefix (<x:c>): not plain.
_PREFIXED = (b":c ", b":c>", b":row ", b":row>", b":sheetData", b":mergeCell", b":dimension")
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3}[0-9]{1,7})(?::([A-Z]{1,3}[0-9]{1,7}))?"')
_ANY_MERGE = re.compile(rb"<mergeCell[\s/>]")
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')
_ANY_DIMENSION = re.compile(rb"<dimension[\s/>]")
_ERRORS = frozenset((b"#DIV/0!", b"#N/A", b"#NAME?", b"#NULL!", b"#NUM!", b"#REF!", b"#VALUE!"))
_COLUMNS: dict[bytes, int] = {}
# An XML declaration, if any, that says UTF-8 (or no encoding), which xlsx_rows decodes.
_UTF8 = re.compile(
    rb'(?:\xef\xbb\xbf)?(?:<\?xml[^>]*?encoding="(?i:utf-8)"|<\?xml(?![^>]*encoding)|<(?!\?))'
)


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


class _Bounds:
    def __init__(self) -> None:
        self.top, self.left, self.right, self.last = -1, 0, 0, (-1, -1)
        self.merged: list[tuple[tuple[int, int], ...]] = []
        self.sheet_data = False
        self.plain_values: bool | None = None  # xlsx_rows reads the values (else lxml does)

    def read(self, part: bytes) -> None:
        prefixed = b":" in part and any(prefix in part for prefix in _PREFIXED)
        # a processing instruction (but the XML declaration), which may hide a <c
        instruction = b"?" in part and part.find(b"<?", 6 if self.plain_values is None else 0) >= 0
        if prefixed or instruction or (b"!" in part and b"<!" in part):
            raise _Unusual
        if self.plain_values is None:
            self.plain_values = _UTF8.match(part) is not None
        data_at = -1 if self.sheet_data else part.find(b"<sheetData")
        if data_at >= 0:
            self._dimension(part[:data_at])  # <dimension> comes before the rows
        self.plain_values = self.plain_values and xlsx_rows.plain_values(part)
        self.sheet_data = self.sheet_data or data_at >= 0
        filled = cells = _CELLS.findall(part)
        if not all(map(itemgetter(0), cells)):  # some without a value
            filled = list(filter(itemgetter(0), cells))
            if len(filled) + len(_BLANK.findall(part)) != len(cells):
                raise _Unusual  # a <c> not as plain as these take
        if b' t="e"' in part and not set(_ERROR.findall(part)) <= _ERRORS:
            raise _Unusual  # an error calamine does not know: it refuses the sheet
        if filled:
            self._cells(filled)
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

    def _cells(self, filled: list[tuple[bytes, bytes]]) -> None:
        """The bounds, with the cells' order checked, in C: map() and all() over the list."""
        for letters in set(map(itemgetter(0), filled)):
            _column(letters)
        rows = list(map(int, map(itemgetter(1), filled)))
        columns = list(map(_COLUMNS.__getitem__, map(itemgetter(0), filled)))
        keys = list(map(add, map(mul, rows, repeat(1 << 16)), columns))
        last = (self.last[0] + 1) * (1 << 16) + self.last[1]
        if rows[0] == 0 or keys[0] <= last or not all(map(lt, keys, keys[1:])):
            raise _Unusual  # row 0, or cells out of order (calamine sorts them; we stream)
        if self.top < 0:
            self.top, self.left, self.right = rows[0] - 1, columns[0], columns[0]
        self.left, self.right = min(self.left, min(columns)), max(self.right, max(columns))
        self.last = (rows[-1] - 1, columns[-1])


def scan(stream: IO[bytes]) -> Range | None:
    """(start, end, merged cells) of the worksheet XML in `stream`, or None if it is not as
    plain as this pass takes."""
    bounds = _Bounds()
    try:
        for part in xlsx_rows.blocks(stream):
            bounds.read(part)
    except (_Unusual, Unsupported):
        return None
    if not bounds.sheet_data:
        return None
    if bounds.top < 0:
        return None, None, bounds.merged, False
    start, end = (bounds.top, bounds.left), (bounds.last[0], bounds.right)
    return start, end, bounds.merged, bool(bounds.plain_values)
