"""Real ledgers, read through a whole import job: every error names its sheet row and reason."""

import datetime as dt

import pytest

from jinguo.common.tests.upload_samples import crashing_workbook, dimension_bomb
from jinguo.households.models import Household, Resident
from jinguo.imports.tests.conftest import HEADER, error_rows, id_number, member, roster, xlsx
from jinguo.people.models import Person

pytestmark = pytest.mark.django_db


def test_title_rows_and_a_two_row_header_with_a_group_header_and_synonyms(cast, tree, run_import):
    rows = [
        ["嵩合社区重点家庭台账"],
        ["填报单位：嵩合社区妇联", "", "", "", "填报日期：2024年3月1日"],
        ["家庭编号", "网格", "家庭成员信息", "", "", "", "", "", "住址", ""],
        [
            "",
            "",
            "成员姓名",
            "与户主的关系",
            "公民身份号码",
            "性别",
            "出生年月日",
            "手机号",
            "户籍所在地",
            "现居住地址",
        ],
        [
            "H001",
            tree.wushan.code,
            "王秀英",
            "户主",
            id_number(seq=1),
            "女",
            "1990-01-01",
            "13800001111",
            "巫山组1号",
            "巫山组1号",
        ],
        [
            "H001",
            tree.wushan.code,
            "李明",
            "配偶",
            id_number(seq=2, female=False),
            "男",
            "",
            "",
            "",
            "",
        ],
    ]
    merges = [
        (0, 0, 0, 9, "嵩合社区重点家庭台账"),
        (2, 2, 2, 7, "家庭成员信息"),
        (2, 8, 2, 9, "住址"),
        (2, 0, 3, 0, "家庭编号"),
        (2, 1, 3, 1, "网格"),
    ]
    job = run_import(cast.songhe_chair, tree.songhe, xlsx(rows, merges=merges))
    assert job.status == "done", job.message
    household = Household.objects.get(number="H001")
    assert household.address == "巫山组1号"
    assert household.head is not None
    assert (household.head.name, household.head.phone) == ("王秀英", "13800001111")
    assert Resident.objects.filter(household=household).count() == 2


def test_a_household_number_merged_down_its_rows_belongs_to_every_row(cast, tree, run_import):
    rows = [
        HEADER,
        member("H009", tree.wushan.code, "王秀英", "户主", id_number(seq=1)),
        member("", "", "李明", "配偶", id_number(seq=2, female=False)),
        member("", "", "李小红", "子女", id_number(birth="20150101", seq=3)),
    ]
    job = run_import(cast.songhe_chair, tree.songhe, xlsx(rows, merges=[(1, 0, 3, 0, "H009")]))
    assert job.status == "done", job.message
    assert Resident.objects.filter(household__number="H009").count() == 3


