import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from jinguo.households.assignments import household_assign
from jinguo.households.coverage import coverage_counts
from jinguo.households.ledger import (
    LedgerRow,
    household_list,
    ledger_rows,
    ledger_values,
    my_households,
)
from jinguo.households.models import Category, Household, HouseholdAssignment
from jinguo.households.selectors import category_list, household_get_for_user
from jinguo.households.services import household_set_categories
from jinguo.households.templatetags.household_tags import open_of
from jinguo.households.tests.factories import household
from jinguo.people.models import Person


def numbers(households) -> list[str]:
    return sorted(h.number for h in households)


# --- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("王小红", ["WS-001"]),  # head's name
        ("小红", ["WS-001"]),  # part of a name
        ("周杰", ["WS-002"]),  # a resident who is not the head
        ("wxh", ["WS-001"]),  # pinyin initials
        ("WX", ["WS-001"]),  # initials typed in capitals, a prefix
        ("123x", ["WS-001"]),  # ID tail, with a lower-case x
        ("１２３Ｘ", ["WS-001"]),  # typed in full-width
        ("巫山路", ["WS-002"]),  # address
        ("安置小区", ["CJW-003"]),  # where a relocated family lives now
        ("cjw-00", ["CJW-003", "CJW-004"]),  # household number
        ("无此人", []),
    ],
)
def test_the_ledger_is_searched_by_number_name_initials_id_tail_and_address(
    ledger, cast, query, expected
):
    assert numbers(household_list(user=cast.songhe_chair, query=query)) == expected


def test_filters_by_category_grid_assignment_and_relocation(ledger, cast, tree):
    user = cast.township_cadre
    dibao = Category.objects.get(code="dibao")
    assert numbers(household_list(user=user, category=dibao)) == ["WS-001", "WS-002"]
    assert numbers(household_list(user=user, grid=tree.chengjiawan)) == ["CJW-003", "CJW-004"]
    assert numbers(household_list(user=user, unassigned=True)) == ["GK-005", "GK-006"]
    assert numbers(household_list(user=user, relocated=True)) == ["CJW-003", "CJW-004", "GK-006"]
    assert numbers(household_list(user=user, double=True)) == ["WS-002"]
    assert numbers(household_list(user=user, uncovered=True)) == ["CJW-004"]
    assert numbers(household_list(user=user, executive_id=ledger.jia.pk)) == ["WS-001", "WS-002"]


def test_filters_by_not_relocated_assigned_and_organisation(ledger, cast, tree):
    user = cast.township_cadre
    assert numbers(household_list(user=user, relocated=False)) == ["GK-005", "WS-001", "WS-002"]
    assigned = numbers(household_list(user=user, unassigned=False))
    assert assigned == ["CJW-003", "CJW-004", "WS-001", "WS-002"]
    assert numbers(household_list(user=user, org=tree.gangkou)) == ["GK-005", "GK-006"]


def test_filters_by_visit_plan_and_ignores_an_unknown_plan(ledger, cast):
    today = timezone.localdate()
    Household.objects.filter(pk=ledger.h1.pk).update(
        visit_interval_days=30, visit_due_on=today - dt.timedelta(days=1)
    )
    Household.objects.filter(pk=ledger.h2.pk).update(visit_interval_days=30, visit_due_on=today)
    user = cast.township_cadre
    assert numbers(household_list(user=user, plan="key")) == ["WS-001", "WS-002"]
    assert numbers(household_list(user=user, plan="on_time")) == ["WS-002"]
    assert numbers(household_list(user=user, plan="overdue")) == ["WS-001"]
    assert len(household_list(user=user, plan="bogus")) == 6


