"""The child process that reads an uploaded workbook: every parse of an upload happens here.

jinguo.common.workbooks runs this file as a script (`python -I workbook_child.py MODE LIMITS`)
with the upload on stdin. Before it touches the file, it lowers its own limits (address space,
CPU seconds, size of what it writes), so a workbook that makes the reader allocate without
bound, loop, or expand without end kills this process alone; the web process that started it
reports the file as unreadable. It imports nothing of Django (it runs isolated, with an
almost empty environment): only the standard library, python-calamine, lxml and the streaming
reader's modules, jinguo.common.xlsx_stream, xlsx_scan, xlsx_rows and xlsx_values (which import
nothing else; as `python -I` leaves the project off the path, this file appends its root).

Who reads what: a worksheet of an .xlsx or .xlsm is streamed by jinguo.common.xlsx_stream (two
passes over its XML, the range and then the rows, holding one row and the shared strings: 150 MB
for a roster of a million rows where calamine held 1.4 GB, in 24 s where calamine takes 14 s);
everything else is read by python-calamine as before: .xls, .ods, .xlsb, chart sheets, and any
sheet the streaming reader does not take (cells out of order, ISO date cells, a DTD, XML it
does not know), so a sheet is never read half one way and half the other. Both write the same
lines (jinguo/common/tests/test_workbook_streaming.py compares them); `answer(...,
streaming=False)` is calamine alone. python-calamine cannot stream (it loads a whole sheet
before its first row: its issue #42, a limit of pyo3 and calamine), and openpyxl is not a
dependency and 5-6 times slower: hence a reader of our own (see _Workbook).

It answers on stdout, in JSON lines. The first line is one of
- {"refused": CODE, ...}: the file is refused (CODE says why, with the numbers the message needs);
- {"sheets": [names]}: MODE "check", the file opens as a workbook;
- {"name", "start", "height", "merged"}: MODE "read", the first sheet, followed by one line
  per row, from the sheet's first row (cells in JSON, dates and times tagged: see `_tag`);
- {"sheets": count}: MODE "read_all", followed, for every sheet in the workbook's order, by a
  line {"index", "name", "start", "height", "width", "merged", "hidden"} and its rows as above
  (a sheet that cannot be read, such as a chart sheet, has "unreadable" and no rows). Every
  sheet is held to the row and column limits, and so are all of them together.

Before the workbook is opened, a zip (.xlsx, .xlsm, .ods) is checked from its directory alone:
the number of members, each member's declared uncompressed size against its compressed size,
the total, and the <dimension> every worksheet declares, read from the first bytes of the sheet
(never decompressing more). After the sheet is read (streamed: after its first pass, before any
row is written), its real size is checked too, which covers .xls and .ods and a worksheet that
declares no dimension.
"""

import datetime as dt
import io
import json
import re
import resource
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

if not __package__:  # run as a script under `python -I`: the project is not on the path
    sys.path.append(str(Path(__file__).resolve().parents[2]))
from jinguo.common import xlsx_stream

CHECK = "check"
READ = "read"
READ_ALL = "read_all"

# Refusal codes (jinguo.common.workbooks turns them into messages).
NOT_A_WORKBOOK = "not_a_workbook"
TOO_MANY_MEMBERS = "members"
COMPRESSION_RATIO = "ratio"
UNPACKED_SIZE = "unpacked"
DECLARED_SIZE = "declared"
SHEET_SIZE = "sheet"

# A member smaller than this is not held to the compression ratio: it cannot hurt by itself,
# and small repetitive parts (styles, shared formulas) compress very well.
RATIO_GRACE_BYTES = 1024 * 1024
# Excel writes <dimension> right after <sheetPr>, in the first few hundred bytes of a sheet.
HEAD_BYTES = 64 * 1024
_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def limit_self(limits: dict[str, int]) -> None:
    """Lower this process's own limits: past them the kernel stops it (or an allocation fails)."""
    memory = limits["memory_bytes"]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = limits["seconds"]
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    output = limits["output_bytes"]
    resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def declared_size(ref: str) -> tuple[int, int] | None:
    """(rows, columns) of a dimension ref such as "A1:XFD1048576"; None if it is not one."""
    corners = []
    for corner in ref.strip().split(":")[:2]:
        match = _CELL.match(corner)
        if match is None:
            return None
        corners.append((int(match[2]), _column_number(match[1])))
    (top, left), (bottom, right) = corners[0], corners[-1]
    return abs(bottom - top) + 1, abs(right - left) + 1


