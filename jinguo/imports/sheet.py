"""Finding the table in a real ledger file, and writing the error workbook back.

Ledgers kept by hand have a title and a date line above the header, sometimes a two-row header
(a group header such as «家庭成员信息» merged across the columns whose real headers are in the
row below), columns under several names (身份证号/身份证号码/公民身份号码), and cells merged
down a household's rows. The reader finds the header in the first rows, maps every column to a
field, and hands out data rows with merged cells filled down.

Files come as workbooks (read in a child process, jinguo/common/workbooks.py) or CSV files
(UTF-8 or GB18030, jinguo/common/csv_files.py: one sheet, every cell a string).

Several sheets (one per grid, each with its own title and header) are one file: every sheet
whose header is found is imported, one after another. Skipped without a word: hidden sheets,
sheets that cannot be read (charts) and an earlier error workbook's 错误列表; skipped and named
in the job message (`Sheet.note`): blank sheets and sheets named like 说明/填表说明 without a
header. Any other sheet without a header is a file-level error naming it. A workbook with a
single sheet behaves as it always did.

Rows are identified by an int key: the 1-based sheet row for the workbook's first sheet (index
0), `index * SHEET_ROW_SPAN + row` for the others; `row_name` spells a key for messages
(「第12行」, or 「“二组”第12行」 when the file has several sheets).

Column order: `Sheet.layout` is the layout of the first imported sheet, its `columns` extended
by any field only later sheets have (placed after that sheet's last column). The rows of the
first imported sheet are handed out as read; the rows of every later sheet are re-ordered into
`Sheet.layout.columns` (cells the importer does not read are dropped from them), so importers
see one column order. `Sheet.layouts` keeps each imported sheet's own layout, by sheet index,
for the error workbook, which writes every sheet as uploaded.
"""

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import IO, Any

from django.utils.translation import gettext as _

from jinguo.common.csv_files import looks_like_workbook, read_csv_book
from jinguo.common.workbooks import Book, Reading, SheetData, WorkbookError, read_workbook
from jinguo.imports import cells

HEADER_SEARCH_ROWS = 15
ERROR_COLUMN = "错误原因"
ERROR_SHEET = "错误列表"
_NOTE_IN_HEADER = re.compile(r"[（(【\[].*?[）)】\]]")


@dataclass(frozen=True)
class Column:
    """A column of a roster template: the header written on export and the names read on
    import, best first (a sheet with both 姓名 and 户主姓名 reads 姓名)."""

    key: str
    header: str
    synonyms: tuple[str, ...]
    width: int = 12
    as_text: bool = False  # written with the text format so Excel keeps every digit

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.synonyms)


class FileError(Exception):
    """The file as a whole cannot be read: no rows are checked."""


@dataclass(frozen=True)
class Layout:
    columns: dict[str, int]  # field key → index in the row lists calamine gives
    header_rows: tuple[int, ...]  # 0-based sheet rows of the header
    data_start: int  # 0-based sheet row of the first data row
    first_column: int  # 0-based sheet column of index 0 of the row lists
    # field key → the header cells over its column, as header_token reads them («户主姓名»)
    headers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Confirmed value maps of a file mapped by hand (jinguo/imports/preview.py):
    # {field key: {value as written: target pk}}, consulted before the usual look-ups.
    values: dict[str, dict[str, int]] = field(default_factory=dict)


SHEET_ROW_SPAN = 10_000_000
# A sheet without a header under such a name holds notes for whoever fills the form in.
_NOTES_SHEET = re.compile(r"说明|填表|须知|示例|样表|下拉|选项|字典")


def row_name(key: int, sheet_names: Sequence[str]) -> str:
    """「第12行」, or 「“二组”第12行」 when the file has several sheets."""
    index, row = divmod(key, SHEET_ROW_SPAN)
    if len(sheet_names) > 1 and index < len(sheet_names):
        return _("“%(sheet)s”第%(row)d行") % {"sheet": sheet_names[index], "row": row}
    return _("第%(row)d行") % {"row": row}


