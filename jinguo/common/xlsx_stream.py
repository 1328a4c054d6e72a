"""A streaming reader for the worksheets of .xlsx and .xlsm files, for the workbook reader child.

Why by hand: python-calamine, which reads every upload, loads a whole sheet into memory before
its first row comes out (1.4 GB for a county roster of a million rows); it cannot stream (its
issue #42: a limit of pyo3 and calamine). openpyxl is not a dependency, and its read-only mode is
5-6x slower. So this module reads a worksheet's XML with lxml's `iterparse`, one <row> at a time,
clearing what it has read: what it holds is the shared strings (a list of str, the format's
inherent cost) and one row.

It gives exactly what python-calamine gives (the same values of the same types, the same range
and merged cells), so jinguo/common/workbook_child.py writes the same lines either way: a
`Sheet` answers like python-calamine's CalamineSheet (`start`, `end`, `height`, `width`,
`total_height`, `total_width`, `merged_cell_ranges`, `iter_rows()`). A sheet is read twice: the
first pass finds its range (calamine's: from the first to the last non-empty cell), its merged
cells and anything this reader does not take (jinguo.common.xlsx_scan, with regular expressions
over the bytes; lxml for XML less plain); the second yields its rows (jinguo.common.xlsx_rows,
with regular expressions, where the scan found the values plain: 3 times faster than lxml's
iterparse, which reads the others). Anything unusual (a
DTD, a cell type or node calamine would refuse or that this reader does not mirror, cells out of
order, an ISO date cell) raises Unsupported before a line is written, and the child reads the
file with calamine, as it did before.

The XML is parsed without DTDs, entities or network (`_OPTIONS`), and a part that declares a
DOCTYPE is Unsupported: no entity is ever expanded. It imports only the standard library and
lxml: the child runs it under `python -I` (see workbook_child.py).
"""

import io
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree  # type: ignore[import-untyped]  # no stubs installed

from jinguo.common import xlsx_rows, xlsx_scan
from jinguo.common.xlsx_values import (
    DURATION,
    ERRORS,
    OTHER,
    Unsupported,
    builtin_kind,
    date,
    format_kind,
    shared_string,
    text,
)

_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "dtd_validation": False,
    "remove_comments": True,
    "remove_pis": True,
}
# The small parts (relationships, workbook, styles) are parsed whole; larger ones are refused.
SMALL_PART_BYTES = 16 * 1024 * 1024
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_ROW_REF = re.compile(r"[A-Za-z]{0,3}([0-9]{1,7})")
# What calamine's float parser takes (Python's float() also takes spaces and underscores); one
# way only to match a number's digits, so a long non-number fails in linear time.
_FLOAT = re.compile(
    r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)",
    re.IGNORECASE,
)
__all__ = ["DURATION", "Book", "Sheet", "Unsupported"]


def _no_doctype(element: Any) -> None:
    if element.getroottree().docinfo.doctype:
        raise Unsupported("DOCTYPE")


def _iterparse(stream: IO[bytes], tags: tuple[str, ...]) -> Iterator[Any]:
    """`end` elements of these local names, the first one checked for a DOCTYPE."""
    first = True
    try:
        for _event, element in etree.iterparse(
            stream, events=("end",), tag=tuple("{*}" + tag for tag in tags), **_OPTIONS
        ):
            if first:
                _no_doctype(element)
                first = False
            yield element
    except etree.LxmlError as error:
        raise Unsupported(str(error)) from error


def _forget(element: Any) -> None:
    """Free what has been read: the element's content and the siblings before it."""
    element.clear()
    parent = element.getparent()
    while element.getprevious() is not None:
        if parent[0].tag != element.tag:
            raise Unsupported(str(parent[0].tag))
        del parent[0]