def _sheet_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int] | None:
    try:
        with archive.open(info) as member:
            head = member.read(HEAD_BYTES)  # decompresses only what these bytes need
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError):
        return None  # calamine will say the file cannot be read
    match = _DIMENSION.search(head)
    return declared_size(match[1].decode("ascii", "replace")) if match else None


def zip_refusal(data: bytes, limits: dict[str, int]) -> dict[str, Any] | None:
    """Why a zip workbook is refused from its directory and declared sizes alone, or None."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None  # not a readable zip: calamine will say so
    with archive:
        members = archive.infolist()
        if len(members) > limits["max_members"]:
            return {"refused": TOO_MANY_MEMBERS, "found": len(members)}
        for info in members:
            packed = max(info.compress_size, 1)
            if info.file_size > RATIO_GRACE_BYTES and info.file_size > limits["max_ratio"] * packed:
                return {"refused": COMPRESSION_RATIO, "found": info.file_size // packed}
        unpacked = sum(info.file_size for info in members)
        if unpacked > limits["max_unpacked_bytes"]:
            return {"refused": UNPACKED_SIZE, "found": unpacked}
        for info in members:
            if not _WORKSHEET.match(info.filename):
                continue
            size = _sheet_dimension(archive, info)
            if size and (size[0] > limits["max_rows"] or size[1] > limits["max_columns"]):
                return {"refused": DECLARED_SIZE, "rows": size[0], "columns": size[1]}
    return None


_TAGS: dict[object, object] = {}  # the tags of the dates met so far (a roster's repeat)
TAGS_HELD = 100_000


def _tag(value: object) -> object:
    """JSON for the cell values JSON has no type for (calamine gives no dicts: a dict is a tag)."""
    tag = _TAGS.get(value) if isinstance(value, dt.date) else None
    if tag is None:
        tag = _new_tag(value)
        if isinstance(value, dt.date):
            if len(_TAGS) > TAGS_HELD:
                _TAGS.clear()
            _TAGS[value] = tag
    return tag


def _new_tag(value: object) -> object:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"t": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"td": value.total_seconds()}
    return str(value)


def _encoder() -> Any:
    """json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_tag), built once:
    the C encoder json.dumps builds for every call (its chunks joined), or dumps' own."""
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_tag)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    chunks = make(None, _tag, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(chunks(value, 0))


_encode = _encoder()


def _line(value: object) -> bytes:
    return (_encode(value) + "\n").encode("utf-8")


def _streaming_book(data: bytes) -> "xlsx_stream.Book | None":
    """The workbook opened by the streaming reader, or None if it does not take it (not an
    .xlsx or .xlsm: an .xls, .ods, .xlsb, or anything unusual, which calamine reads)."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        return xlsx_stream.Book(data)
    except Exception:
        return None


class _Workbook:
    """The sheets of an upload: a worksheet of an .xlsx/.xlsm streamed by jinguo.common.xlsx_stream,
    everything else (other formats, chart sheets, anything the streaming reader does not take)
    read by calamine, opened only if needed. Either gives a sheet with python-calamine's
    CalamineSheet attributes and the same rows.

    Why a hand-written streaming reader: python-calamine loads a whole sheet in memory before its
    first row (1.4 GB for a million rows) and cannot stream (its issue #42, a limit of pyo3 and
    calamine); openpyxl is not a dependency and is 5-6x slower."""

    def __init__(self, data: bytes, streaming: bool = True) -> None:
        self.data = data
        self.stream = _streaming_book(data) if streaming else None
        self._calamine: Any = None

    def calamine(self) -> Any:
        from python_calamine import CalamineWorkbook

        if self._calamine is None:
            self._calamine = CalamineWorkbook.from_filelike(io.BytesIO(self.data))
        return self._calamine

    def metadata(self) -> list[tuple[str, bool, bool]]:
        """(name, hidden, a worksheet) of every sheet, in the workbook's order."""
        if self.stream is not None:
            return [
                (meta["name"], meta["state"] != "visible", meta["kind"] == "worksheet")
                for meta in self.stream.sheets
            ]
        return [
            # str() is "SheetVisibleEnum.Hidden": its class name says "Visible" too
            (meta.name, str(meta.visible).rpartition(".")[2] != "Visible", _is_worksheet(meta))
            for meta in self.calamine().sheets_metadata
        ]

    def sheet(self, index: int) -> Any:
        if self.stream is not None:
            try:
                return self.stream.sheet(index)
            except Exception:  # noqa: S110 (calamine reads it, or says why not)
                pass
        return self.calamine().get_sheet_by_index(index)


def _is_worksheet(meta: Any) -> bool:
    return str(meta.typ).rpartition(".")[2] == "WorkSheet"


def _errors() -> tuple[type[BaseException], ...]:
    from python_calamine import CalamineError

    return (CalamineError, ValueError, TypeError, OSError, IndexError)


def _shape(sheet: Any) -> tuple[int, int, int]:
    """(height as the importer counts it, rows, columns) as python-calamine reports them."""
    height = int(getattr(sheet, "total_height", 0) or sheet.height)  # as the importer counts
    rows = max(height, sheet.height)
    columns = max(int(getattr(sheet, "total_width", 0) or 0), sheet.width)
    return height, rows, columns


def _merged(sheet: Any) -> list[list[list[int]]]:
    return [[list(top), list(bottom)] for top, bottom in sheet.merged_cell_ranges or []]


def answer(
    mode: str, data: bytes, limits: dict[str, int], streaming: bool = True
) -> Iterable[bytes]:
    """The lines to write for `data`: a refusal, or the workbook's sheets, or the first sheet.
    `streaming=False`: calamine reads every sheet (as before the streaming reader; tests
    compare the two)."""
    if data.startswith(b"PK\x03\x04"):
        refusal = zip_refusal(data, limits)
        if refusal is not None:
            yield _line(refusal)
            return
    errors = _errors()
    try:
        if mode == CHECK:
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            names = list(book.sheet_names)
            book.close()
            yield _line({"sheets": names})
            return
        workbook = _Workbook(data, streaming)
        if mode == READ_ALL:
            yield from _all_sheets(workbook, limits)
            return
        sheet = workbook.sheet(0)
    except errors:
        yield _line({"refused": NOT_A_WORKBOOK})
        return
    height, rows, columns = _shape(sheet)
    if rows > limits["max_rows"] or columns > limits["max_columns"]:
        yield _line({"refused": SHEET_SIZE, "rows": rows, "columns": columns})
        return
    start = list(sheet.start) if sheet.start else None
    yield _line({"name": sheet.name, "start": start, "height": height, "merged": _merged(sheet)})
    for row in sheet.iter_rows():
        yield _line(row)


def _all_sheets(workbook: _Workbook, limits: dict[str, int]) -> Iterable[bytes]:
    """Every sheet, one after another (MODE "read_all"); each is read only once the previous
    one is written, so the memory held is that of the largest sheet read by calamine (a
    streamed sheet holds one row)."""
    errors = _errors()
    metadata = workbook.metadata()
    yield _line({"sheets": len(metadata)})
    total = 0
    for index, (name, hidden, worksheet) in enumerate(metadata):
        head: dict[str, Any] = {"index": index, "name": name, "hidden": hidden}
        try:
            if not worksheet:
                raise ValueError(name)
            sheet = workbook.sheet(index)
        except errors:
            yield _line({**head, "unreadable": True})
            continue
        height, rows, columns = _shape(sheet)
        total += rows
        if (
            rows > limits["max_rows"]
            or columns > limits["max_columns"]
            or total > limits["max_rows"]
        ):
            yield _line({"refused": SHEET_SIZE, "rows": max(rows, total), "columns": columns})
            return
        start = list(sheet.start) if sheet.start else None
        yield _line(
            {
                **head,
                "start": start,
                "height": height,
                "width": sheet.width,
                "merged": _merged(sheet),
            }
        )
        for row in sheet.iter_rows():
            yield _line(row)


def main(argv: list[str], stdin: IO[bytes], stdout: IO[bytes]) -> int:
    mode, limits = argv[1], json.loads(argv[2])
    limit_self(limits)
    data = stdin.read()
    for line in answer(mode, data, limits):
        stdout.write(line)
    stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv, sys.stdin.buffer, sys.stdout.buffer))
