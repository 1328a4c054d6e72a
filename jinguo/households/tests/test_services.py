import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from conftest import build_tree
from jinguo.audit.models import AuditEvent
from jinguo.households import assignments
from jinguo.households.assignments import (
    grid_assign,
    grid_unassign,
    household_assign,
    household_relocate,
    household_unassign,
)
from jinguo.households.models import (
    Category,
    GridAssignment,
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    HouseholdChange,
    categories_by_token,
)
from jinguo.households.services import (
    household_create,
    household_set_categories,
    household_update,
    resident_add,
    resident_remove,
)
from jinguo.households.tests.factories import category, executive, household, person
from jinguo.orgs.tests.factories import OrgUnitFactory

R = HouseholdAssignment.Kind.RESPONSIBLE
C = HouseholdAssignment.Kind.COVERING
D1, D2, D3 = dt.date(2025, 1, 1), dt.date(2025, 3, 1), dt.date(2025, 6, 1)


def messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def open_rows(h: Household, kind: str = R):
    return HouseholdAssignment.objects.filter(household=h, kind=kind, end_date__isnull=True)


# --- households --------------------------------------------------------------------------------


def test_household_number_is_normalised_and_the_creation_is_recorded(tree, cast):
    h = household_create(
        actor=cast.songhe_chair, grid=tree.wushan, number=" ＷＳ００１ ", address=" 巫山组3号 "
    )
    assert h.number == "WS001" and h.address == "巫山组3号"
    change = HouseholdChange.objects.get(household=h)
    assert change.action == "create" and change.actor == cast.songhe_chair
    assert change.new["number"] == "WS001"
    assert AuditEvent.objects.filter(action="household.create", target_id=str(h.pk)).exists()


def test_a_household_number_is_unique_after_normalisation(tree):
    household(tree.wushan, "WS001")
    with pytest.raises(ValidationError) as exc:
        household_create(actor=None, grid=tree.chengjiawan, number="ＷＳ001")
    assert messages(exc) == {"number": ["户号“WS001”已存在"]}


def test_a_household_belongs_to_a_grid_not_to_a_community(tree):
    with pytest.raises(ValidationError) as exc:
        household_create(actor=None, grid=tree.songhe, number="X1")
    assert "不是网格或微网格" in messages(exc)["grid"][0]
    assert not Household.objects.exists()


def test_empty_number_is_refused(tree):
    with pytest.raises(ValidationError) as exc:
        household_create(actor=None, grid=tree.wushan, number="  ")
    assert messages(exc) == {"number": ["户号不能为空"]}


def test_living_in_the_home_grid_is_not_relocated(tree):
    h = household_create(actor=None, grid=tree.wushan, number="A", living_grid=tree.wushan)
    assert h.living_grid is None and not h.is_relocated


def test_update_records_old_and_new_values_and_an_unchanged_save_records_nothing(tree, cast):
    h = household(tree.wushan, "A1", address="旧地址")
    household_update(
        actor=cast.songhe_chair, household=h, number="A1", grid=tree.wushan, address="新地址"
    )
    change = HouseholdChange.objects.filter(household=h, action="update").get()
    assert change.old["address"] == "旧地址" and change.new["address"] == "新地址"
    household_update(
        actor=cast.songhe_chair, household=h, number="A1", grid=tree.wushan, address="新地址"
    )
    assert HouseholdChange.objects.filter(household=h, action="update").count() == 1


def test_categories_change_records_old_and_new_names_and_kept_ones_keep_their_date(tree, cast):
    h = household(tree.wushan, "A1")
    dibao, disabled, alone = category("dibao"), category("disabled"), category("elderly_alone")
    household_set_categories(
        actor=cast.songhe_chair, household=h, categories=[dibao, disabled], since=D1
    )
    household_set_categories(
        actor=cast.songhe_chair, household=h, categories=[disabled, alone], since=D2
    )
    change = HouseholdChange.objects.filter(household=h, action="categories")[0]
    names = {token: c.name for token, c in categories_by_token().items()}
    assert [names[t] for t in change.old["categories"]] == ["低保", "残疾"]
    assert [names[t] for t in change.new["categories"]] == ["残疾", "独居老人"]
    codes = {token: c.code for token, c in categories_by_token().items()}
    links = HouseholdCategory.objects.filter(household=h).values_list("token", "since")
    since = {codes[token]: day for token, day in links}
    assert since == {"disabled": D1, "elderly_alone": D2}


