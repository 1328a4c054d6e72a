"""Issue 26's «done when»: a community's own ledger, laid out as communities keep them, goes in
through the mapping step with nothing typed but confirmations, and its error workbook keeps every
cell of the file as it was uploaded.

The ledger: a title merged over the columns, a date line, its own header names (序号, 户主姓名,
身份证号码, 手机号码, 家庭住址, 所在网格, 家庭类别, 包保人, 登记日期), no household numbers,
grids written without 组 or 网格 and in a traditional character, categories as 低保户 and
特困供养, and two columns the import does not use (序号, 登记日期).
"""

import datetime as dt
import io
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from jinguo.households.models import Household, HouseholdAssignment, Resident, held_categories
from jinguo.imports.models import ImportJob
from jinguo.imports.tests.conftest import confirm_as_suggested, id_number, xlsx

pytestmark = pytest.mark.django_db

TITLE = "嵩合社区妇联重点家庭信息台账"
DATE_LINE = "填报单位：嵩合社区妇联　　填报日期：2024年5月1日"
HEADER = [
    "序号",
    "户主姓名",
    "身份证号码",
    "手机号码",
    "家庭住址",
    "所在网格",
    "家庭类别",
    "包保人",
    "登记日期",
]


def _rows(bad_id: bool = False) -> list[list[object]]:
    first_id = id_number(seq=1)
    if bad_id:
        first_id = first_id[:-1] + ("0" if first_id[-1] != "0" else "1")  # checksum broken
    return [
        [
            1,
            "王秀英",
            first_id,
            "13800001111",
            "嵩合社区巫山组1号",
            "巫山",
            "低保户",
            "汪秀兰",
            dt.date(2024, 1, 2),
        ],
        [
            2,
            "张兰",
            id_number(seq=3),
            "",
            "嵩合社区巫山组2号",
            "巫山組",
            "特困供养",
            "汪秀兰",
            dt.date(2024, 1, 3),
        ],
        [
            3,
            "李梅",
            id_number(seq=5),
            "13900002222",
            "程家湾3号",
            "程家灣",
            "低保户、残疾",
            "程丽",
            dt.date(2024, 2, 1),
        ],
        [4, "赵芳", id_number(seq=7), "", "程家湾8号", "程家湾组", "留守妇女", "", "2024-02-03"],
    ]


def community_ledger(bad_id: bool = False) -> bytes:
    width = len(HEADER)
    return xlsx(
        [["" for _c in range(width)], [DATE_LINE], HEADER, *_rows(bad_id)],
        merges=[(0, 0, 0, width - 1, TITLE)],
        text_columns=(2, 3),
    )


@pytest.fixture
def through_mapping(login, django_capture_on_commit_callbacks):
    """Upload on the web, confirm the mapping page as it is offered, run: the finished job."""

    def _import(user, org, content: bytes, name: str = "台账.xlsx") -> ImportJob:
        client = login(user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"/imports/new/?org={org.pk}",
                {"kind": "households", "file": SimpleUploadedFile(name, content)},
            )
        job = ImportJob.objects.order_by("-pk").first()
        assert job is not None and job.status == ImportJob.Status.MAPPING, job and job.message
        with django_capture_on_commit_callbacks(execute=True):
            response = confirm_as_suggested(client, job)
        assert response.status_code == 302, response.content.decode()[:2000]
        job.refresh_from_db()
        return job

    return _import