def test_full_width_digits_and_stray_spaces_are_cleaned(cast, tree, run_import):
    number = id_number(seq=4)
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    content = roster(
        member(
            "Ｈ００２ ",
            f" {tree.wushan.code} ",
            " 王　秀英 ",
            "户主",
            f" {full_width[:6]} {full_width[6:]}",
            联系电话="１３８ ００００ ０１１１",
        )
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "done", job.message
    person = Person.objects.get()
    assert (person.name, person.id_number, person.phone) == ("王秀英", number, "13800000111")
    assert Household.objects.get().number == "H002"


def test_the_grid_may_be_named_instead_of_coded(cast, tree, run_import):
    job = run_import(
        cast.songhe_chair,
        tree.songhe,
        roster(member("H1", "巫山组网格", "王红", "户主", id_number(seq=5))),
    )
    assert job.status == "done", job.message
    assert Household.objects.get().grid == tree.wushan


def test_serial_dates_and_dates_in_several_formats_match_the_id_number(cast, tree, run_import):
    content = roster(
        member(
            "H1", tree.wushan.code, "甲", "户主", id_number(seq=1), 出生日期=32874.0
        ),  # 1990-01-01
        member("H1", "", "乙", "子女", id_number(seq=2), 出生日期="1990/1/1"),
        member("H1", "", "丙", "子女", id_number(seq=3), 出生日期="1990年1月1日"),
        member("H1", "", "丁", "子女", id_number(seq=4), 出生日期="19900101"),
        member("H1", "", "戊", "子女", id_number(seq=5), 出生日期=dt.date(1990, 1, 1)),
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "done", job.message
    assert set(Person.objects.values_list("birth_date", flat=True)) == {dt.date(1990, 1, 1)}


def test_blank_rows_are_skipped_and_row_numbers_stay_those_excel_shows(cast, tree, run_import):
    content = roster(
        member("H1", tree.wushan.code, "甲", "户主", id_number(seq=1)),
        [""] * len(HEADER),
        ["   ", "", "", "", ""],
        member("H1", "", "乙", "子女", "34188119900101"),
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "rejected"
    assert error_rows(job) == [(5, "身份证号码应为18位，实际为14位")]
    assert job.errors_count == 1


def test_every_kind_of_bad_row_is_reported_with_its_row_and_reason(cast, tree, run_import):
    good = id_number(seq=1)
    wrong_checksum = good[:17] + ("0" if good[17] != "0" else "1")
    content = roster(
        member("H1", tree.wushan.code, "甲", "户主", good),  # row 2
        member("H1", "", "乙", "子女", 3.4188119900101123e17),  # row 3
        member("H1", "", "丙", "子女", 341881900101123.0),  # row 4: 15 digits, as a number
        member("H1", "", "丁", "子女", wrong_checksum),  # row 5
        member("H1", "", "戊", "子女", good),  # row 6: the same person again
        member("H1", "", "己", "子女", id_number(seq=7), 性别="男"),  # row 7: a woman's number
        member("H1", "", "庚", "子女", id_number(seq=8), 出生日期="1991-01-01"),  # row 8
        member("H1", "", "", "子女", id_number(seq=9)),  # row 9: no name
        member("", tree.wushan.code, "辛", "子女", id_number(seq=10)),  # row 10: no 户号
        member("H1", "", "壬", "户主", id_number(seq=11)),  # row 11: a second head
        member("H2", tree.wushan.code, "癸", "户主", id_number(seq=12), 重点类别="低保、富裕户"),
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "rejected"
    errors = error_rows(job)
    assert errors[:9] == [
        (3, "身份证号被Excel存成了数字，后几位已丢失，请把该列设为文本后重新填写"),
        (4, "这是15位旧身份证号码，请填写18位号码"),
        (5, f"身份证号码校验位错误：最后一位应为{good[17]}"),
        (6, "身份证号与第2行重复"),
        (7, "性别与身份证号不符：身份证号显示为女"),
        (8, "出生日期1991-01-01与身份证号中的出生日期1990-01-01不符"),
        (9, "请填写姓名"),
        (10, "请填写户号"),
        (11, "户号H1已有户主（第2行），一户只能有一位户主"),
    ]
    assert errors[9][0] == 12
    assert errors[9][1].startswith("未知的重点类别“富裕户”。可填写：")
    assert not Person.objects.exists()


def test_a_household_column_written_differently_on_two_rows_is_an_error(cast, tree, run_import):
    content = roster(
        member("H1", tree.wushan.code, "甲", "户主", id_number(seq=1), 户籍地址="巫山组1号"),
        member("H1", tree.chengjiawan.code, "乙", "子女", id_number(seq=2), 户籍地址="巫山组2号"),
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert error_rows(job) == [
        (3, "同一户号H1的所属网格与第2行不一致"),
        (3, "同一户号H1的户籍地址与第2行不一致"),
    ]


def test_a_file_without_the_header_or_without_rows_says_so(cast, tree, run_import):
    job = run_import(cast.songhe_chair, tree.songhe, xlsx([["名单"], ["王秀英", "女"]]))
    assert job.status == "rejected"
    assert job.message == "未找到表头：前15行中没有找到“所属网格、姓名、身份证号”等列"
    assert not job.error_file
    job = run_import(cast.songhe_chair, tree.songhe, xlsx([["户号", "姓名", "身份证号"]]))
    assert job.message == "第1行的表头缺少以下列：所属网格。表头应包含：所属网格、姓名、身份证号"
    job = run_import(cast.songhe_chair, tree.songhe, roster())
    assert (job.status, job.message) == ("rejected", "表格中没有数据行")


def test_a_file_that_is_not_a_workbook_is_rejected(cast, tree, run_import):
    job = run_import(cast.songhe_chair, tree.songhe, b"PK\x03\x04 not really a zip", name="x.xlsx")
    assert job.status == "rejected"
    assert job.message.startswith("无法读取文件")


def test_a_roster_declaring_the_whole_excel_grid_is_rejected_with_the_reason(
    cast, tree, run_import
):
    job = run_import(cast.songhe_chair, tree.songhe, dimension_bomb())
    assert job.status == "rejected"
    assert job.message.startswith("表格范围过大：有1048576行、16384列，上限为1048576行、200列")


def test_a_roster_that_crashes_the_reader_is_rejected_and_this_process_lives_on(
    cast, tree, run_import
):
    # The reader aborts on this file (it allocates 512 GiB): in the child process, not here.
    job = run_import(cast.songhe_chair, tree.songhe, crashing_workbook())
    assert job.status == "rejected"
    assert job.message.startswith("文件无法读取")


def test_a_repeated_id_number_is_reported_with_the_rows_other_errors(cast, tree, run_import):
    good = id_number(seq=1)
    content = roster(
        member("H1", tree.wushan.code, "甲", "户主", good),  # row 2
        member("H1", "", "乙", "子女", good, 联系电话="12345"),  # row 3: repeated, bad phone
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "rejected"
    reasons = [reason for row, reason in error_rows(job) if row == 3]
    assert "身份证号与第2行重复" in reasons
    assert any("手机" in reason or "电话" in reason for reason in reasons), reasons