@dataclass
class Sheet:
    """The data rows of a file, read once: every imported sheet one after another. A child
    process read the workbook and wrote the rows to a temporary file
    (jinguo/common/workbooks.py); they come from it one at a time."""

    layout: Layout  # the first imported sheet's, with every imported sheet's fields
    rows: Iterator[tuple[int, list[Any]]]  # (row key, cells) from the first data row
    total_rows: int  # data rows of all sheets, blank ones included: for the progress bar
    layouts: dict[int, Layout] = field(default_factory=dict)  # sheet index → its own layout
    sheet_names: tuple[str, ...] = ()  # every sheet of the file, by index
    skipped: tuple[str, ...] = ()  # blank and notes sheets, said in the job message
    head: list[list[Any]] = field(default_factory=list)  # the first sheet's first rows
    # open_sheet(keep=True): the rows again from the first data row (the file read once), and
    # what frees the file they come from, once both passes are done.
    rows_again: Callable[[], Iterator[tuple[int, list[Any]]]] | None = None
    close: Callable[[], None] = lambda: None

    def __post_init__(self) -> None:
        if not self.layouts:
            self.layouts = {0: self.layout}

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        return self.rows

    def again(self) -> "Sheet":
        """The same rows from the first again: only for a sheet opened with keep=True."""
        if self.rows_again is None:
            raise RuntimeError("open_sheet(keep=True) reads a file twice")
        return replace(self, rows=self.rows_again())

    def row_name(self, key: int) -> str:
        return row_name(key, self.sheet_names)

    def note(self) -> str:
        """For the job message: the sheets not imported (blank or notes), or ""."""
        if not self.skipped:
            return ""
        names = "、".join(f"“{name}”" for name in self.skipped)
        return _("未导入的工作表（空白或填表说明）：%(sheets)s") % {"sheets": names}


def header_token(value: object) -> str:
    token = _NOTE_IN_HEADER.sub("", cells.compact(value))
    return token.strip("*＊:：")


def open_file(source: str | IO[bytes], reading: Reading | None = None) -> Book:
    """Every sheet of the workbook, read in a child process (jinguo/common/workbooks.py): a
    file too large or hostile is refused with its reason and cannot take the web process down.
    A file that is not a workbook is read as CSV text (jinguo/common/csv_files.py). A workbook
    in a file (a county's roster) is handed to the child without being read here."""
    try:
        if isinstance(source, str):
            with open(source, "rb") as handle:
                return _open(handle, reading)
        return _open(source, reading)
    except WorkbookError as exc:
        if exc.not_a_workbook:
            raise FileError(
                _("无法读取文件：请上传 Excel 表格（.xlsx、.xls、.xlsm）、.ods 表格或 .csv 文件")
            ) from exc
        raise FileError(str(exc)) from exc


def _open(source: IO[bytes], reading: Reading | None) -> Book:
    source.seek(0)
    head = source.read(8)
    source.seek(0)
    if looks_like_workbook(head):
        return read_workbook(source, reading)
    data = source.read()
    source.seek(0)
    return read_csv_book(data)


@dataclass
class _Part:
    """One imported sheet: its own layout and the rows read while looking for the header."""

    data: SheetData
    layout: Layout
    head: list[tuple[int, list[Any]]]
    lines: Iterator[tuple[int, list[Any]]]


def _head(
    data: SheetData, rows: Iterator[list[Any]] | None = None
) -> tuple[list[tuple[int, list[Any]]], Iterator[tuple[int, list[Any]]]]:
    lines = enumerate(data.rows if rows is None else rows)
    head: list[tuple[int, list[Any]]] = []
    for line in lines:
        head.append(line)
        if len(head) > HEADER_SEARCH_ROWS:
            break
    return head, lines


