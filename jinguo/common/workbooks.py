"""Reading uploaded workbooks (.xlsx, .xlsm, .xls, .ods): the one way the project reads them.

A workbook of 1.5 KB can claim a million rows by sixteen thousand columns, or expand to
hundreds of megabytes, and the reader (calamine, in Rust) aborts the whole process when it
cannot allocate: in the web process that is every request of the worker, in a Celery worker
every job it holds. So no upload is ever parsed in either: the file goes to a child process
(jinguo/common/workbook_child.py) that
- refuses, before reading, a zip whose members, declared sizes, compression ratio or declared
  sheet dimensions exceed the limits below, and a sheet that turns out larger than them;
- reads with its address space, CPU time and output capped, and is killed after
  SHEET_READER_SECONDS, so a file that slips past the checks kills the child alone, which is
  reported here as 「文件无法读取」.
The child streams the worksheets of an .xlsx or .xlsm (jinguo/common/xlsx_stream.py: one row
and the shared strings in memory, so a county roster of a million rows stays near 150 MB) and
leaves everything else to calamine, which holds a whole sheet; both give the same rows.

The limits are settings (config/settings.py, "Uploaded workbooks"):
SHEET_MAX_ROWS, SHEET_MAX_COLUMNS, SHEET_MAX_UNPACKED_BYTES, SHEET_MAX_RATIO,
SHEET_READER_MEMORY_BYTES and SHEET_READER_SECONDS.

- `workbook_check(data)`: whether an upload is a workbook within the limits (upload validation);
- `read_sheet(source)`: the first sheet, its rows streamed from a temporary file the child wrote,
  so a large roster costs the web process one row at a time;
- `read_workbook(source)`: every sheet, the same way (a `Book`; its sheets' rows are read one
  sheet after another from the one temporary file).
All raise WorkbookError with a Chinese message. CSV files are read in process by
jinguo/common/csv_files.py into the same `SheetData`.
"""

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from jinguo.common import workbook_child as child

logger = logging.getLogger(__name__)

# An .xlsx has a dozen parts, a few hundred with many sheets or pictures.
MAX_MEMBERS = 2000
READ_PIECE = 1 << 20  # bytes of the child's answer read at a time
_CHILD = Path(child.__file__)


class WorkbookError(Exception):
    """The file is refused or could not be read; str() is the message for the user.
    `not_a_workbook`: calamine does not take it as a workbook at all (callers may word that
    their own way)."""

    def __init__(self, message: str, *, not_a_workbook: bool = False) -> None:
        super().__init__(message)
        self.not_a_workbook = not_a_workbook


@dataclass
class SheetData:
    """The first sheet of a workbook as the child read it."""

    name: str
    start: tuple[int, int] | None  # (row, column) of the first cell, 0-based; None if empty
    height: int  # rows, as calamine counts them
    merged: list[tuple[tuple[int, int], tuple[int, int]]]  # ((top, left), (bottom, right))
    rows: Iterator[list[Any]] = field(repr=False)  # every row from the sheet's first, once
    width: int = 0  # columns, as the reader counts them (0: unknown)
    index: int = 0  # position in the workbook
    hidden: bool = False
    unreadable: bool = False  # a chart sheet or the like: no rows
    # The rows again from the first, while the book is open (a file checked, then written).
    again: Callable[[], Iterator[list[Any]]] = field(repr=False, default=lambda: iter(()))


@dataclass
class Book:
    """Every sheet of a workbook (or the one of a CSV file). Each sheet's rows are read once;
    close() frees the temporary file they come from."""

    sheets: list[SheetData]
    close: Callable[[], None] = field(repr=False, default=lambda: None)

    @property
    def names(self) -> list[str]:
        return [sheet.name for sheet in self.sheets]

    def __enter__(self) -> "Book":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _limits() -> dict[str, int]:
    unpacked = int(settings.SHEET_MAX_UNPACKED_BYTES)
    return {
        "max_members": MAX_MEMBERS,
        "max_rows": int(settings.SHEET_MAX_ROWS),
        "max_columns": int(settings.SHEET_MAX_COLUMNS),
        "max_unpacked_bytes": unpacked,
        "max_ratio": int(settings.SHEET_MAX_RATIO),
        "memory_bytes": int(settings.SHEET_READER_MEMORY_BYTES),
        "seconds": int(settings.SHEET_READER_SECONDS),
        # the rows as JSON: about the size of the sheet's XML, more for sparse wide rows
        "output_bytes": 2 * unpacked + 64 * 1024 * 1024,
    }


def _child_command(mode: str, limits: dict[str, int]) -> list[str]:
    # -I: isolated (no PYTHONPATH, no user site, no current directory on the path).
    return [sys.executable, "-I", str(_CHILD), mode, json.dumps(limits)]


def _unreadable() -> WorkbookError:
    return WorkbookError(
        _(
            "文件无法读取：读取时超出了内存或时间限制，文件可能已损坏或被恶意构造。"
            "请用 Excel 或 WPS 打开后另存为 .xlsx 文件再上传"
        )
    )