def test_an_inactive_category_cannot_be_given(tree):
    h = household(tree.wushan, "A1")
    Category.objects.filter(code="floating").update(is_active=False)
    with pytest.raises(ValidationError) as exc:
        household_set_categories(actor=None, household=h, categories=[category("floating")])
    assert messages(exc) == {"categories": ["类别“流动人口”已停用"]}


# --- residents ---------------------------------------------------------------------------------


def test_the_head_resident_becomes_the_household_head_and_there_is_only_one(tree):
    h = household(tree.wushan, "A1")
    wang, li = person(tree.songhe, "王芳"), person(tree.songhe, "李强")
    resident_add(actor=None, household=h, person=wang, relation="head")
    h.refresh_from_db()
    assert h.head == wang
    with pytest.raises(ValidationError) as exc:
        resident_add(actor=None, household=h, person=li, relation="head")
    assert messages(exc) == {"relation": ["该户已有户主，一户只能有一名户主"]}
    resident_add(actor=None, household=h, person=li, relation="spouse")
    assert h.residents.count() == 2


def test_a_person_lives_in_one_household(tree):
    a, b = household(tree.wushan, "A1"), household(tree.wushan, "A2")
    wang = person(tree.songhe, "王芳")
    resident_add(actor=None, household=a, person=wang, relation="spouse")
    with pytest.raises(ValidationError) as exc:
        resident_add(actor=None, household=b, person=wang, relation="spouse")
    assert messages(exc) == {"person": ["王芳已是户号A1的家庭成员"]}


def test_removing_the_head_clears_the_household_head(tree):
    wang = person(tree.songhe, "王芳")
    h = household(tree.wushan, "A1", head=wang)
    resident_remove(actor=None, household=h, person=wang)
    h.refresh_from_db()
    assert h.head is None and not h.residents.exists()
    change = HouseholdChange.objects.filter(household=h, action="resident_remove").get()
    assert change.old == {"person": "王芳", "relation": "户主"}


# --- 包保 handover ------------------------------------------------------------------------------


def test_handover_ends_the_previous_assignment_on_the_new_start_date_and_keeps_it(tree, cast):
    a = executive(tree.songhe, "汪秀兰", grid=tree.wushan)
    b = executive(tree.songhe, "程丽", grid=tree.wushan)
    h = household(tree.wushan, "A1")
    first = household_assign(actor=cast.songhe_chair, household=h, executive=a, start_date=D1)
    second = household_assign(
        actor=cast.songhe_chair, household=h, executive=b, start_date=D2, reason="调岗"
    )
    first.refresh_from_db()
    assert first.end_date == D2 and second.end_date is None
    assert list(open_rows(h)) == [second]
    assert HouseholdAssignment.objects.filter(household=h).count() == 2
    change = HouseholdChange.objects.filter(household=h, action="handover").get()
    assert change.old["executive"] == ["汪秀兰"] and change.new["executive"] == ["程丽"]
    assert change.note == "调岗" and second.assigned_by == cast.songhe_chair
    assert AuditEvent.objects.filter(action="household.handover", target_id=str(h.pk)).exists()


def test_handover_ends_every_open_row_when_legacy_data_has_two(tree):
    a = executive(tree.songhe, "甲", grid=tree.wushan)
    b = executive(tree.songhe, "乙", grid=tree.wushan)
    c = executive(tree.songhe, "丙", grid=tree.wushan)
    h = household(tree.wushan, "A1")
    for p in (a, b):
        HouseholdAssignment.objects.create(household=h, executive=p, kind=R, start_date=D1)
    household_assign(actor=None, household=h, executive=c, start_date=D2)
    assert [row.executive for row in open_rows(h)] == [c]


