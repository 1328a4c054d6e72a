"""Helpers for the import tests: workbooks built in memory, valid ID numbers, running a job."""

import datetime as dt
import io
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from jinguo.households.models import GridAssignment
from jinguo.imports.models import ImportJob
from jinguo.imports.services import import_job_create
from jinguo.people.idcard import check_digit

HEADER = [
    "户号",
    "所属网格",
    "姓名",
    "与户主关系",
    "身份证号",
    "性别",
    "出生日期",
    "联系电话",
    "户籍地址",
    "现住址",
    "现居住网格",
    "重点类别",
    "包保执委",
    "备注",
]


@pytest.fixture(autouse=True)
def _imports_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def id_number(birth: str = "19900101", seq: int = 12, female: bool = True, region: str = "341881"):
    """A valid 18-digit number: the sequence's last digit is even for women."""
    sequence = seq * 10 + (2 if female else 1)
    first17 = f"{region}{birth}{sequence % 1000:03d}"
    return first17 + check_digit(first17)


def xlsx(rows: list[list[Any]], *, merges=(), text_columns=()) -> bytes:
    """A workbook whose first sheet has `rows` from A1; merges are (r0, c0, r1, c1, value)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Sheet1")
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for col in text_columns:
        sheet.set_column(col, col, 20, text)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    for r0, c0, r1, c1, value in merges:
        sheet.merge_range(r0, c0, r1, c1, value)
    book.close()
    return buffer.getvalue()


def roster(*rows: list[Any], header=HEADER) -> bytes:
    return xlsx([header, *rows])


def member(number, grid, name, relation, idn, **extra) -> list[Any]:
    """One resident row of the households template, extra columns by header name."""
    row: list[Any] = [number, grid, name, relation, idn] + [""] * (len(HEADER) - 5)
    for header, value in extra.items():
        row[HEADER.index(header)] = value
    return row


def upload(content: bytes, name: str = "roster.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """run_import(user, org, content, kind=…) → the finished job (run synchronously)."""

    def _run(user, org, content: bytes, kind: str = "households", name: str = "roster.xlsx"):
        with django_capture_on_commit_callbacks(execute=True):
            job = import_job_create(actor=user, org=org, kind=kind, upload=upload(content, name))
        job.refresh_from_db()
        return job

    return _run


def error_rows(job: ImportJob) -> list[tuple[int, str]]:
    """The (row, reason) pairs of the error workbook's list sheet."""
    with job.error_file.open("rb") as handle:
        book = CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))
    rows = book.get_sheet_by_name("错误列表").to_python()
    # Calamine types a cell as any of its value kinds; the row column holds numbers.
    return [(int(row[0]), str(row[1])) for row in rows[1:]]  # type: ignore[arg-type]


def sheet_rows(content: bytes, index: int = 0) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(index).to_python()


def confirm_as_suggested(client, job: ImportJob, **changes: str):
    """POST the mapping page with every choice as preselected, but `changes` (field: value)."""
    form = client.get(f"/imports/{job.pk}/mapping/").context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}
    data.update(changes)
    return client.post(f"/imports/{job.pk}/mapping/", data)


@pytest.fixture
def grid_execs(people, tree, cast):
    """汪秀兰 serves 巫山组网格 and 程丽 程家湾组网格 (open grid assignments)."""
    today = dt.date(2024, 1, 1)
    GridAssignment.objects.create(executive=people.wushan_exec, grid=tree.wushan, start_date=today)
    GridAssignment.objects.create(
        executive=people.chengjiawan_exec, grid=tree.chengjiawan, start_date=today
    )
    return people