class Book:
    """An .xlsx/.xlsm workbook opened as calamine opens it (its Xlsx::new): the package and
    workbook relationships, the shared strings, the cell styles' number formats, the sheets."""

    def __init__(self, data: bytes) -> None:
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
            raise Unsupported("not a zip") from error
        self._names = {n.replace("\\", "/").lower(): n for n in self.archive.namelist()}
        self.is_1904 = False
        self.strings: list[str] = []
        self.formats: list[int] = []
        try:
            self._open()
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError) as e:
            raise Unsupported(str(e)) from e

    def _member(self, path: str) -> zipfile.ZipInfo | None:
        name = self._names.get(path.lower())
        return self.archive.getinfo(name) if name is not None else None

    def _small(self, path: str) -> Any:
        """A small part, parsed whole (None if absent)."""
        info = self._member(path)
        if info is None:
            return None
        if info.file_size > SMALL_PART_BYTES:
            raise Unsupported(path)
        parser = etree.XMLParser(**_OPTIONS)
        try:
            root = etree.fromstring(self.archive.read(info), parser)
        except etree.LxmlError as error:
            raise Unsupported(str(error)) from error
        _no_doctype(root)
        return root

    def _open(self) -> None:
        package = self._small("_rels/.rels")
        if package is None:
            raise Unsupported("no _rels/.rels")
        targets = [
            rel.get("Target")
            for rel in package.iter("{*}Relationship")
            if (rel.get("Type") or "").endswith("/relationships/officeDocument")
        ]
        if not targets or not targets[-1]:
            raise Unsupported("no office document")
        target = targets[-1]
        self.xl_path = target[: target.rfind("/") + 1].removeprefix("/")
        if not target.lower().endswith(".xml"):  # an .xlsb (workbook.bin)
            raise Unsupported(target)
        self._read_strings()
        self._read_styles()
        rels = self._small(self.xl_path + "_rels/workbook.xml.rels")
        workbook = self._small(self.xl_path + "workbook.xml")
        if rels is None or workbook is None:
            raise Unsupported("no workbook")
        relationships = {
            rel.get("Id"): (rel.get("Target") or "", rel.get("Type") or "")
            for rel in rels.iter("{*}Relationship")
            if rel.get("Id") is not None
        }
        self.sheets = [self._sheet(sheet, relationships) for sheet in workbook.iter("{*}sheet")]
        for properties in workbook.iter("{*}workbookPr"):
            self.is_1904 = properties.get("date1904") in ("1", "true")

    def _sheet(self, sheet: Any, relationships: dict[Any, tuple[str, str]]) -> dict[str, Any]:
        state = sheet.get("state", "visible")
        if state not in ("visible", "hidden", "veryHidden"):
            raise Unsupported(state)
        ids = [value for key, value in sheet.attrib.items() if key.rpartition("}")[2] == "id"]
        if not ids or ids[-1] not in relationships:
            raise Unsupported("relationship")
        target, kind = relationships[ids[-1]]
        kind = kind.rpartition("/")[2]
        if kind not in ("worksheet", "chartsheet", "dialogsheet"):
            raise Unsupported(kind)
        path = target[1:] if target.startswith("/") else self.xl_path + target
        name = sheet.get("name", "")
        return {"name": name, "state": state, "kind": kind, "path": path}

    def _read_strings(self) -> None:
        info = self._member(self.xl_path + "sharedStrings.xml")
        if info is None:
            return
        with self.archive.open(info) as stream:
            for item in _iterparse(stream, ("si",)):
                self.strings.append(text(item, item.tag[:-2]))
                _forget(item)

    def _read_styles(self) -> None:
        styles = self._small(self.xl_path + "styles.xml")
        if styles is None:
            return
        codes = {
            element.get("numFmtId"): element.get("formatCode")
            for numbers in styles.iter("{*}numFmts")
            for element in numbers.iter("{*}numFmt")
            if element.get("numFmtId") is not None and element.get("formatCode") is not None
        }
        for cell_styles in styles.iter("{*}cellXfs"):
            for style in cell_styles.iter("{*}xf"):
                number = style.get("numFmtId")
                if number is None:
                    self.formats.append(OTHER)
                else:
                    code = codes.get(number)
                    self.formats.append(builtin_kind(number) if code is None else format_kind(code))

    def sheet(self, index: int) -> "Sheet":
        """The worksheet at `index`, its first pass done (Unsupported if it is not a
        worksheet or not one this reader takes)."""
        meta = self.sheets[index]
        if meta["kind"] != "worksheet":
            raise Unsupported(meta["kind"])
        info = self._member(meta["path"])
        if info is None:
            raise Unsupported(meta["path"])
        return Sheet(self, meta["name"], info)


_EMPTY = object()  # a cell without a value: not in the range (calamine's DataRef::Empty)
_COLUMNS: dict[str, int] = {}  # column letters read so far, and their 0-based numbers
_LETTERS = re.compile(r"[A-Za-z]{1,3}")


