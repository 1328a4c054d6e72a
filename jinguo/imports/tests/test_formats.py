"""Files as communities keep them: CSV in GB18030 or UTF-8 (with or without a BOM), and
workbooks with one sheet per grid, imported as one file."""

import codecs
import csv
import io
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from python_calamine import CalamineWorkbook

from jinguo.common.uploads import CSV, SPREADSHEET, upload_errors
from jinguo.households.models import Household
from jinguo.imports.forms import ImportUploadForm
from jinguo.imports.sheet import SHEET_ROW_SPAN, FileError, open_sheet, row_name
from jinguo.imports.tests.conftest import HEADER, id_number, member, sheet_rows

pytestmark = pytest.mark.django_db

REQUIRED = ("number", "name")


def csv_text(rows: list[list[Any]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def book(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook with one sheet per name, each with its rows from A1 (strings and numbers)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value not in ("", None):
                    sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def listing(job) -> list[list[Any]]:
    with job.error_file.open("rb") as handle:
        reader = CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))
    return reader.get_sheet_by_name("错误列表").to_python()


def error_book(job) -> bytes:
    with job.error_file.open("rb") as handle:
        return handle.read()


def family(tree, number="H001", seq=1, name="王秀英", **extra) -> list[Any]:
    return member(number, tree.wushan.code, name, "户主", id_number(seq=seq), **extra)


# --- CSV ---------------------------------------------------------------------------------------


def test_a_csv_in_gb18030_is_read(cast, tree, grid_execs, run_import):
    content = csv_text([HEADER, family(tree, 户籍地址="巫山组1号")]).encode("gb18030")
    job = run_import(cast.songhe_chair, tree.songhe, content, name="花名册.csv")
    assert job.status == "done", job.message
    household = Household.objects.get(number="H001")
    assert household.head is not None and household.head.name == "王秀英"
    assert household.address == "巫山组1号"


def test_a_utf8_csv_with_a_bom_is_read(cast, tree, grid_execs, run_import):
    content = codecs.BOM_UTF8 + csv_text([HEADER, family(tree)]).encode("utf-8")
    job = run_import(cast.songhe_chair, tree.songhe, content, name="花名册.csv")
    assert job.status == "done", job.message
    head = Household.objects.get(number="H001").head
    assert head is not None and head.name == "王秀英"


def test_a_utf8_csv_with_a_title_line_above_the_header_is_read(cast, tree, grid_execs, run_import):
    rows = [["巫山组网格家庭花名册"], ["填报日期：2024年3月1日"], HEADER, family(tree)]
    job = run_import(cast.songhe_chair, tree.songhe, csv_text(rows).encode(), name="a.csv")
    assert job.status == "done", job.message
    assert job.total_rows == 1
    assert Household.objects.filter(number="H001").exists()


def test_a_csv_separated_by_semicolons_is_read(cast, tree, grid_execs, run_import):
    rows = [HEADER, family(tree, 户籍地址="巫山组1号,2号")]
    job = run_import(cast.songhe_chair, tree.songhe, csv_text(rows, ";").encode(), name="a.csv")
    assert job.status == "done", job.message
    assert Household.objects.get(number="H001").address == "巫山组1号,2号"


def test_a_formula_looking_cell_of_a_csv_is_kept_as_text(cast, tree, grid_execs, run_import):
    content = csv_text([HEADER, family(tree, 备注="=1+1")]).encode()
    job = run_import(cast.songhe_chair, tree.songhe, content, name="a.csv")
    assert job.status == "done", job.message
    assert Household.objects.get(number="H001").note == "=1+1"


def test_the_error_workbook_of_a_csv_keeps_every_cell_as_text(cast, tree, grid_execs, run_import):
    rows = [
        ["巫山组花名册"],
        HEADER,
        family(tree, number="0012", 备注="=1+1"),
        member("0013", tree.wushan.code, "李明", "户主", "123"),
    ]
    job = run_import(cast.songhe_chair, tree.songhe, csv_text(rows).encode(), name="a.csv")
    assert job.status == "rejected"
    written = sheet_rows(error_book(job))
    assert written[0][0] == "巫山组花名册"
    assert written[1][len(HEADER)] == "错误原因"
    assert written[2][0] == "0012" and written[2][HEADER.index("备注")] == "=1+1"
    assert written[3][0] == "0013" and written[3][len(HEADER)] != ""
    assert listing(job)[1][0] == 4  # one sheet: no sheet column


def test_a_file_in_no_known_encoding_is_refused_in_chinese():
    content = "户号,姓名\n".encode() + b"\x80\xff\xfe,\x81\n"
    [error] = upload_errors(SimpleUploadedFile("a.csv", content), kinds=[SPREADSHEET, CSV])
    assert "文字编码" in error and "UTF-8" in error
    with pytest.raises(FileError, match="文字编码"):
        open_sheet(io.BytesIO(content), [], REQUIRED)


def test_the_upload_form_accepts_a_csv(tree):
    content = csv_text([HEADER, family(tree)]).encode("gb18030")
    form = ImportUploadForm(
        data={"kind": "households"},
        files=MultiValueDict({"file": [SimpleUploadedFile("花名册.csv", content)]}),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["file"].name == "花名册.csv"


def test_the_upload_form_still_refuses_a_binary_file_named_csv():
    content = b"MZ\x90\x00\x03\x00" + bytes(range(256))
    form = ImportUploadForm(
        data={"kind": "households"},
        files=MultiValueDict({"file": [SimpleUploadedFile("a.csv", content)]}),
    )
    assert not form.is_valid()
    assert "CSV 文件" in form.errors["file"][0]


# --- several sheets ----------------------------------------------------------------------------


def test_row_names_carry_the_sheet_when_the_file_has_several():
    assert row_name(12, ["Sheet1"]) == "第12行"
    assert row_name(SHEET_ROW_SPAN + 12, ["一组", "二组"]) == "“二组”第12行"
    assert row_name(12, ["一组", "二组"]) == "“一组”第12行"


def two_grids(tree, second: list[Any] | None = None) -> bytes:
    """巫山组 with a title line; 程家湾组 with its columns in another order."""
    reordered = [HEADER[2], HEADER[4], HEADER[0], HEADER[1], HEADER[3], HEADER[8]]
    other = second or ["张兰", id_number(seq=3), "H002", tree.chengjiawan.code, "户主", "程家湾1号"]
    return book(
        {
            "巫山组": [["巫山组网格家庭花名册"], HEADER, family(tree, 户籍地址="巫山组1号")],
            "程家湾组": [reordered, other],
        }
    )


def test_a_workbook_with_two_grid_sheets_is_imported_as_one_job(cast, tree, grid_execs, run_import):
    job = run_import(cast.songhe_chair, tree.songhe, two_grids(tree))
    assert job.status == "done", job.message
    assert job.total_rows == 2
    first, second = Household.objects.get(number="H001"), Household.objects.get(number="H002")
    assert (first.grid, first.address) == (tree.wushan, "巫山组1号")
    assert (second.grid, second.address) == (tree.chengjiawan, "程家湾1号")
    assert second.head is not None and second.head.name == "张兰"


def test_an_error_on_the_second_sheet_is_reported_with_its_sheet_name(
    cast, tree, grid_execs, run_import
):
    # The same ID number as 巫山组's row 3.
    again = ["张兰", id_number(seq=1), "H002", tree.chengjiawan.code, "户主", "程家湾1号"]
    content = two_grids(tree, second=again)
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "rejected"
    assert listing(job)[0] == ["工作表", "行号", "错误原因"]
    assert listing(job)[1] == ["程家湾组", 2, "身份证号与“巫山组”第3行重复"]
    written = error_book(job)
    first = sheet_rows(written, 0)
    assert [row[: len(HEADER)] for row in first] == sheet_rows(content, 0)  # title and all
    assert [row[len(HEADER)] for row in first] == ["", "错误原因", ""]
    second = sheet_rows(written, 1)
    assert second[0] == [*sheet_rows(content, 1)[0], "错误原因"]
    assert second[1] == [*sheet_rows(content, 1)[1], "身份证号与“巫山组”第3行重复"]


def test_a_notes_sheet_is_skipped_and_said_so(cast, tree, grid_execs, run_import):
    content = book(
        {
            "花名册": [HEADER, family(tree)],
            "填表说明": [["1. 身份证号请填写18位"], ["2. 户号同一户相同"]],
            "Sheet3": [],
        }
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "done", job.message
    assert "未导入的工作表（空白或填表说明）：“填表说明”、“Sheet3”" in job.message


def test_a_sheet_with_data_but_no_header_is_refused_by_name(cast, tree, grid_execs, run_import):
    content = book({"花名册": [HEADER, family(tree)], "二组": [["H002", "张兰", "户主"]]})
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "rejected"
    assert job.message.startswith("工作表“二组”：未找到表头")
    assert not Household.objects.exists()


def test_excels_unicode_text_is_read(cast, tree, grid_execs, run_import):
    """Excel's 「Unicode 文本」: UTF-16 with a BOM, tab-separated, saved as .txt."""
    text = csv_text([HEADER, family(tree, 户籍地址="巫山组1号")], "\t")
    content = text.encode("utf-16")  # with its BOM, as Excel writes it
    assert b"\x00" in content
    job = run_import(cast.songhe_chair, tree.songhe, content, name="花名册.txt")
    assert job.status == "done", job.message
    assert Household.objects.get(number="H001").address == "巫山组1号"


def test_a_text_file_that_is_not_a_roster_is_refused_at_upload():
    [error] = upload_errors(
        SimpleUploadedFile("a.txt", b"MZ\x90\x00\x03\x00"), kinds=[SPREADSHEET, CSV]
    )
    assert "CSV" in error or "表格" in error