def test_the_list_brings_head_grids_categories_and_executives_without_a_query_per_row(
    ledger, cast, tree, count_queries
):
    def run():
        for h in household_list(user=cast.township_cadre):
            _ = (h.head and h.head.name, h.grid.name, h.living_grid and h.living_grid.name)
            _ = [c.name for c in h.held_categories]
            _ = [a.executive.name for a in open_of(h, "responsible") + open_of(h, "covering")]

    few = count_queries(run)
    for i in range(12):
        h = household(tree.wushan, f"X{i:03d}")
        household_assign(actor=None, household=h, executive=ledger.jia)
        household_set_categories(actor=None, household=h, categories=[ledger.dibao])
    assert count_queries(run) == few


def ledger_page(user, **filters) -> dict[str, LedgerRow]:
    categories = list(category_list(active_only=False))
    values = ledger_values(household_list(user=user, **filters))
    return {row.number: row for row in ledger_rows(values, categories=categories)}


def test_ledger_rows_hold_what_the_models_hold_for_every_household(ledger, cast):
    user = cast.township_cadre
    rows = ledger_page(user)
    households = list(household_list(user=user))
    assert list(rows) == [h.number for h in households]  # the ledger's order
    for h in households:
        row = rows[h.number]
        assert row.pk == h.pk
        assert (row.grid_name, row.is_relocated, row.address) == (
            h.grid.name,
            h.is_relocated,
            h.address,
        )
        assert row.living_grid_name == (h.living_grid.name if h.living_grid else None)
        assert (row.has_head, row.head_name) == (h.head is not None, h.head.name if h.head else "")
        assert row.head_id_tail == (h.head.id_tail if h.head else "")
        assert row.categories == list(h.held_categories)
        assert row.responsible == [a.executive.name for a in open_of(h, "responsible")]
        assert row.covering == [a.executive.name for a in open_of(h, "covering")]


def test_ledger_rows_name_two_responsible_executives_and_the_nearby_one(ledger, cast, tree):
    rows = ledger_page(cast.township_cadre)
    assert rows["WS-002"].responsible == ["甲", "乙"]
    assert rows["CJW-003"].is_relocated and rows["CJW-003"].covering == ["甲"]
    assert rows["CJW-003"].living_grid_name == tree.wushan.name
    assert rows["GK-005"].responsible == [] and not rows["GK-005"].is_relocated
    assert [c.code for c in rows["WS-001"].categories] == ["dibao"]
    assert rows["WS-001"].head_id_tail == "123X"


def test_ledger_rows_list_executives_oldest_first_and_keep_any_name_whole(ledger, cast, tree):
    h = household(tree.wushan, "ORD-1")
    later = Person.objects.create(org=tree.wushan, name="王, 小|红 (新)")
    earlier = Person.objects.create(org=tree.wushan, name="李 四")
    for person, day in ((later, dt.date(2025, 3, 1)), (earlier, dt.date(2024, 12, 31))):
        HouseholdAssignment.objects.create(
            household=h, executive=person, kind="responsible", start_date=day
        )
    assert ledger_page(cast.township_cadre)["ORD-1"].responsible == ["李 四", "王, 小|红 (新)"]


def test_ledger_rows_take_three_queries_whatever_the_page_size(ledger, cast, tree, count_queries):
    def run():
        return ledger_page(cast.township_cadre)

    few = count_queries(run)
    for i in range(12):
        h = household(tree.wushan, f"X{i:03d}")
        household_assign(actor=None, household=h, executive=ledger.jia)
        household_set_categories(actor=None, household=h, categories=[ledger.dibao])
    assert count_queries(run) == few == 3  # categories, households, executives and categories


def test_an_empty_ledger_page_reads_no_executives(cast, count_queries):
    assert count_queries(lambda: ledger_rows([], categories=[])) == 0


# --- scope -------------------------------------------------------------------------------------


def test_a_grid_member_sees_her_grid_those_living_there_and_those_assigned_to_her(ledger, cast):
    seen = numbers(household_list(user=cast.wushan_member))
    # H6's home is another village's grid and it lives in 程家湾: she sees it only because she
    # covers it; 程家湾's own H4 and 港口's H5 stay hidden.
    assert seen == ["CJW-003", "GK-006", "WS-001", "WS-002"]
    assert numbers(my_households(user=cast.wushan_member)) == seen