def _reference(ref: str) -> tuple[int, int]:
    """(row, column), 0-based, of a cell reference such as "C3" (calamine's get_row_column)."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    column = _COLUMNS.get(letters)
    if column is None:
        if not _LETTERS.fullmatch(letters):
            raise Unsupported(ref)
        column = 0
        for letter in letters.upper():
            column = column * 26 + ord(letter) - 64
        column = _COLUMNS[letters] = column - 1
    if not 0 < len(digits) <= 7 or digits.strip("0") == "":
        raise Unsupported(ref)
    return int(digits) - 1, column


def _dimension(ref: str | None) -> tuple[tuple[int, int], tuple[int, int]]:
    parts = (ref or "").split(":")
    if ref is None or len(parts) > 2:
        raise Unsupported(f"dimension {ref}")
    corners = [_reference(part) for part in parts]
    return corners[0], corners[-1]


class Sheet:
    """A worksheet, read in two passes over its XML (see the module's docstring); answers like
    python-calamine's CalamineSheet."""

    def __init__(self, book: Book, name: str, info: zipfile.ZipInfo) -> None:
        self.book, self.name, self._info = book, name, info
        self.merged_cell_ranges: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self.start: tuple[int, int] | None = None
        self.end: tuple[int, int] | None = None
        self.plain_values = False  # the rows read by xlsx_rows (else by lxml)
        with book.archive.open(info) as stream:
            found = xlsx_scan.scan(stream)
        if found is not None:
            self.start, self.end, merged, self.plain_values = found
            self.merged_cell_ranges = [(top, bottom) for top, bottom in merged]
            return
        top, left, right, previous = -1, 0, 0, (-1, -1)
        for positions in self._rows(first_pass=True):
            for row, column, _value in positions:
                if (row, column) <= previous:
                    raise Unsupported("cells out of order")  # calamine sorts them; this streams
                if top < 0:
                    top, left, right = row, column, column
                left, right, previous = min(left, column), max(right, column), (row, column)
        if top >= 0:
            self.start, self.end = (top, left), (previous[0], right)

    @property
    def height(self) -> int:
        return self.end[0] - self.start[0] + 1 if self.start and self.end else 0

    @property
    def width(self) -> int:
        return self.end[1] - self.start[1] + 1 if self.start and self.end else 0

    @property
    def total_height(self) -> int:
        return self.end[0] if self.end else 0  # python-calamine's: the last row's index

    @property
    def total_width(self) -> int:
        return self.end[1] if self.end else 0

    def iter_rows(self) -> Iterator[list[Any]]:
        """Every row from the sheet's first (the rows before `start` empty), each `width`
        cells from `start`'s column; an empty cell is "" (as python-calamine's iter_rows)."""
        if self.start is None:
            return
        if self.plain_values:
            book = self.book
            reading = xlsx_rows.Values(book.strings, book.formats, book.is_1904)
            with book.archive.open(self._info) as stream:
                size = (self.height, self.width)
                yield from xlsx_rows.rows(stream, reading, self.start, size)
            return
        top, left = self.start
        width, bottom = self.width, top + self.height - 1
        for _ in range(top):
            yield [""] * width
        values: list[Any] = [""] * width
        current, first, lowest, highest = top, -1, width, -1
        for cells in self._rows(first_pass=False):
            if not cells:
                continue
            # In order (the first pass checked): the row's first and last cells bound it.
            low, high = cells[0][1] - left, cells[-1][1] - left
            if not (top <= cells[0][0] and cells[-1][0] <= bottom and low >= 0 and high < width):
                raise Unsupported("a cell out of the range")  # the first pass said other
            first = cells[0][0] if first < 0 else first
            lowest, highest = min(lowest, low), max(highest, high)
            for row, column, value in cells:
                while current < row:
                    yield values
                    current, values = current + 1, [""] * width
                values[column - left] = value
        if (first, current, lowest, highest) != (top, bottom, 0, width - 1):
            raise Unsupported("the range is not the first pass's")
        yield values

    def _rows(self, first_pass: bool) -> Iterator[list[tuple[int, int, object]]]:
        """The non-empty cells of each <row>, in the XML's order: (row, column, value); in the
        first pass, the value may be None. As calamine's XlsxCellReader: a <row> without `r`
        follows the previous one, a <c> without `r` the previous cell."""
        tags = ("row", "sheetData", "dimension", "mergeCell") if first_pass else ("row",)
        row_index = 0
        with self.book.archive.open(self._info) as stream:
            for element in _iterparse(stream, tags):
                tag = element.tag
                ns = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
                local = tag[len(ns) :]
                if local == "row":
                    number = element.get("r")
                    if number is not None:
                        match = _ROW_REF.fullmatch(number)
                        if match is None or int(match[1]) == 0:
                            raise Unsupported(f"row {number}")
                        row_index = int(match[1]) - 1
                    yield self._row(element, ns, row_index, first_pass)
                    row_index += 1
                    _forget(element)
                elif local == "sheetData":
                    if any(child.tag != ns + "row" for child in element):
                        raise Unsupported("sheetData")
                elif local == "dimension":
                    _dimension(element.get("ref"))
                elif element.getparent().tag == ns + "mergeCells" and element.get("ref"):
                    self.merged_cell_ranges.append(_dimension(element.get("ref")))

    def _row(
        self, element: Any, ns: str, row_index: int, first_pass: bool
    ) -> list[tuple[int, int, object]]:
        """The row's non-empty cells; in the first pass, with None for an inline string's
        value (its text is read in the second) and the <v> values checked."""
        c_tag, is_tag = ns + "c", ns + "is"
        cells: list[tuple[int, int, object]] = []
        column, columns = 0, _COLUMNS
        for cell in element:
            if cell.tag != c_tag:
                raise Unsupported(cell.tag)
            ref = cell.get("r")
            if ref is None:
                row = row_index
            else:  # the letters are looked up; _reference checks the rest, and new letters
                letters = ref.rstrip("0123456789")
                column = columns.get(letters, -1)
                digits = ref[len(letters) :]
                row = int(digits) - 1 if column >= 0 and 0 < len(digits) < 8 else -1
                if row < 0:
                    row, column = _reference(ref)
            child = cell[0] if len(cell) == 1 else None
            value: object
            if child is not None and child.tag == is_tag and not first_pass:
                value = text(child, ns)  # the usual inline string
            else:
                value = self._value(cell, ns, first_pass)
            if value is not _EMPTY:
                cells.append((row, column, value))
            column += 1
        return cells

    def _value(self, cell: Any, ns: str, first_pass: bool) -> object:
        """The cell's value, _EMPTY if none: its last <v>, <is> or <f> decides, as in
        calamine's read_value."""
        value: object = _EMPTY
        for child in cell:
            tag = child.tag[len(ns) :]
            if tag == "v":
                value = self._v(child, cell.get("t"), cell.get("s"))
            elif tag == "is":
                value = None if first_pass else text(child, ns)
            elif tag == "f":
                value = _EMPTY
            else:
                raise Unsupported(tag)
        return value

    def _v(self, element: Any, kind: str | None, style: str | None) -> object:
        if len(element):
            raise Unsupported("v")
        content = element.text or ""
        if kind in ("str", "inlineStr", "is"):
            return content if kind == "str" else _EMPTY
        if kind not in (None, "n", "s", "b", "e"):
            raise Unsupported(f"t={kind}")  # "d" (ISO dates) and what calamine refuses
        if not content:
            return _EMPTY
        if kind is None or kind == "n":
            return self._number(content, kind, style)
        if kind == "s":
            return shared_string(self.book.strings, content)
        if kind == "b":
            return content != "0"
        if kind == "e" and content in ERRORS:
            return ""  # python-calamine's; but the cell counts in the range
        raise Unsupported(content)  # an error calamine does not know

    def _number(self, content: str, kind: str | None, style: str | None) -> object:
        if not _FLOAT.fullmatch(content):
            if kind is None:
                return content  # calamine: a string
            raise Unsupported(content)
        number = float(content)
        formats = self.book.formats
        index = (int(style) if style.isascii() and style.isdigit() else 0) if style else -1
        shape = formats[index] if 0 <= index < len(formats) else OTHER
        return number if shape == OTHER else date(number, shape, self.book.is_1904)


def _locate(ref: str) -> tuple[int, int]:
    """(row, column) of a cell's `r`, the letters read once (_reference checks the rest)."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    column = _COLUMNS.get(letters)
    if column is None or not 0 < len(digits) <= 7 or digits == "0" * len(digits):
        return _reference(ref)
    return int(digits) - 1, column