def test_handover_cannot_predate_the_current_assignment(tree):
    a = executive(tree.songhe, "甲", grid=tree.wushan)
    b = executive(tree.songhe, "乙", grid=tree.wushan)
    h = household(tree.wushan, "A1")
    household_assign(actor=None, household=h, executive=a, start_date=D2)
    with pytest.raises(ValidationError) as exc:
        household_assign(actor=None, household=h, executive=b, start_date=D1)
    assert messages(exc) == {"start_date": ["交接日期不能早于现任开始日期2025-03-01"]}


def test_handing_over_to_the_current_executive_is_refused(tree):
    a = executive(tree.songhe, "甲", grid=tree.wushan)
    h = household(tree.wushan, "A1")
    household_assign(actor=None, household=h, executive=a, start_date=D1)
    with pytest.raises(ValidationError) as exc:
        household_assign(actor=None, household=h, executive=a, start_date=D2)
    assert messages(exc) == {"executive": ["甲已在负责该户"]}


def test_the_responsible_executive_must_be_assigned_to_the_households_grid(tree):
    elsewhere = executive(tree.songhe, "程丽", grid=tree.chengjiawan)
    h = household(tree.wushan, "A1")
    with pytest.raises(ValidationError) as exc:
        household_assign(actor=None, household=h, executive=elsewhere)
    assert messages(exc) == {"executive": ["程丽没有分配到该户所在的网格“巫山组网格”"]}
    assert not HouseholdAssignment.objects.exists()


def test_an_executive_of_the_grid_also_serves_its_micro_grids(tree):
    micro = build_micro_grid(tree)
    a = executive(tree.songhe, "甲", grid=tree.wushan)
    h = household(micro, "M1")
    assert household_assign(actor=None, household=h, executive=a).executive == a


def build_micro_grid(tree):
    return OrgUnitFactory(
        name="巫山一微网格", kind="micro_grid", code="341881001001001001", parent=tree.wushan
    )


def test_covering_is_only_for_relocated_households(tree):
    a = executive(tree.songhe, "甲", grid=tree.wushan)
    h = household(tree.wushan, "A1")
    with pytest.raises(ValidationError) as exc:
        household_assign(actor=None, household=h, executive=a, kind=C)
    assert "异地居住" in messages(exc)["kind"][0]


def test_covering_executive_must_be_assigned_where_the_family_lives(tree):
    home = executive(tree.songhe, "甲", grid=tree.wushan)
    there = executive(tree.songhe, "乙", grid=tree.chengjiawan)
    h = household(tree.wushan, "A1", living_grid=tree.chengjiawan, living_address="安置小区")
    with pytest.raises(ValidationError) as exc:
        household_assign(actor=None, household=h, executive=home, kind=C)
    assert messages(exc) == {
        "executive": ["甲没有分配到现居住网格“程家湾组网格”，不能就近联系该户"]
    }
    row = household_assign(actor=None, household=h, executive=there, kind=C)
    assert row.kind == C
    # The home grid's 包保 is a separate, independent assignment.
    household_assign(actor=None, household=h, executive=home)
    assert open_rows(h, R).count() == 1 and open_rows(h, C).count() == 1


def test_returning_home_ends_the_covering_assignment(tree, cast):
    there = executive(tree.songhe, "乙", grid=tree.chengjiawan)
    h = household(tree.wushan, "A1", living_grid=tree.chengjiawan)
    household_assign(actor=None, household=h, executive=there, kind=C, start_date=D1)
    household_relocate(actor=cast.songhe_chair, household=h, living_grid=None, living_address="")
    h.refresh_from_db()
    assert h.living_grid is None and not open_rows(h, C).exists()
    change = HouseholdChange.objects.filter(household=h, action="relocate").get()
    assert change.old["covering"] == ["乙"] and change.new["living_grid"] is None