def test_my_households_of_a_cadre_are_those_assigned_to_her_person(ledger, cast, tree):
    cast.songhe_chair.person = ledger.yi
    cast.songhe_chair.save(update_fields=["person"])
    assert numbers(my_households(user=cast.songhe_chair)) == ["CJW-003", "CJW-004", "WS-002"]


def test_another_villages_household_is_404_and_a_leader_may_not_write(ledger, cast):
    with pytest.raises(Http404):
        household_get_for_user(user=cast.gangkou_chair, household_id=ledger.h1.pk)
    assert household_get_for_user(user=cast.county_leader, household_id=ledger.h1.pk)
    with pytest.raises(PermissionDenied):
        household_get_for_user(user=cast.county_leader, household_id=ledger.h1.pk, for_write=True)


def test_a_relocated_family_is_visible_where_it_lives(ledger, cast):
    # H4's home is 程家湾 (嵩合社区), it lives in 港口一组网格: 港口村 sees it too.
    assert numbers(household_list(user=cast.gangkou_chair)) == ["CJW-004", "GK-005", "GK-006"]


def test_administrators_see_no_households(ledger, cast):
    for admin in (cast.system_admin, cast.security_admin, cast.audit_admin):
        assert not household_list(user=admin).exists()


# --- 不漏一户 ------------------------------------------------------------------------------------


def counts(c) -> dict[str, int]:
    return {
        "households": c.households,
        "unassigned": c.unassigned,
        "double": c.double,
        "unstaffed_grids": c.unstaffed_grids,
        "uncovered": c.uncovered,
        "over_quota": c.over_quota,
    }


def test_coverage_counts_the_subtree_and_each_direct_child(ledger, cast, tree):
    coverage = coverage_counts(user=cast.township_cadre, org=tree.helixi)
    assert counts(coverage.total) == {
        "households": 6,
        "unassigned": 2,
        "double": 1,
        "unstaffed_grids": 1,
        "uncovered": 1,
        "over_quota": 1,
    }
    by_child = {org.name: counts(c) for org, c in coverage.children}
    assert by_child == {
        "嵩合社区": {
            "households": 4,
            "unassigned": 0,
            "double": 1,
            "unstaffed_grids": 0,
            "uncovered": 1,
            "over_quota": 1,
        },
        "港口村": {
            "households": 2,
            "unassigned": 2,
            "double": 0,
            "unstaffed_grids": 1,
            "uncovered": 0,
            "over_quota": 0,
        },
    }
    [pair] = coverage.over_quota
    assert (pair.executive_name, pair.category_name, pair.households, pair.limit) == (
        "甲",
        "低保",
        2,
        1,
    )


def test_over_quota_list_holds_the_households_of_the_pairs_over_the_cap(ledger, cast, tree):
    over = household_list(user=cast.township_cadre, org=tree.helixi, over_quota=True)
    assert numbers(over) == ["WS-001", "WS-002"]


def test_categories_without_a_cap_are_never_over_quota(ledger, cast, tree):
    Category.objects.update(max_per_executive=None)
    assert coverage_counts(user=cast.township_cadre, org=tree.helixi).total.over_quota == 0


def test_coverage_of_a_village_does_not_count_its_neighbour(ledger, cast, tree):
    coverage = coverage_counts(user=cast.songhe_chair, org=tree.songhe)
    assert coverage.total.households == 4 and coverage.total.unstaffed_grids == 0
    assert [org.name for org, _ in coverage.children] == ["巫山组网格", "程家湾组网格"]


def test_coverage_takes_five_queries_whatever_the_size(ledger, cast, tree, count_queries):
    def run():
        coverage_counts(user=cast.city_cadre, org=tree.city)

    run()  # once per unit instance: whether the city is the tree's only root (holds_every_unit)
    few = count_queries(run)
    for i in range(10):
        household(tree.gangkou_grid, f"Y{i:03d}")
    assert count_queries(run) == few == 5  # the capped categories, then four