Reading = Callable[[int, int], None]  # (rows read so far, rows of the sheets begun)
READING_EVERY = 1.0  # seconds between two calls of a Reading while the child reads


class _Lines:
    """The lines of `out` from `offset`, read a megabyte at a time with pread: no shared file
    position, so several readers (the sheets read in turns, a second pass, the child's progress)
    never disturb each other, and no seek per line (which empties the buffer and costs a read
    each)."""

    def __init__(self, out: IO[bytes], offset: int) -> None:
        self.descriptor, self.position, self.rest = out.fileno(), offset, b""

    def complete(self) -> Iterator[bytes]:
        """The whole lines written so far; an unfinished last one waits in `rest`."""
        while piece := os.pread(self.descriptor, READ_PIECE, self.position):
            self.position += len(piece)
            lines = (self.rest + piece).split(b"\n")
            self.rest = lines.pop()
            yield from lines


class _Count:
    """How far the child is: the rows it has written to `out` so far, and the heights of the
    sheets it has begun (their head lines)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.lines = _Lines(out, 0)
        self.rows = self.total = 0

    def update(self) -> tuple[int, int]:
        for line in self.lines.complete():
            if line.startswith(b"{"):
                head = json.loads(line)
                if isinstance(head, dict) and "height" in head:
                    self.total += int(head.get("height") or 0)
            elif line:
                self.rows += 1
        return self.rows, max(self.total, self.rows)


def _wait(process: subprocess.Popen[bytes], out: IO[bytes], seconds: int, reading: Reading) -> None:
    """Wait for the child, telling `reading` how far it is every READING_EVERY seconds;
    TimeoutExpired after `seconds`."""
    deadline = time.monotonic() + seconds
    count = _Count(out)
    while True:
        try:
            process.wait(timeout=min(READING_EVERY, max(0.0, deadline - time.monotonic())))
            return
        except subprocess.TimeoutExpired:
            if time.monotonic() >= deadline:
                raise
            reading(*count.update())


def _run(mode: str, data: bytes | IO[bytes], reading: Reading | None = None) -> IO[bytes]:
    """Run the child on `data`; its answer, in an anonymous temporary file, at the start. A
    file on disk becomes the child's standard input as it is: never read into this process;
    `reading` then hears how far the child is while it reads."""
    limits = _limits()
    given, content = (None, data) if isinstance(data, bytes) else (data, None)
    if given is not None:  # the child reads the descriptor from its own offset: the start
        given.flush()
        given.seek(0)
        os.lseek(given.fileno(), 0, os.SEEK_SET)
    # Unlinked at once: no other process can open it. Closed by the caller (or below).
    out = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        watched = given is not None and reading is not None
        errors = tempfile.TemporaryFile() if watched else None  # noqa: SIM115
        process = subprocess.Popen(  # noqa: S603 (our own script, no shell)
            _child_command(mode, limits),
            stdin=subprocess.PIPE if given is None else given,
            stdout=out,
            stderr=subprocess.PIPE if errors is None else errors,
            env={"LC_ALL": "C.UTF-8"},  # nothing of ours (keys, database address) reaches it
        )
        try:
            if errors is not None and reading is not None:
                _wait(process, out, limits["seconds"], reading)
                errors.seek(0)
                stderr = errors.read()
                errors.close()
            else:
                _stdout, stderr = process.communicate(content, timeout=limits["seconds"])
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            logger.warning("workbook reader timed out after %ss", limits["seconds"])
            raise _unreadable() from None
        if process.returncode != 0:
            logger.warning(
                "workbook reader died (exit %s): %s",
                process.returncode,
                stderr.decode("utf-8", "replace")[-2000:],
            )
            raise _unreadable()
        out.seek(0)
        return out
    except BaseException:
        out.close()
        raise


def size_refusal(rows: object, columns: object) -> WorkbookError:
    """A sheet (or CSV file) larger than SHEET_MAX_ROWS × SHEET_MAX_COLUMNS."""
    return WorkbookError(
        _(
            "表格范围过大：有%(rows)s行、%(columns)s列，上限为%(max_rows)s行、"
            "%(max_columns)s列。请删除多余的空行、空列和不需要导入的工作表后再上传"
        )
        % {
            "rows": rows,
            "columns": columns,
            "max_rows": settings.SHEET_MAX_ROWS,
            "max_columns": settings.SHEET_MAX_COLUMNS,
        }
    )


def _refusal(answer: dict[str, Any]) -> WorkbookError:
    code = answer["refused"]
    if code == child.NOT_A_WORKBOOK:
        return WorkbookError(
            _("无法读取文件：请上传 Excel 表格（.xlsx、.xls、.xlsm）或 .ods 表格"),
            not_a_workbook=True,
        )
    if code in (child.DECLARED_SIZE, child.SHEET_SIZE):
        return size_refusal(answer["rows"], answer["columns"])
    if code == child.UNPACKED_SIZE:
        return WorkbookError(
            _(
                "文件解压后过大（%(size)s），上限为%(limit)s。"
                "请检查是否选错了文件，或把数据分成几个文件上传"
            )
            % {
                "size": filesizeformat(answer["found"]),
                "limit": filesizeformat(settings.SHEET_MAX_UNPACKED_BYTES),
            }
        )
    if code == child.COMPRESSION_RATIO:
        return WorkbookError(
            _("文件的压缩比异常（%(ratio)s倍），可能是被恶意构造的文件，已拒绝读取")
            % {"ratio": answer["found"]}
        )
    return WorkbookError(
        _("文件结构异常（包含%(n)s个部件），不是正常的 Excel 表格，已拒绝读取")
        % {"n": answer.get("found", "?")}
    )


def _first_line(out: IO[bytes]) -> dict[str, Any]:
    try:
        answer = json.loads(out.readline())
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise _unreadable()
    if "refused" in answer:
        raise _refusal(answer)
    return answer


def _input(source: bytes | str | IO[bytes]) -> bytes | IO[bytes]:
    """What the child reads: a file with a descriptor (on disk, a temporary file) as it is, any
    other source as bytes."""
    if not isinstance(source, bytes | str):
        try:
            source.fileno()
        except (OSError, AttributeError, ValueError):
            pass
        else:
            return source
    return _bytes(source)


def _bytes(source: bytes | str | IO[bytes]) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str):
        return Path(source).read_bytes()
    source.seek(0)
    data = source.read()
    source.seek(0)
    return data


def workbook_check(source: bytes | str | IO[bytes]) -> list[str]:
    """Open the workbook in the child (its sheets are not read): the names of its sheets."""
    with _run(child.CHECK, _bytes(source)) as out:
        return list(_first_line(out)["sheets"])


def _untag(value: dict[str, Any]) -> Any:
    if "dt" in value:
        return dt.datetime.fromisoformat(value["dt"])
    if "d" in value:
        return dt.date.fromisoformat(value["d"])
    if "t" in value:
        return dt.time.fromisoformat(value["t"])
    if "td" in value:
        return dt.timedelta(seconds=value["td"])
    return value


def _rows(out: IO[bytes]) -> Iterator[list[Any]]:
    with out:
        for line in out:
            yield json.loads(line, object_hook=_untag)


def read_sheet(source: bytes | str | IO[bytes]) -> SheetData:
    """The first sheet of an uploaded workbook, read in the child; its rows come one by one."""
    out = _run(child.READ, _bytes(source))
    try:
        head = _first_line(out)
    except BaseException:
        out.close()
        raise
    start = head.get("start")
    return SheetData(
        name=str(head.get("name") or ""),
        start=(int(start[0]), int(start[1])) if start else None,
        height=int(head.get("height") or 0),
        merged=[((a[0], a[1]), (b[0], b[1])) for a, b in head.get("merged") or []],
        rows=_rows(out),
    )


def _lines_from(out: IO[bytes], offset: int) -> Iterator[bytes]:
    """Every line of the finished answer from `offset` (_Lines), the last too."""
    lines = _Lines(out, offset)
    yield from lines.complete()
    if lines.rest:
        yield lines.rest


def _rows_from(out: IO[bytes], offset: int) -> Iterator[list[Any]]:
    """The rows of one sheet: the lines from `offset` up to the next sheet's line."""
    out.flush()
    for line in _lines_from(out, offset):
        if line.startswith(b"{"):  # the next sheet's head
            return
        if line:
            yield json.loads(line, object_hook=_untag)


