import datetime as dt

import pytest
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.households.models import (
    GridAssignment,
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    HouseholdChange,
    Resident,
)
from jinguo.imports.tests.conftest import (
    HEADER,
    error_rows,
    id_number,
    member,
    roster,
    sheet_rows,
    xlsx,
)
from jinguo.people.models import ConcurrentPost, ExecutiveSeat, Person, PersonChange

pytestmark = pytest.mark.django_db


def family(tree, executive="汪秀兰", phone="13800001111"):
    return roster(
        member(
            "H001",
            tree.wushan.code,
            "王秀英",
            "户主",
            id_number(seq=1),
            联系电话=phone,
            户籍地址="巫山组1号",
            重点类别="低保、残疾",
            包保执委=executive,
        ),
        member("H001", "", "李明", "配偶", id_number(seq=2, female=False)),
        member("H002", "程家湾组网格", "张兰", "户主", id_number(seq=3), 重点类别="独居老人"),
    )


def test_an_import_creates_households_people_history_and_one_audit_record(
    cast, tree, grid_execs, run_import
):
    job = run_import(cast.songhe_chair, tree.songhe, family(tree))
    assert job.status == "done", job.message
    assert (job.created_count, job.updated_count, job.unchanged_count) == (5, 0, 0)
    assert job.summary == {
        "households": {"created": 2, "updated": 0, "unchanged": 0},
        "persons": {"created": 3, "updated": 0, "unchanged": 0},
    }
    household = Household.objects.get(number="H001")
    assert household.grid == tree.wushan
    person = household.head
    assert person is not None and person.name == "王秀英"
    assert sorted(c.name for c in household.held_categories) == ["低保", "残疾"]
    assert (person.id_number, person.phone, person.gender) == (id_number(seq=1), "13800001111", "F")
    assert person.birth_date == dt.date(1990, 1, 1)
    assert person.name_initials == "wxy"
    assert (person.id_tail, person.phone_tail, person.org) == (
        id_number(seq=1)[-4:],
        "1111",
        tree.wushan,
    )
    assignment = HouseholdAssignment.objects.get(household=household)
    assert (assignment.executive, assignment.kind, assignment.end_date) == (
        grid_execs.wushan_exec,
        "responsible",
        None,
    )
    assert assignment.assigned_by == cast.songhe_chair
    # The history the services leave for the same changes (imports/tests/test_history.py).
    assert PersonChange.objects.filter(action="person.create").count() == 3
    created = PersonChange.objects.get(person=person)
    assert created.new["id_number"] == "341881********0128"[:6] + "********" + id_number(seq=1)[-4:]
    assert "13800001111" not in str(created.new)
    assert sorted(HouseholdChange.objects.values_list("household__number", "action")) == [
        ("H001", "assign"),
        ("H001", "categories"),
        ("H001", "create"),
        ("H001", "resident_add"),
        ("H001", "resident_add"),
        ("H002", "categories"),
        ("H002", "create"),
        ("H002", "resident_add"),
    ]
    assert AuditEvent.objects.filter(action="household.create").count() == 2
    audit = AuditEvent.objects.get(action="households.import")
    assert audit.changes["persons"]["created"] == 3
    assert list(
        AuditEvent.objects.filter(target_type="imports.importjob")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["import.queued", "import.validating", "import.writing", "import.done"]


def test_importing_the_same_file_again_changes_nothing(cast, tree, grid_execs, run_import):
    content = family(tree)
    run_import(cast.songhe_chair, tree.songhe, content)
    counts = (
        Person.objects.count(),
        PersonChange.objects.count(),
        HouseholdChange.objects.count(),
        HouseholdAssignment.objects.count(),
        HouseholdCategory.objects.count(),
    )
    again = run_import(cast.songhe_chair, tree.songhe, content)
    assert again.status == "done"
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 5)
    assert counts == (
        Person.objects.count(),
        PersonChange.objects.count(),
        HouseholdChange.objects.count(),
        HouseholdAssignment.objects.count(),
        HouseholdCategory.objects.count(),
    )


