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
cells and anything this reader does not take; the second yields its rows. Anything unusual (a
DTD, a cell type or node calamine would refuse or that this reader does not mirror, cells out of
order, an ISO date cell) raises Unsupported before a line is written, and the child reads the
file with calamine, as it did before.

The XML is parsed without DTDs, entities or network (`_OPTIONS`), and a part that declares a
DOCTYPE is Unsupported: no entity is ever expanded. It imports only the standard library and
lxml: the child runs it under `python -I` (see workbook_child.py).
"""

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

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
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_ROW_REF = re.compile(r"[A-Za-z]{0,3}([0-9]{1,7})")
# What calamine's float parser takes (Python's float() also takes spaces and underscores).
_FLOAT = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)", re.IGNORECASE
)
_ESCAPE = re.compile(r"_x00([0-9A-Fa-f]{2}|\+[0-9A-Fa-f])_")
_ERRORS = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))
_DATE_TYPES = frozenset(("14", "15", "16", "17", "18", "19", "20", "21", "22", "45", "47"))
# chrono's dates end about 262,000 years from 1899 (python-calamine's time of day needs one).
_CHRONO_MS = 262_000 * 365 * 86_400_000
_EPOCH = dt.datetime(1899, 12, 30)
_DAY_MS = 86_400_000
OTHER, DATE, DURATION = 0, 1, 2


class Unsupported(Exception):
    """Something this reader does not take: the caller reads the workbook with calamine."""


class _Error:
    """An error cell (#N/A …): python-calamine gives "", but the cell counts in the range."""

    def __str__(self) -> str:
        return ""


ERROR = _Error()


def format_kind(code: str) -> int:
    """calamine's reading of a number format: DATE, DURATION ([h]:mm) or OTHER (its
    formats.rs, detect_custom_number_format, ported as is)."""
    escaped = quoted = ap = hms = False
    brackets = 0
    prev = " "
    for char in code:
        if escaped:
            escaped = False
        elif char in "_\\*":
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == ";":
            return OTHER  # the first section only
        elif char == "[":
            brackets += 1
        elif char == "]" and brackets == 1 and hms:
            return DURATION
        elif char == "]":
            brackets = max(brackets - 1, 0)
        elif char in "aA" and not ap and not brackets:
            ap = True
        elif char in "pm/PM" and ap and not brackets:
            return DATE
        elif char in "dmhysDMHYS" and not ap and not brackets:
            return DATE
        elif not (hms and (char == prev or (char + prev).isascii() and char.lower() == prev.lower())):
            hms = prev == "[" and char in "mhsMHS"
        prev = char
    return OTHER


def _round(value: float) -> int:
    """Rust's f64::round: halves away from zero."""
    whole = math.floor(abs(value))
    if abs(value) - whole >= 0.5:
        whole += 1
    return int(math.copysign(whole, value))


def _date(value: float, kind: int, is_1904: bool) -> object:
    """python-calamine's value for a number under a date or duration format."""
    if math.isnan(value):
        return _EPOCH  # calamine turns NaN into 0 ms
    if math.isinf(value):
        return value
    if kind == DURATION:
        try:
            return dt.timedelta(milliseconds=_round(value * _DAY_MS))
        except OverflowError:
            return value
    days = value + 1462.0 if is_1904 else value
    if days < 60.0:
        days += 1.0  # Excel's 1900-02-29
    ms = _round(days * _DAY_MS)
    if value < 1.0:
        if abs(ms) > _CHRONO_MS:
            return value
        ms %= _DAY_MS
        return dt.time(ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60, ms % 1000 * 1000)
    try:
        moment = _EPOCH + dt.timedelta(milliseconds=ms)
    except OverflowError:
        return value
    return moment.date() if value.is_integer() else moment


def _unescape(text: str) -> str:
    """calamine's unescape_xml: Excel's _x00HH_ escapes."""
    if "_x00" not in text:
        return text
    return _ESCAPE.sub(lambda match: chr(int(match[1], 16)), text)


def _text(element: Any, ns: str) -> str:
    """The text of a <si> or <is>: its <t>, those of its rich-text runs among them, without
    those of the phonetic runs (<rPh>); as calamine reads them (read_string)."""
    parts = []
    for run in element.iter(ns + "t"):
        if run.getparent().tag == ns + "rPh":
            continue
        if len(run):
            raise Unsupported(run.tag)
        text = run.text or ""
        if run.get(_XML_SPACE) != "preserve":
            text = text.strip(" \t\r\n")
        parts.append(_unescape(text))
    return "".join(parts)


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
                self.strings.append(_text(item, item.tag[:-2]))
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
                elif number in codes:
                    self.formats.append(format_kind(codes[number]))
                elif number == "46":
                    self.formats.append(DURATION)
                else:
                    self.formats.append(DATE if number in _DATE_TYPES else OTHER)

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
        top, left = self.start
        width = self.width
        for _ in range(top):
            yield [""] * width
        current, values = top, [""] * width
        for cells in self._rows(first_pass=False):
            for row, column, value in cells:
                while current < row:
                    yield values
                    current, values = current + 1, [""] * width
                values[column - left] = "" if value is ERROR else value
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
        c_tag, v_tag, is_tag, f_tag, t_tag = ns + "c", ns + "v", ns + "is", ns + "f", ns + "t"
        cells: list[tuple[int, int, object]] = []
        columns, column = _COLUMNS, 0
        for cell in element:
            if cell.tag != c_tag:
                raise Unsupported(cell.tag)
            ref = cell.get("r")
            if ref is None:
                row = row_index
            else:
                letters = ref.rstrip("0123456789")
                digits = ref[len(letters) :]
                if letters in columns and 0 < len(digits) <= 7 and digits != "0" * len(digits):
                    row, column = int(digits) - 1, columns[letters]
                else:
                    row, column = _reference(ref)
            value: object = _EMPTY
            for child in cell:
                tag = child.tag
                if tag == v_tag:
                    value = self._v(child, cell.get("t"), cell.get("s"))
                elif tag == is_tag:
                    if first_pass:
                        value = None
                    elif len(child) == 1 and child[0].tag == t_tag and not len(child[0]):
                        text = child[0].text or ""  # the usual inline string: one <t>
                        if child[0].get(_XML_SPACE) != "preserve":
                            text = text.strip(" \t\r\n")
                        value = _unescape(text)
                    else:
                        value = _text(child, ns)
                elif tag == f_tag:
                    value = _EMPTY
                else:
                    raise Unsupported(tag)
            if value is not _EMPTY:
                cells.append((row, column, value))
            column += 1
        return cells
    def _v(self, element: Any, kind: str | None, style: str | None) -> object:
        if len(element):
            raise Unsupported("v")
        text = element.text or ""
        if kind in (None, "n", "s", "b", "e") and not text:
            return _EMPTY
        if kind is None or kind == "n":
            if not _FLOAT.fullmatch(text):
                if kind is None:
                    return text
                raise Unsupported(text)
            number = float(text)
            formats = self.book.formats
            index = (int(style) if style.isascii() and style.isdigit() else 0) if style else -1
            shape = formats[index] if 0 <= index < len(formats) else OTHER
            return number if shape == OTHER else _date(number, shape, self.book.is_1904)
        if kind == "s":
            strings = self.book.strings
            index = int(text) if text.isascii() and text.isdigit() else 0
            if index >= len(strings):
                raise Unsupported("shared string")
            return strings[index]
        if kind == "str":
            return text
        if kind == "b":
            return text != "0"
        if kind == "e":
            if text not in _ERRORS:
                raise Unsupported(text)
            return ERROR
        if kind in ("inlineStr", "is"):
            return _EMPTY
        raise Unsupported(f"t={kind}")  # "d" (ISO dates) and what calamine refuses
