"""Uploaded workbooks are checked before reading and read in a child process: a hostile file is
refused with its reason, and one that crashes the reader kills the child, not this process."""

import datetime as dt
import io
import sys
import zipfile

import pytest
import xlsxwriter

from jinguo.common import workbooks
from jinguo.common.tests.upload_samples import (
    crashing_workbook,
    dimension_bomb,
    handmade_xlsx,
    two_cells,
    xlsx,
    zip_bomb,
)
from jinguo.common.workbook_child import declared_size
from jinguo.common.workbooks import WorkbookError, read_sheet, workbook_check

UNREADABLE = "文件无法读取"


def test_a_sheet_declaring_the_whole_excel_grid_is_refused_before_it_is_read():
    data = dimension_bomb()
    assert len(data) < 2048
    with pytest.raises(WorkbookError) as refused:
        workbook_check(data)
    assert str(refused.value).startswith(
        "表格范围过大：有1048576行、16384列，上限为1048576行、200列"
    )
    with pytest.raises(WorkbookError, match="表格范围过大"):
        read_sheet(data)


def test_a_part_that_unpacks_a_thousandfold_is_refused_by_its_ratio():
    with pytest.raises(WorkbookError, match=r"^文件的压缩比异常（\d+倍）"):
        workbook_check(zip_bomb(8 * 1024 * 1024))


def test_a_workbook_unpacking_past_the_limit_is_refused_with_both_sizes(settings):
    settings.SHEET_MAX_UNPACKED_BYTES = 1024 * 1024
    settings.SHEET_MAX_RATIO = 10_000  # the size alone, not the ratio
    with pytest.raises(WorkbookError) as refused:
        workbook_check(zip_bomb(3 * 1024 * 1024))
    assert str(refused.value).startswith("文件解压后过大（3.0\xa0MB），上限为1.0\xa0MB")


def test_a_zip_of_thousands_of_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(workbooks.MAX_MEMBERS + 1):
            archive.writestr(f"x/{n}", b"")
    with pytest.raises(WorkbookError, match="文件结构异常"):
        workbook_check(buffer.getvalue())


def test_a_sheet_larger_than_it_declares_is_refused_once_read(settings):
    settings.SHEET_MAX_ROWS = 200_000
    # No <dimension>: only reading finds 300,000 rows.
    with pytest.raises(WorkbookError, match="表格范围过大：有300000行、1列"):
        read_sheet(two_cells("A300000"))


def test_a_file_that_crashes_the_reader_kills_the_child_and_not_this_process():
    data = crashing_workbook()
    assert workbook_check(data) == ["Sheet1"]  # opening is harmless; reading the sheet is not
    with pytest.raises(WorkbookError) as failed:
        read_sheet(data)
    assert str(failed.value).startswith(UNREADABLE)
    assert not failed.value.not_a_workbook


def test_the_reader_dies_at_its_memory_limit(settings):
    data = two_cells("Z100000")  # 2.6 million cells: about 100 MB in the reader
    assert len(list(read_sheet(data).rows)) == 100_000
    settings.SHEET_READER_MEMORY_BYTES = 64 * 1024 * 1024
    with pytest.raises(WorkbookError, match=UNREADABLE):
        read_sheet(data)


def test_a_reader_that_never_answers_is_stopped(settings, monkeypatch):
    settings.SHEET_READER_SECONDS = 1
    forever = [sys.executable, "-c", "import time; time.sleep(3600)"]
    monkeypatch.setattr(workbooks, "_child_command", lambda mode, limits: forever)
    with pytest.raises(WorkbookError, match=UNREADABLE):
        workbook_check(xlsx())


def test_what_is_not_a_workbook_says_so():
    with pytest.raises(WorkbookError) as refused:
        read_sheet(b"PK\x03\x04 but not a zip")
    assert refused.value.not_a_workbook


def test_the_rows_come_back_with_their_types_and_merges():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("花名册")
    sheet.write_row(1, 1, ["姓名", 12, 1.5, True])
    when = dt.datetime(2024, 3, 1, 9, 30)  # noqa: DTZ001 (a naive cell value, as Excel keeps)
    sheet.write_datetime(2, 1, when, book.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
    day = dt.datetime(2024, 3, 1)  # noqa: DTZ001
    sheet.write_datetime(2, 2, day, book.add_format({"num_format": "yyyy-mm-dd"}))
    sheet.merge_range(3, 1, 5, 1, "合并")
    book.close()
    read = read_sheet(buffer.getvalue())
    assert (read.name, read.start) == ("花名册", (1, 1))
    assert read.merged == [((3, 1), (5, 1))]
    rows = list(read.rows)  # from the sheet's first row; columns from the first used one
    assert rows[1] == ["姓名", 12, 1.5, True]
    assert rows[2][:2] == [when, dt.date(2024, 3, 1)]


@pytest.mark.parametrize(
    ("ref", "size"),
    [
        ("A1:XFD1048576", (1048576, 16384)),
        ("B2:D10", (9, 3)),
        ("A1", (1, 1)),
        ("$A$1:$C$2", (2, 3)),
    ],
)
def test_a_declared_dimension_is_read_as_rows_and_columns(ref, size):
    assert declared_size(ref) == size


def test_a_sheet_without_a_declared_dimension_is_read():
    read = read_sheet(handmade_xlsx('<row r="1"><c r="A1"><v>7</v></c></row>'))
    assert list(read.rows) == [[7.0]]