def test_moving_to_another_grid_ends_the_old_covering_assignment(tree):
    there = executive(tree.songhe, "乙", grid=tree.chengjiawan)
    h = household(tree.wushan, "A1", living_grid=tree.chengjiawan)
    household_assign(actor=None, household=h, executive=there, kind=C, start_date=D1)
    household_relocate(
        actor=None, household=h, living_grid=tree.gangkou_grid, living_address="港口安置点"
    )
    h.refresh_from_db()
    assert h.living_grid == tree.gangkou_grid and h.living_address == "港口安置点"
    assert not open_rows(h, C).exists()


def test_relocating_to_a_village_is_refused(tree):
    h = household(tree.wushan, "A1")
    with pytest.raises(ValidationError) as exc:
        household_relocate(actor=None, household=h, living_grid=tree.gangkou, living_address="")
    assert "不是网格或微网格" in messages(exc)["living_grid"][0]


def test_unassign_ends_one_assignment_and_cannot_end_it_twice(tree):
    a = executive(tree.songhe, "甲", grid=tree.wushan)
    h = household(tree.wushan, "A1")
    row = household_assign(actor=None, household=h, executive=a, start_date=D1)
    household_unassign(actor=None, assignment=row, end_date=D2, reason="户迁出")
    row.refresh_from_db()
    assert row.end_date == D2 and not open_rows(h).exists()
    with pytest.raises(ValidationError):
        household_unassign(actor=None, assignment=row)
    assert HouseholdChange.objects.filter(household=h, action="unassign").get().note == "户迁出"


# --- executives in grids -------------------------------------------------------------------------


def test_grid_assignment_is_dated_and_unique_while_open(tree, cast):
    a = executive(tree.songhe, "甲")
    row = grid_assign(actor=cast.songhe_chair, executive=a, grid=tree.wushan, start_date=D1)
    with pytest.raises(ValidationError) as exc:
        grid_assign(actor=cast.songhe_chair, executive=a, grid=tree.wushan)
    assert messages(exc) == {"executive": ["甲已分配到该网格"]}
    grid_unassign(actor=cast.songhe_chair, assignment=row, end_date=D2)
    again = grid_assign(actor=cast.songhe_chair, executive=a, grid=tree.wushan, start_date=D3)
    assert GridAssignment.objects.filter(executive=a).count() == 2 and again.end_date is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"grid.assign", "grid.unassign"} <= actions


def test_executives_are_assigned_to_grids_only(tree):
    a = executive(tree.songhe, "甲")
    with pytest.raises(ValidationError) as exc:
        grid_assign(actor=None, executive=a, grid=tree.songhe)
    assert "grid" in messages(exc)


def test_grid_unassign_cannot_predate_the_start(tree):
    a = executive(tree.songhe, "甲")
    row = grid_assign(actor=None, executive=a, grid=tree.wushan, start_date=D2)
    with pytest.raises(ValidationError) as exc:
        grid_unassign(actor=None, assignment=row, end_date=D1)
    assert messages(exc) == {"end_date": ["结束日期不能早于开始日期"]}


# --- concurrency (PostgreSQL: SQLite has no row locks to prove anything with) ------------------


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_handovers_leave_exactly_one_open_responsible_row(monkeypatch):
    t = build_tree()
    first = executive(t.songhe, "甲", grid=t.wushan)
    rivals = [executive(t.songhe, name, grid=t.wushan) for name in ("乙", "丙")]
    h = household(t.wushan, "A1")
    household_assign(actor=None, household=h, executive=first, start_date=D1)

    # Widen the window between reading the open row and writing the new one, so that without
    # the lock on the household both handovers would end the same row and both open their own.
    end_open = assignments.end_open

    def slow_end_open(**kwargs):
        rows = end_open(**kwargs)
        time.sleep(0.3)
        return rows

    monkeypatch.setattr(assignments, "end_open", slow_end_open)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def handover(to):
        try:
            start.wait()
            household_assign(actor=None, household=h, executive=to, start_date=D2)
        except BaseException as exc:  # a failure in a thread must fail the test
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=handover, args=(p,)) for p in rivals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert open_rows(h).count() == 1
    assert HouseholdAssignment.objects.filter(household=h).count() == 3
    assert HouseholdChange.objects.filter(household=h, action="handover").count() == 2
