"""The second pass of jinguo.common.xlsx_stream, fast: a worksheet's rows read with regular
expressions over the text of its XML, a MB at a time, without building a single element: one
pattern for the usual cells (an inline string, a <v> alone: the whole of a roster), the full one
for a block with other cells (formulas, empty values, spaces kept).

It reads only sheets the first pass (jinguo.common.xlsx_scan) found plain, and whose values it
found plain too (`Range.plain_values`): every <c> as the scan's patterns take it, every inline
string a single <t> of text (`<is><t>..</t></is>`, spaces preserved or not), no character
reference (`&#..;`), no `&` but the five predefined entities, no carriage return (the XML parser
turns CR LF into LF), UTF-8. Anything else is read by lxml (xlsx_stream.Sheet._rows), as before.

The patterns have no nested quantifier and no repeat that can cross a tag: each match is linear
in its length, and the scan of a block linear in the block. Entities are never expanded beyond
the five predefined ones.
"""

import datetime as dt
import re
from collections.abc import Iterator
from operator import itemgetter
from typing import IO, Any

from jinguo.common.xlsx_values import OTHER, Unsupported, date, shared_string, unescape

CHUNK = 4 * 1024 * 1024
ROWS_CHUNK = 1024 * 1024  # the second pass holds a list of the cells of a block
# a <row> larger than this is not read here; what follows the rows is read whole
MAX_TAIL = 64 * 1024 * 1024
_F = r"(?:<f[^<>]*/>|<f[^<>]*>[^<]*</f>)?"
# letters, digits, style, type; <v> and its text; <v/>; <is><t> (or with spaces kept) and its text
_CELL = re.compile(
    r'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="([0-9]{1,9})")?(?: t="([A-Za-z]{1,9})")?'
    r"(?:/>|>" + _F + r"(?:(<v>)([^<]*)</v>|(<v/>)"
    r'|(<is><t>|<is><t xml:space="preserve">)([^<]*)</t></is>)?</c>)'
)
# Every cell (each `<c ` once), its groups empty but if it is usual, fast: an inline string
# trimmed (its text), a <v> alone (its text, not empty).
_USUAL = re.compile(
    r'<c (?:r="([A-Z]+)([0-9]+)"([^<>/]*)>'
    r"(?:<is><t>([^<]*)</t></is>|<v>([^<]+)</v>)</c>|)"
)
_ATTRIBUTES = re.compile(r'(?: s="([0-9]{1,9})")?(?: t="([A-Za-z]{1,9})")?')
# What the first pass checks, over the bytes, before this pass is chosen.
ODD_INLINE = re.compile(rb'<is(?!><t>[^<]*</t></is>|><t xml:space="preserve">[^<]*</t></is>)')
ODD_AMPERSAND = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)")
_TRIMMED = "<is><t>"  # without xml:space="preserve"
_ENTITY = re.compile(r"&(amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
# xlsx_stream's _FLOAT: what calamine's float parser takes, matched in linear time.
_FLOAT = re.compile(
    r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)",
    re.IGNORECASE,
)
_EMPTY = object()
_NONE: dict[str, object] = {}
_DATES = (dt.date, dt.time, dt.timedelta)  # a datetime is a date
DATES_HELD = 100_000


def plain_values(part: bytes) -> bool:
    """Whether this pass reads the values of these rows (the first pass's part of the XML)."""
    if b"\r" in part or (b"&" in part and (b"&#" in part or ODD_AMPERSAND.search(part))):
        return False
    return ODD_INLINE.search(part) is None


def blocks(stream: IO[bytes], size: int = CHUNK) -> Iterator[bytes]:
    """The sheet's XML in pieces that each end after a </row> (the last one: the rest)."""
    tail = b""
    while True:
        block = stream.read(size)
        data = tail + block
        if not block:
            yield data
            return
        cut = data.rfind(b"</row>") + 6
        if cut < 6:
            if len(data) > MAX_TAIL:
                raise Unsupported("a row too large")
            tail = data
            continue
        yield data[:cut]
        tail = data[cut:]


def _entities(text: str) -> str:
    return _ENTITY.sub(lambda match: _ENTITIES[match[1]], text) if "&" in text else text


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


class Values:
    """A cell's value from the pattern's groups, as xlsx_stream.Sheet._v reads it from lxml."""

    def __init__(self, strings: list[str], formats: list[int], is_1904: bool) -> None:
        self.strings, self.formats, self.is_1904 = strings, formats, is_1904
        self.shapes: dict[str | None, int] = {None: OTHER}

    def number(self, content: str, kind: str | None, style: str | None) -> object:
        shape = self.shapes.get(style)
        if shape is None:
            index = int(style) if style else -1
            formats = self.formats
            shape = self.shapes[style] = formats[index] if 0 <= index < len(formats) else OTHER
        if not (content.isascii() and content.isdigit()) and not _FLOAT.fullmatch(content):
            if kind is None:
                return content  # calamine: a string
            raise Unsupported(content)
        number = float(content)
        if shape == OTHER:
            return number
        return date(number, shape, self.is_1904)

    def cell(self, kind: str, style: str, v: str, content: str, v_empty: str) -> object:
        """The value of a cell that is not an inline string (the pattern's groups)."""
        if content:
            if not kind or kind == "n":
                return self.number(_entities(content), kind or None, style)
            return self.other(kind, content)
        return "" if (v or v_empty) and kind == "str" else _EMPTY

    def other(self, kind: str, content: str) -> object:
        """A non-empty <v> of a type other than a number."""
        content = _entities(content)
        if kind == "str":
            return content
        if kind == "inlineStr":
            return _EMPTY  # an inline string's <v>: its <is> is the value
        if kind == "s":
            return shared_string(self.strings, content)
        if kind == "b":
            return content != "0"
        if kind == "e":
            return ""  # the first pass checked it is an error calamine knows
        raise Unsupported(f"t={kind}")