def _again(out: IO[bytes], offset: int, *, unreadable: bool) -> Callable[[], Iterator[list[Any]]]:
    return (lambda: iter(())) if unreadable else (lambda: _rows_from(out, offset))


def read_workbook(source: bytes | str | IO[bytes], reading: Reading | None = None) -> Book:
    """Every sheet of an uploaded workbook, read in the child (MODE "read_all"); `reading`
    hears how far the child is while it reads a file (not bytes)."""
    out = _run(child.READ_ALL, _input(source), reading)
    try:
        _first_line(out)
        heads: list[tuple[dict[str, Any], int]] = []
        for line in iter(out.readline, b""):
            if line.startswith(b"{"):
                head = json.loads(line)
                if not isinstance(head, dict):
                    raise _unreadable()
                if "refused" in head:
                    raise _refusal(head)
                heads.append((head, out.tell()))
    except BaseException:
        out.close()
        raise
    sheets = []
    for number, (head, offset) in enumerate(heads):
        start = head.get("start")
        sheets.append(
            SheetData(
                name=str(head.get("name") or ""),
                start=(int(start[0]), int(start[1])) if start else None,
                height=int(head.get("height") or 0),
                merged=[((a[0], a[1]), (b[0], b[1])) for a, b in head.get("merged") or []],
                rows=iter(()) if head.get("unreadable") else _rows_from(out, offset),
                again=_again(out, offset, unreadable=bool(head.get("unreadable"))),
                width=int(head.get("width") or 0),
                index=int(head.get("index", number)),
                hidden=bool(head.get("hidden")),
                unreadable=bool(head.get("unreadable")),
            )
        )
    return Book(sheets=sheets, close=out.close)
