"""A roster read once by the reader child and its rows read twice: checked, then written
(open_sheet(keep=True), Sheet.again)."""

import io

import pytest
import xlsxwriter

from jinguo.imports import households
from jinguo.imports.sheet import open_sheet
from jinguo.imports.tests.conftest import HEADER, id_number, member, roster

ROWS = [
    member("H1", "WS", "甲", "户主", id_number(seq=1)),
    member("H1", "", "乙", "子女", id_number(seq=2)),
    member("H2", "WS", "丙", "户主", id_number(seq=3)),
]


def read_twice(content: bytes) -> tuple[list, list]:
    sheet = open_sheet(io.BytesIO(content), households.COLUMNS, households.REQUIRED, keep=True)
    try:
        return list(sheet), list(sheet.again())
    finally:
        sheet.close()


def test_a_workbook_kept_gives_the_same_rows_a_second_time():
    first, second = read_twice(roster(*ROWS))
    assert first == second and [key for key, _row in first] == [2, 3, 4]


def test_a_csv_kept_gives_the_same_rows_a_second_time():
    lines = [",".join(str(cell) for cell in row) for row in [HEADER, *ROWS]]
    first, second = read_twice("\n".join(lines).encode("gb18030"))
    assert first == second and len(first) == 3


def test_every_sheet_kept_gives_the_same_rows_a_second_time():
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    for name, rows in (("巫山组", ROWS[:2]), ("程家湾组", ROWS[2:])):
        sheet = book.add_worksheet(name)
        for r, row in enumerate([HEADER, *rows]):
            for c, value in enumerate(row):
                sheet.write_string(r, c, str(value))
    book.close()
    first, second = read_twice(out.getvalue())
    assert first == second and len(first) == 3


def test_a_sheet_not_kept_cannot_be_read_again():
    sheet = open_sheet(io.BytesIO(roster(*ROWS)), households.COLUMNS, households.REQUIRED)
    list(sheet)
    with pytest.raises(RuntimeError):
        sheet.again()