def open_sheet(
    source: str | IO[bytes],
    columns: Sequence[Column],
    required: Sequence[str],
    *,
    layout: Layout | None = None,
    keep: bool = False,
    reading: Reading | None = None,
) -> Sheet:
    """The sheets of the file with a header, found (or as `layout` says: a mapping the user
    confirmed, applied to every sheet), ready to iterate data rows (module doc). With `keep`,
    the rows can be read again (Sheet.again) until Sheet.close(): a large file is read by the
    child once for checking and writing. `reading` hears how far the child is while it reads
    (rows read, rows of the sheets begun)."""
    book = open_file(source, reading)
    try:
        sheets = [s for s in book.sheets if _candidate(s, len(book.sheets))]
        parts: dict[int, _Part] = {}
        skipped: list[str] = []
        problems: list[str] = []
        first_error: FileError | None = None
        for data in sheets:
            head, lines = _head(data)
            if layout is not None:
                if _is_blank_sheet(data, head):
                    skipped.append(data.name)
                else:
                    parts[data.index] = _Part(data, replace(layout), head, lines)
                continue
            try:
                found = find_layout(
                    [row for _i, row in head],
                    columns,
                    required,
                    first_column=(data.start or (0, 0))[1],
                )
            except FileError as exc:
                first_error = first_error or exc
                if len(sheets) == 1:
                    raise
                if _is_blank_sheet(data, head) or _NOTES_SHEET.search(data.name):
                    skipped.append(data.name)
                else:
                    problems.append(
                        _("工作表“%(sheet)s”：%(reason)s") % {"sheet": data.name, "reason": exc}
                    )
                continue
            parts[data.index] = _Part(data, found, head, lines)
        if problems:
            raise FileError("；".join(problems))
        if not parts:
            raise first_error or FileError(_("表格中没有工作表"))
    except BaseException:
        book.close()
        raise
    return _sheet(list(parts.values()), book, skipped, keep=keep)


def _sheet(parts: list[_Part], book: Book, skipped: list[str], *, keep: bool) -> Sheet:
    merged = _merged_layout(parts)

    def rows_again() -> Iterator[tuple[int, list[Any]]]:
        fresh = [_Part(p.data, p.layout, *_head(p.data, p.data.again())) for p in parts]
        return _all_rows(fresh, merged, book, close=False)

    return Sheet(
        layout=merged,
        rows=_all_rows(parts, merged, book, close=not keep),
        rows_again=rows_again if keep else None,
        close=book.close,
        total_rows=sum(max(0, p.data.height - p.layout.data_start) for p in parts),
        layouts={part.data.index: part.layout for part in parts},
        sheet_names=tuple(book.names),
        skipped=tuple(skipped),
        head=[row for _i, row in parts[0].head],
    )


def _candidate(data: SheetData, count: int) -> bool:
    if count == 1:
        return True
    return not (data.hidden or data.unreadable or (data.index and data.name == ERROR_SHEET))


def _is_blank_sheet(data: SheetData, head: list[tuple[int, list[Any]]]) -> bool:
    return data.start is None or (
        len(head) <= HEADER_SEARCH_ROWS and all(is_blank(row) for _i, row in head)
    )


def _merged_layout(parts: list[_Part]) -> Layout:
    """The first sheet's layout, with the fields only later sheets have after its columns."""
    first = parts[0]
    columns = dict(first.layout.columns)
    headers = dict(first.layout.headers)
    width = max([first.data.width, *(len(row) for _i, row in first.head), 0])
    following = max([width, *(col + 1 for col in columns.values())])
    for part in parts[1:]:
        for key in part.layout.columns:
            if key not in columns:
                columns[key] = following
                headers[key] = part.layout.headers.get(key, ())
                following += 1
    return replace(first.layout, columns=columns, headers=headers)


def _all_rows(
    parts: list[_Part], merged: Layout, book: Book, *, close: bool = True
) -> Iterator[tuple[int, list[Any]]]:
    try:
        for number, part in enumerate(parts):
            layout = part.layout
            rest = chain(((i, row) for i, row in part.head if i >= layout.data_start), part.lines)
            rows = _numbered(rest, _vertical_merges(part.data, layout))
            base = part.data.index * SHEET_ROW_SPAN
            if number == 0:
                yield from ((base + row, values) for row, values in rows)
                continue
            moves = [(merged.columns[key], col) for key, col in layout.columns.items()]
            width = max(merged.columns.values()) + 1
            for row, values in rows:
                ordered: list[Any] = [""] * width
                for target, col in moves:
                    if col < len(values):
                        ordered[target] = values[col]
                yield base + row, ordered
    finally:
        if close:
            book.close()


def _numbered(
    lines: Iterable[tuple[int, list[Any]]], merges: dict[int, list[tuple[int, int]]]
) -> Iterator[tuple[int, list[Any]]]:
    """(1-based row number, cells), the cells of a merged block filled down its rows."""
    fill: dict[int, list[tuple[int, Any]]] = {}
    for index, row in lines:
        for col, value in fill.pop(index, ()):
            if col < len(row):
                row[col] = value
        for col, last in merges.get(index, ()):
            value = row[col] if col < len(row) else ""
            for below in range(index + 1, last + 1):
                fill.setdefault(below, []).append((col, value))
        yield index + 1, row