def test_a_community_ledger_goes_in_with_nothing_typed_but_confirmations(
    cast, tree, grid_execs, default_categories, through_mapping
):
    job = through_mapping(cast.songhe_chair, tree.songhe, community_ledger())
    assert job.status == ImportJob.Status.DONE, job.message

    households = Household.objects.filter(grid__in=[tree.wushan, tree.chengjiawan])
    assert households.count() == 4
    by_head = {
        resident.person.name: resident.household
        for resident in Resident.objects.filter(relation=Resident.Relation.HEAD).select_related(
            "person", "household__grid"
        )
    }
    assert {name: h.grid for name, h in by_head.items()} == {
        "王秀英": tree.wushan,
        "张兰": tree.wushan,
        "李梅": tree.chengjiawan,
        "赵芳": tree.chengjiawan,
    }
    assert by_head["王秀英"].address == "嵩合社区巫山组1号"
    held = held_categories([h.pk for h in by_head.values()])
    assert [c.name for c in held[by_head["王秀英"].pk]] == ["低保"]
    assert [c.name for c in held[by_head["张兰"].pk]] == ["特困"]
    assert sorted(c.name for c in held[by_head["李梅"].pk]) == ["低保", "残疾"]
    executives = dict(
        HouseholdAssignment.objects.filter(end_date__isnull=True).values_list(
            "household_id", "executive_id"
        )
    )
    assert executives[by_head["王秀英"].pk] == grid_execs.wushan_exec.pk
    assert executives[by_head["李梅"].pk] == grid_execs.chengjiawan_exec.pk
    assert by_head["赵芳"].pk not in executives


def test_the_same_ledger_again_changes_nothing(
    cast, tree, grid_execs, default_categories, through_mapping
):
    first = through_mapping(cast.songhe_chair, tree.songhe, community_ledger())
    numbers = sorted(Household.objects.values_list("number", flat=True))
    again = through_mapping(cast.songhe_chair, tree.songhe, community_ledger())
    assert (first.status, again.status) == (ImportJob.Status.DONE, ImportJob.Status.DONE)
    assert (again.created_count, again.updated_count) == (0, 0)
    assert sorted(Household.objects.values_list("number", flat=True)) == numbers


def _cells(content: bytes) -> list[list[Any]]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return sheet.to_python()


def test_the_error_workbook_keeps_every_cell_of_the_ledger(
    cast, tree, grid_execs, default_categories, through_mapping
):
    uploaded = community_ledger(bad_id=True)
    job = through_mapping(cast.songhe_chair, tree.songhe, uploaded)
    assert job.status == ImportJob.Status.REJECTED
    assert not Household.objects.exists()
    with job.error_file.open("rb") as handle:
        returned = _cells(handle.read())
    original = _cells(uploaded)
    width = len(HEADER)
    # Every original cell as uploaded (title, date line, 序号, 登记日期 included) …
    assert [row[:width] for row in returned] == [row[:width] for row in original]
    # … and the reasons in a new last column, headed on the header row.
    assert returned[2][width] == "错误原因"
    assert "身份证" in str(returned[3][width])
    assert all(row[width] == "" for row in returned[4:])


def _csv(rows: list[list[Any]]) -> bytes:
    lines = [",".join(str(value) for value in row) for row in rows]
    return "\r\n".join(lines).encode("gb18030")


def test_the_ledger_saved_as_a_gb18030_csv_goes_in_the_same_way(
    cast, tree, grid_execs, default_categories, through_mapping
):
    rows: list[list[Any]] = [[TITLE], [DATE_LINE], HEADER, *_rows()]
    job = through_mapping(cast.songhe_chair, tree.songhe, _csv(rows), name="台账.csv")
    assert job.status == ImportJob.Status.DONE, job.message
    assert Household.objects.filter(grid__in=[tree.wushan, tree.chengjiawan]).count() == 4


def test_a_ledger_of_one_sheet_per_grid_goes_in_through_one_mapping(
    cast, tree, grid_execs, default_categories, through_mapping
):
    rows = _rows()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, part in (("巫山组", rows[:2]), ("程家湾组", rows[2:])):
        sheet = book.add_worksheet(name)
        lines: list[list[Any]] = [[TITLE], HEADER, *part]
        for r, row in enumerate(lines):
            for c, value in enumerate(row):
                sheet.write_string(r, c, str(value))
    book.close()
    job = through_mapping(cast.songhe_chair, tree.songhe, buffer.getvalue())
    assert job.status == ImportJob.Status.DONE, job.message
    assert Household.objects.filter(grid=tree.wushan).count() == 2
    assert Household.objects.filter(grid=tree.chengjiawan).count() == 2