def test_a_changed_row_updates_only_what_changed_with_history(cast, tree, grid_execs, run_import):
    run_import(cast.songhe_chair, tree.songhe, family(tree))
    job = run_import(cast.songhe_chair, tree.songhe, family(tree, phone="13900002222"))
    assert job.summary["persons"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert job.summary["households"] == {"created": 0, "updated": 0, "unchanged": 2}
    person = Person.objects.get(id_tail=id_number(seq=1)[-4:])
    assert person.phone == "13900002222"
    change = PersonChange.objects.filter(person=person).order_by("-id")[0]
    assert change.action == "person.update"
    # The whole snapshot, as people.services writes it; the birth date encrypted anew.
    assert {k for k in change.new if change.new[k] != change.old[k]} == {"phone", "birth_date"}
    assert (change.old["phone"], change.new["phone"]) == ("138****1111", "139****2222")


def test_a_blank_cell_keeps_what_is_known(cast, tree, grid_execs, run_import):
    run_import(cast.songhe_chair, tree.songhe, family(tree))
    blank = roster(member("H001", "", "王秀英", "户主", id_number(seq=1)))
    job = run_import(cast.songhe_chair, tree.songhe, blank)
    assert (job.created_count, job.updated_count) == (0, 0), job.summary
    household = Household.objects.get(number="H001")
    assert household.head is not None and household.head.phone == "13800001111"
    assert household.address == "巫山组1号"
    assert len(household.held_categories) == 2


def test_a_file_with_one_bad_row_writes_nothing_and_marks_that_row(
    cast, tree, grid_execs, run_import
):
    content = roster(
        member("H001", tree.wushan.code, "王秀英", "户主", id_number(seq=1)),
        member("H001", "", "李明", "配偶", id_number(seq=2, female=False)[:17] + "0"),
        member("H002", tree.wushan.code, "张兰", "户主", id_number(seq=3)),
    )
    persons = Person.objects.count()
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "rejected"
    assert job.errors_count == 1
    assert job.message == "发现1处错误（涉及1行），未写入任何数据。"
    assert Person.objects.count() == persons and not Household.objects.exists()
    assert not AuditEvent.objects.filter(action="households.import").exists()
    with job.error_file.open("rb") as handle:
        rows = sheet_rows(handle.read())
    assert rows[0][-1] == "错误原因"
    assert rows[2][:3] == ["H001", "", "李明"]
    assert rows[2][-1].startswith("身份证号码校验位错误")
    assert rows[1][-1] == "" and rows[3][-1] == ""
    assert AuditEvent.objects.filter(action="import.rejected", target_id=str(job.pk)).exists()


def test_the_error_workbook_keeps_a_column_the_importer_does_not_read(
    cast, tree, grid_execs, run_import
):
    """A ledger's own 登记日期 after the template's columns: the reason goes in a new column
    after it, and every rejected row keeps its date in the file she corrects."""
    content = roster(
        [*member("H001", tree.wushan.code, "王秀英", "户主", id_number(seq=1)), "2024-03-01"],
        [*member("H002", tree.wushan.code, "李明", "户主", "123"), "2024-03-02"],
        header=[*HEADER, "登记日期"],
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "rejected"
    with job.error_file.open("rb") as handle:
        rows = sheet_rows(handle.read())
    assert rows[0][-2:] == ["登记日期", "错误原因"]
    assert rows[1][-2:] == ["2024-03-01", ""]
    assert rows[2][-2] == "2024-03-02" and rows[2][-1] != ""


def test_a_row_with_an_unknown_grid_is_still_checked_for_its_executive(
    cast, tree, grid_execs, run_import
):
    """The first list of errors is complete: the unknown grid does not hide the executive
    nobody in the community is; a known executive adds no error."""
    unknown = roster(
        member("H001", "不存在组", "王秀英", "户主", id_number(seq=1), 包保执委="港红梅"),
        member("H002", "不存在组", "张兰", "户主", id_number(seq=3), 包保执委="汪秀兰"),
    )
    job = run_import(cast.songhe_chair, tree.songhe, unknown)
    assert error_rows(job) == [
        (2, "未找到网格“不存在组”，请填写网格编码"),
        (2, "未找到包保执委“港红梅”：嵩合社区及其网格没有这位执委"),
        (3, "未找到网格“不存在组”，请填写网格编码"),
    ]


def test_a_ledger_of_household_heads_makes_each_row_the_head(cast, tree, grid_execs, run_import):
    """One row per household under «户主姓名», no 与户主关系 column: each is her household's
    head, not «其他»."""
    content = xlsx(
        [
            ["嵩合社区重点户台账"],
            ["户号", "所属网格", "户主姓名", "身份证号", "家庭住址"],
            ["H001", tree.wushan.code, "王秀英", id_number(seq=1), "巫山组1号"],
            ["H002", tree.wushan.code, "张兰", id_number(seq=3), "巫山组2号"],
        ]
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "done", job.message
    heads = dict(Household.objects.values_list("number", "head__name"))
    assert heads == {"H001": "王秀英", "H002": "张兰"}


def test_handover_by_import_ends_the_open_assignment_and_opens_a_new_one(
    cast, tree, grid_execs, run_import
):
    other = Person.objects.create(org=tree.songhe, name="李芳", gender="F", id_tail="5678")
    GridAssignment.objects.create(executive=other, grid=tree.wushan, start_date=dt.date(2024, 1, 1))
    run_import(cast.songhe_chair, tree.songhe, family(tree))
    job = run_import(cast.songhe_chair, tree.songhe, family(tree, executive="5678"))
    assert job.summary["households"] == {"created": 0, "updated": 1, "unchanged": 1}
    rows = HouseholdAssignment.objects.filter(household__number="H001").order_by("id")
    today = timezone.localdate()
    assert [(a.executive.name, a.end_date, a.start_date) for a in rows] == [
        ("汪秀兰", today, today),
        ("李芳", None, today),
    ]
    assert rows[1].reason == "导入：包保交接"
    change = HouseholdChange.objects.filter(household__number="H001").order_by("-id")[0]
    assert (change.action, change.note) == ("handover", "导入：包保交接")
    assert change.old == {"kind": "responsible", "executive": ["汪秀兰"]}
    assert change.new == {"kind": "responsible", "executive": ["李芳"], "start_date": str(today)}


def test_an_executive_who_is_not_of_that_grid_or_is_ambiguous_is_a_row_error(
    cast, tree, grid_execs, run_import
):
    Person.objects.create(org=tree.songhe, name="汪秀兰", gender="F", id_tail="0001")
    ExecutiveSeat.objects.create(
        person=Person.objects.get(id_tail="0001"),
        org=tree.songhe,
        post="member",
        term_start=dt.date(2024, 1, 1),
    )
    job = run_import(cast.songhe_chair, tree.songhe, family(tree, executive="港红梅"))
    assert error_rows(job) == [
        (2, "未找到包保执委“港红梅”：须是巫山组网格的网格执委，或在该网格所属妇联任职的执委"),
    ]
    job = run_import(cast.songhe_chair, tree.songhe, family(tree, executive="汪秀兰"))
    assert error_rows(job) == [(2, "包保执委“汪秀兰”有重名，请写成“姓名(身份证号后四位)”")]
    job = run_import(cast.songhe_chair, tree.songhe, family(tree, executive="汪秀兰(0001)"))
    assert job.status == "done", job.message
    assert HouseholdAssignment.objects.get().executive.id_tail == "0001"


def test_codes_outside_the_job_or_the_user_scope_are_row_errors(cast, tree, run_import):
    content = roster(
        member("H1", tree.gangkou_grid.code, "甲", "户主", id_number(seq=1)),
        member("H2", "341881001001099", "乙", "户主", id_number(seq=2)),
        member("H3", tree.songhe.code, "丙", "户主", id_number(seq=3)),
        member(
            "H4",
            tree.wushan.code,
            "丁",
            "户主",
            id_number(seq=4),
            现居住网格=tree.gangkou_grid.code,
        ),
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert error_rows(job) == [
        (2, f"“{tree.gangkou_grid.code}”不在您的管辖范围内"),
        (3, "未找到网格“341881001001099”，请填写网格编码"),
        (4, f"“{tree.songhe.code}”（嵩合社区）不是网格"),
        (5, f"“{tree.gangkou_grid.code}”不在您的管辖范围内"),
    ]
    # The job's unit bounds the file even for a user who sees more.
    job = run_import(
        cast.township_cadre,
        tree.songhe,
        roster(member("H1", tree.gangkou_grid.code, "甲", "户主", id_number(seq=1))),
    )
    assert error_rows(job) == [(2, f"“{tree.gangkou_grid.code}”不在您的管辖范围内")]


def test_households_and_people_registered_elsewhere_cannot_be_taken_over(cast, tree, run_import):
    run_import(
        cast.gangkou_chair,
        tree.gangkou,
        roster(member("G1", tree.gangkou_grid.code, "港甲", "户主", id_number(seq=1))),
    )
    content = roster(
        member("G1", tree.wushan.code, "王甲", "户主", id_number(seq=2)),
        member("H1", tree.wushan.code, "港甲", "户主", id_number(seq=1)),
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert error_rows(job) == [
        (2, "户号G1已登记在您管辖范围以外的网格，不能在这里导入"),
        (3, "该身份证号已登记在您管辖范围以外的家庭，请联系上级妇联处理"),
    ]


def test_a_resident_moving_to_another_household_is_moved_with_history(cast, tree, run_import):
    run_import(
        cast.songhe_chair,
        tree.songhe,
        roster(
            member("H1", tree.wushan.code, "甲", "户主", id_number(seq=1)),
            member("H1", "", "乙", "子女", id_number(seq=2)),
        ),
    )
    job = run_import(
        cast.songhe_chair,
        tree.songhe,
        roster(
            member("H2", tree.wushan.code, "乙", "户主", id_number(seq=2)),
        ),
    )
    assert job.summary == {
        "households": {"created": 1, "updated": 0, "unchanged": 0},
        "persons": {"created": 0, "updated": 1, "unchanged": 0},
    }
    resident = Resident.objects.get(person__id_tail=id_number(seq=2)[-4:])
    assert (resident.household.number, resident.relation) == ("H2", "head")
    assert Household.objects.get(number="H2").head == resident.person
    # As resident_remove and resident_add would tell it.
    last = HouseholdChange.objects.order_by("-id")
    left = last.filter(household__number="H1")[0]
    joined = last.filter(household__number="H2", action="resident_add")[0]
    assert (left.action, left.old, left.new) == (
        "resident_remove",
        {"person": "乙", "relation": "子女"},
        {},
    )
    assert joined.new == {"person": "乙", "relation": "户主"}


EXEC_HEADER = [
    "姓名",
    "身份证号",
    "性别",
    "联系电话",
    "文化程度",
    "政治面貌",
    "所属妇联",
    "职务",
    "专兼职",
    "任期开始",
    "任期结束",
    "兼任职务",
    "负责网格",
]


def test_the_executives_roster_creates_seats_posts_and_grids_and_is_idempotent(
    cast, tree, run_import
):
    row = [
        "赵敏",
        id_number(seq=21),
        "女",
        "13700001111",
        "大专",
        "中共党员",
        tree.songhe.code,
        "执委",
        "兼职",
        "2021-06-01",
        "2026-05-31",
        "网格长、两委干部",
        tree.wushan.code,
    ]
    content = xlsx([["嵩合社区妇联执委花名册"], EXEC_HEADER, row])
    job = run_import(cast.songhe_chair, tree.songhe, content, kind="executives")
    assert job.status == "done", job.message
    person = Person.objects.get(name="赵敏")
    assert (person.education, person.party_member, person.phone) == ("college", True, "13700001111")
    seat = ExecutiveSeat.objects.get(person=person)
    assert (seat.org, seat.post, seat.full_time, seat.term_start) == (
        tree.songhe,
        "member",
        False,
        dt.date(2021, 6, 1),
    )
    assert set(ConcurrentPost.objects.filter(person=person).values_list("kind", flat=True)) == {
        "grid_head",
        "two_committees",
    }
    assert GridAssignment.objects.get(executive=person).grid == tree.wushan
    again = run_import(cast.songhe_chair, tree.songhe, content, kind="executives")
    assert (again.created_count, again.updated_count) == (0, 0), again.summary

    promoted = [*row[:7], "副主席", *row[8:12], ""]
    job = run_import(
        cast.songhe_chair, tree.songhe, xlsx([EXEC_HEADER, promoted]), kind="executives"
    )
    assert job.status == "done", job.message
    seats = ExecutiveSeat.objects.filter(person=person).order_by("id")
    assert [(s.post, s.ended_on) for s in seats] == [
        ("member", timezone.localdate()),
        ("vice_chair", None),
    ]
    # A blank 负责网格 keeps the grid.
    assert GridAssignment.objects.get(executive=person).end_date is None


def test_executives_roster_errors_name_row_and_column(cast, tree, run_import):
    rows = [
        EXEC_HEADER,
        ["赵敏", id_number(seq=21), "", "", "博士后", "", tree.songhe.code, "执委"],
        ["钱红", id_number(seq=22), "", "", "", "", tree.gangkou.code, "主任"],
        ["赵敏", id_number(seq=21), "", "", "", "", tree.songhe.code, "执委"],
    ]
    job = run_import(cast.songhe_chair, tree.songhe, xlsx(rows), kind="executives")
    errors = error_rows(job)
    assert errors[0][0] == 2 and errors[0][1].startswith("文化程度“博士后”无法识别")
    assert errors[1] == (3, f"“{tree.gangkou.code}”不在您的管辖范围内")
    assert errors[2][0] == 3 and errors[2][1].startswith("职务“主任”无法识别")
    assert errors[3] == (4, "与第2行重复：同一人在同一妇联只能有一个职务")


def test_an_executives_roster_row_of_a_child_is_refused(cast, tree, run_import):
    child = ["李小红", id_number("20150601", seq=23), "", "", "", "", tree.songhe.code, "执委"]
    child += ["", "2026-01-01"]
    job = run_import(cast.songhe_chair, tree.songhe, xlsx([EXEC_HEADER, child]), kind="executives")
    assert (2, "未满18周岁的人不能担任执委") in error_rows(job)
    assert not ExecutiveSeat.objects.filter(person__name="李小红").exists()