def _inline(tag: str, string: str) -> str:
    if "&" in string:
        string = _entities(string)
    if tag == _TRIMMED:
        string = string.strip(" \t\r\n")
    return unescape(string)


class _Reader:
    """The rows of the blocks of a sheet, one block after another."""

    def __init__(self, values: Values, start: tuple[int, int], size: tuple[int, int]) -> None:
        self.cell = values.cell
        self.top, self.left = start
        self.height, self.width = size
        self.current, self.last = self.top, ""
        self.row: list[Any] = [""] * self.width
        self.positions: dict[str, int] = {}  # column letters -> index in the row
        self.attributes: dict[str, tuple[str, str]] = {}  # a <c>'s s= and t= -> (style, type)
        self.known: dict[str, dict[str, object]] = {}  # attributes -> <v> -> its date
        self.bottom = self.top + self.height - 1

    def block(self, text: str) -> list[list[Any]]:
        """The rows this block ends (the last one it reads is kept for the next)."""
        odd = "&" in text or "_x00" in text  # an entity or an escape somewhere in the block
        usual = _USUAL.findall(text)
        if all(map(itemgetter(0), usual)):  # every cell is usual
            return self._usual(usual, odd)
        cells = len(usual)
        found = _CELL.findall(text)
        if len(found) != cells:
            raise Unsupported("a cell the first pass took and this one does not")
        done: list[list[Any]] = []
        row, last, positions, cell, empty = self.row, self.last, self.positions, self.cell, _EMPTY
        for letters, digits, style, kind, v, content, v_empty, inline, string in found:
            if not inline:
                value = cell(kind, style, v, content, v_empty)
                if value is empty:
                    continue
            elif odd:
                value = _inline(inline, string)
            else:
                value = string.strip(" \t\r\n") if inline == _TRIMMED else string
            if digits != last:
                row, last = self._move(int(digits) - 1, done), digits
            try:
                row[positions[letters]] = value
            except KeyError:
                self._place(letters, value)
        self.last = last
        return done

    def _usual(self, found: list[tuple[str, str, str, str, str]], odd: bool) -> list[list[Any]]:
        """As `block`, for a block of usual cells only (_USUAL's groups)."""
        done: list[list[Any]] = []
        row, last, positions, known = self.row, self.last, self.positions, self.known
        for letters, digits, attrs, string, content in found:
            if content:  # a <v>: a date seen before, or read
                value = known.get(attrs, _NONE).get(content)
                if value is None:
                    value = self._value(attrs, content)
            elif odd:
                value = _inline(_TRIMMED, string)
            else:
                value = string.strip(" \t\r\n")
            if digits != last:
                row, last = self._move(int(digits) - 1, done), digits
            try:
                row[positions[letters]] = value
            except KeyError:
                self._place(letters, value)
        self.last = last
        return done

    def _value(self, attrs: str, content: str) -> object:
        """A usual cell's <v>; a date kept for the next cells of these attributes."""
        style, kind = self.attributes.get(attrs) or self._attributes(attrs)
        value = self.cell(kind, style, "<v>", content, "")
        if value is _EMPTY:
            raise Unsupported(attrs)  # an inline string's <v>: the first pass refused it
        if isinstance(value, _DATES):
            dates = self.known.setdefault(attrs, {})
            if len(dates) > DATES_HELD:
                dates.clear()
            dates[content] = value
        return value

    def _attributes(self, attrs: str) -> tuple[str, str]:
        match = _ATTRIBUTES.fullmatch(attrs)
        if match is None:
            raise Unsupported(attrs)
        found = self.attributes[attrs] = (match[1] or "", match[2] or "")
        return found

    def _move(self, index: int, done: list[list[Any]]) -> list[Any]:
        """The row to fill for a cell of this row `index`, the rows before it done."""
        current = self.current
        if index == current + 1 and index < self.bottom:  # the next row
            done.append(self.row)
            row = self.row = [""] * self.width
            self.current = index
            return row
        if index < current or index > self.bottom:
            raise Unsupported("a cell out of the range")
        if index > current:
            done.append(self.row)
            done.extend([""] * self.width for _ in range(current + 1, index))
            self.row, self.current = [""] * self.width, index
        return self.row

    def _place(self, letters: str, value: object) -> None:
        position = self.positions[letters] = _column(letters) - self.left
        if not 0 <= position < self.width:
            raise Unsupported("a cell out of the range")
        self.row[position] = value

    def end(self) -> list[Any]:
        if self.current != self.bottom:
            raise Unsupported("the range is not the first pass's")
        return self.row


def rows(
    stream: IO[bytes], values: Values, start: tuple[int, int], size: tuple[int, int]
) -> Iterator[list[Any]]:
    """The sheet's rows from its first (see xlsx_stream.Sheet.iter_rows), `size` (height,
    width) of them from `start`: the first pass found the range and checked the cells' order."""
    for _ in range(start[0]):
        yield [""] * size[1]
    reader = _Reader(values, start, size)
    for block in blocks(stream, ROWS_CHUNK):
        yield from reader.block(block.decode("utf-8"))
    yield reader.end()
