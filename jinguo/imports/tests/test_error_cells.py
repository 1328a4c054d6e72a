"""The error workbook marks the cell at fault in a stronger colour than the rest of its row."""

import io

import pytest
from openpyxl import load_workbook

from jinguo.imports.tests.conftest import error_rows, id_number, member, roster, xlsx
from jinguo.imports.tests.test_services import EXEC_HEADER

pytestmark = pytest.mark.django_db

LIGHT = "F8D7DA"
STRONG = "EA868F"


def fills(job, row: int) -> list[str]:
    """The fill colour of each cell of a sheet row (1-based) in the error workbook's data sheet."""
    with job.error_file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    sheet = book.worksheets[0]
    return [
        (cell.fill.fgColor.rgb or "")[-6:] if cell.fill.fill_type else ""
        for cell in sheet[row][: sheet.max_column - 1]  # the 错误原因 column aside
    ]


def test_a_bad_id_number_is_marked_stronger_than_its_row(cast, tree, run_import):
    bad = id_number(seq=2)[:-1] + ("0" if id_number(seq=2)[-1] != "0" else "1")
    content = roster(
        member("H001", tree.wushan.code, "王秀英", "户主", id_number(seq=1)),
        member("H001", "", "李明", "配偶", bad),
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "rejected"
    assert [row for row, _message in error_rows(job)] == [3]
    row = fills(job, 3)
    assert row[4] == STRONG  # 身份证号
    assert set(row[:4] + row[5:]) == {LIGHT}
    assert set(fills(job, 2)) == {""}  # a good row keeps its look


def test_a_row_with_two_faults_marks_both_cells(cast, tree, run_import):
    content = roster(
        member(
            "H001",
            "不存在组",
            "王秀英",
            "户主",
            id_number(seq=1),
            性别="男",
            重点类别="外星人",
        ),
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    row = fills(job, 2)
    strong = [index for index, colour in enumerate(row) if colour == STRONG]
    assert strong == [1, 5, 11]  # 所属网格, 性别, 重点类别
    assert {colour for index, colour in enumerate(row) if index not in strong} == {LIGHT}


def test_an_unknown_post_is_marked_in_the_executives_roster(cast, tree, run_import):
    rows = [
        EXEC_HEADER,
        ["钱红", id_number(seq=22), "", "", "", "", tree.songhe.code, "主任", "", "2026-13-01"],
    ]
    job = run_import(cast.songhe_chair, tree.songhe, xlsx(rows), kind="executives")
    assert job.status == "rejected"
    row = fills(job, 2)
    assert [index for index, colour in enumerate(row) if colour == STRONG] == [
        7,
        9,
    ]  # 职务, 任期开始
    assert {colour for colour in row if colour != STRONG} == {LIGHT}
