"""Cells changed to be read are counted by field and kind, and told on the job page."""

import datetime as dt

import pytest

from jinguo.imports.tests.conftest import HEADER, id_number, member, roster, xlsx
from jinguo.imports.tests.test_services import EXEC_HEADER
from jinguo.people.models import Person

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789H", "０１２３４５６７８９Ｈ")


def ending_in_x() -> str:
    return next(n for seq in range(1, 100) if (n := id_number(seq=seq)).endswith("X"))


def ledger(tree) -> bytes:
    lower_x = ending_in_x()
    return roster(
        member(
            "Ｈ００１",
            tree.wushan.code,
            "王  秀英",
            "户主",
            id_number(seq=1).translate(FULL_WIDTH),
            联系电话=" 138 0000 1111 ",
            出生日期="1990.1.1",
        ),
        member("H001", "", "李明", "配偶", id_number(seq=2, female=False), 联系电话="13800002222"),
        member("H002", tree.wushan.code, "张兰", "户主", lower_x[:-1] + "x", 出生日期="1990-01-01"),
        member("H003", tree.wushan.code, "赵芳", "户主", id_number(seq=5).translate(FULL_WIDTH)),
    )


def test_changes_are_counted_by_field_and_kind_with_their_first_rows(cast, tree, run_import):
    job = run_import(cast.songhe_chair, tree.songhe, ledger(tree))
    assert job.status == "done", job.message
    assert job.summary["normalised"] == [
        {"field": "number", "header": "户号", "kind": "fullwidth", "count": 1, "rows": ["第2行"]},
        {"field": "name", "header": "姓名", "kind": "spaces", "count": 1, "rows": ["第2行"]},
        {
            "field": "id_number",
            "header": "身份证号",
            "kind": "fullwidth",
            "count": 2,
            "rows": ["第2行", "第5行"],
        },
        {
            "field": "id_number",
            "header": "身份证号",
            "kind": "lowercase_x",
            "count": 1,
            "rows": ["第4行"],
        },
        {
            "field": "birth_date",
            "header": "出生日期",
            "kind": "text_date",
            "count": 1,
            "rows": ["第2行"],
        },
        {"field": "phone", "header": "联系电话", "kind": "spaces", "count": 1, "rows": ["第2行"]},
    ]
    # Read as changed: the same person as a file typed cleanly.
    person = Person.objects.get(name="王秀英")
    assert (person.id_number, person.phone) == (id_number(seq=1), "13800001111")
    assert person.birth_date == dt.date(1990, 1, 1)
    assert Person.objects.get(name="张兰").id_number == ending_in_x()


def test_only_the_first_rows_are_kept_and_a_clean_file_has_no_list(cast, tree, run_import):
    rows = [
        member(f"H{seq:03d}", tree.wushan.code, "王秀英", "户主", id_number(seq=seq), 联系电话=" ")
        for seq in range(1, 8)
    ]
    job = run_import(cast.songhe_chair, tree.songhe, roster(*rows))
    assert job.summary["normalised"] == [
        {
            "field": "phone",
            "header": "联系电话",
            "kind": "spaces",
            "count": 7,
            "rows": ["第2行", "第3行", "第4行", "第5行", "第6行"],
        }
    ]
    clean = run_import(cast.songhe_chair, tree.songhe, roster(rows[0][:5] + [""] * 9))
    assert clean.status == "done", clean.message
    assert "normalised" not in clean.summary


def test_a_rejected_file_keeps_its_changes_too(cast, tree, run_import):
    content = roster(
        member("Ｈ１", tree.wushan.code, "王秀英", "户主", id_number(seq=1)),
        member("H2", "不存在组", "张兰", "户主", id_number(seq=3)),
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "rejected"
    assert job.summary["normalised"] == [
        {"field": "number", "header": "户号", "kind": "fullwidth", "count": 1, "rows": ["第2行"]}
    ]


def test_an_id_number_excel_stored_as_a_number_is_told_beside_its_error(cast, tree, run_import):
    content = xlsx([HEADER, ["H1", tree.wushan.code, "王秀英", "户主", 341881199001010128]])
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "rejected"
    assert job.summary["normalised"] == [
        {
            "field": "id_number",
            "header": "身份证号",
            "kind": "number",
            "count": 1,
            "rows": ["第2行"],
        }
    ]


def test_the_executives_roster_counts_its_own_fields(cast, tree, run_import):
    row = ["赵敏", id_number(seq=21), "", "137 0000 1111", "", "", tree.songhe.code, "执委"]
    row += ["", "2021年6月1日"]
    job = run_import(cast.songhe_chair, tree.songhe, xlsx([EXEC_HEADER, row]), kind="executives")
    assert job.status == "done", job.message
    assert job.summary["normalised"] == [
        {"field": "phone", "header": "联系电话", "kind": "spaces", "count": 1, "rows": ["第2行"]},
        {
            "field": "term_start",
            "header": "任期开始",
            "kind": "text_date",
            "count": 1,
            "rows": ["第2行"],
        },
    ]


def test_the_job_page_lists_the_changes_without_any_cell_value(cast, tree, login, run_import):
    rows = [
        member(
            f"H{seq:03d}",
            tree.wushan.code,
            "王秀英",
            "户主",
            id_number(seq=seq).translate(FULL_WIDTH),
            联系电话="13800001111 ",
        )
        for seq in range(1, 8)
    ]
    job = run_import(cast.songhe_chair, tree.songhe, roster(*rows))
    page = login(cast.songhe_chair).get(f"/imports/{job.pk}/").content.decode()
    assert "身份证号：7处全角字符改为半角（第2行、第3行、第4行、第5行、第6行…）" in page
    assert "联系电话：7处多余的空格已去除（第2行、第3行、第4行、第5行、第6行…）" in page
    assert "13800001111" not in page
    assert not any(id_number(seq=seq)[-6:] in page for seq in range(1, 8))
    assert "３" not in page