def _vertical_merges(sheet: SheetData, layout: Layout) -> dict[int, list[tuple[int, int]]]:
    """Data rows that start a block merged downwards: {first row: [(column, last row)]}."""
    merges: dict[int, list[tuple[int, int]]] = {}
    for (top, left), (bottom, _right) in sheet.merged:
        if bottom > top and top >= layout.data_start:
            merges.setdefault(top, []).append((left - layout.first_column, bottom))
    return merges


# ---------------------------------------------------------------------------------------------
# The header


def _synonym_ranks(columns: Sequence[Column]) -> dict[str, tuple[str, int]]:
    ranks: dict[str, tuple[str, int]] = {}
    for column in columns:
        for rank, synonym in enumerate(column.names):
            ranks.setdefault(header_token(synonym), (column.key, rank))
    return ranks


def _row_columns(
    tokens: Sequence[Sequence[str]], ranks: dict[str, tuple[str, int]]
) -> dict[str, int]:
    """Field → column for one header candidate; tokens[c] are the names to try for column c."""
    best: dict[str, tuple[int, int]] = {}  # key → (rank, column)
    for col, options in enumerate(tokens):
        for token in options:
            found = ranks.get(token)
            if found is None:
                continue
            key, rank = found
            if key not in best or rank < best[key][0]:
                best[key] = (rank, col)
            break
    return {key: col for key, (_rank, col) in best.items()}


def _tokens(row: Sequence[Any]) -> list[str]:
    return [header_token(value) for value in row]


def find_layout(
    head: Sequence[Sequence[Any]],
    columns: Sequence[Column],
    required: Sequence[str],
    *,
    first_column: int = 0,
) -> Layout:
    """Find the header among the first rows: one row, or two where the upper one groups the
    columns (or holds headers merged down over both rows)."""
    ranks = _synonym_ranks(columns)
    candidates: list[tuple[int, int, int, dict[str, int]]] = []  # (-score, rows, row, columns)
    rows = [_tokens(row) for row in head[: HEADER_SEARCH_ROWS + 1]]
    for index, top in enumerate(rows[:HEADER_SEARCH_ROWS]):
        single = _row_columns([[t] for t in top], ranks)
        candidates.append((-len(single), 1, index, single))
        if index + 1 < len(rows):
            bottom = rows[index + 1]
            width = max(len(top), len(bottom))
            pairs = [
                (top[c] if c < len(top) else "", bottom[c] if c < len(bottom) else "")
                for c in range(width)
            ]
            combined = _row_columns([[b, t, t + b] for t, b in pairs], ranks)
            below = _row_columns([[b] for _t, b in pairs], ranks)
            if len(combined) > max(len(single), len(below)):
                candidates.append((-len(combined), 2, index, combined))
    complete = [c for c in candidates if all(key in c[3] for key in required)]
    if complete:
        _score, height, index, found = min(complete)
        header_rows = tuple(range(index, index + height))
        return Layout(
            columns=found,
            header_rows=header_rows,
            data_start=index + height,
            first_column=first_column,
            headers={
                key: tuple(rows[r][col] for r in header_rows if col < len(rows[r]))
                for key, col in found.items()
            },
        )
    raise FileError(_missing_header_message(candidates, columns, required))


def _missing_header_message(
    candidates: list[tuple[int, int, int, dict[str, int]]],
    columns: Sequence[Column],
    required: Sequence[str],
) -> str:
    headers = {column.key: column.header for column in columns}
    wanted = "、".join(headers[key] for key in required)
    best = min(candidates, default=None)
    if best is None or -best[0] < 2:
        return _("未找到表头：前%(n)d行中没有找到“%(wanted)s”等列") % {
            "n": HEADER_SEARCH_ROWS,
            "wanted": wanted,
        }
    missing = "、".join(headers[key] for key in required if key not in best[3])
    return _("第%(row)d行的表头缺少以下列：%(missing)s。表头应包含：%(wanted)s") % {
        "row": best[2] + 1,
        "missing": missing,
        "wanted": wanted,
    }


def cell(row: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return ""
    return row[index]


def is_blank(row: Sequence[Any]) -> bool:
    return all(
        value == "" or value is None or (isinstance(value, str) and not value.strip())
        for value in row
    )
