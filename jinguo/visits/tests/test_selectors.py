import datetime as dt
from typing import Any

from jinguo.households.plan import plan_refresh
from jinguo.households.services import household_set_categories
from jinguo.households.tests.factories import household
from jinguo.visits import selectors
from jinguo.visits.tests.conftest import REGISTERED, TODAY


def numbers(households) -> list[str]:
    return [h.number for h in households]


def test_todo_lists_overdue_first_then_due_this_week_from_intervals_and_last_visits(plan, cast):
    rows: list[Any] = list(selectors.visit_todo(user=cast.township_cadre, today=TODAY))
    assert numbers(rows) == ["CJW-5", "GK-7", "WS-1", "GK-6", "WS-4"]
    due = {h.number: h.due for h in rows}
    assert due["WS-1"] == dt.date(2025, 3, 17)  # 独居老人: 7 days after 03-10
    assert due["CJW-5"] == dt.date(2025, 1, 31)  # never visited: 30 days after registration
    assert due["WS-4"] == dt.date(2025, 3, 22)  # both categories: the smaller interval wins


def test_overdue_are_exactly_those_due_before_today(plan, cast):
    overdue = selectors.visit_overdue(user=cast.township_cadre, today=TODAY)
    assert sorted(numbers(overdue)) == ["CJW-5", "GK-7", "WS-1"]


def test_a_grid_members_todo_holds_only_her_households(plan, cast):
    rows = selectors.visit_todo(user=cast.wushan_member, today=TODAY)
    assert numbers(rows) == ["WS-1", "WS-4"]


def test_households_without_a_category_are_not_planned(plan, cast):
    far = TODAY + dt.timedelta(days=400)
    assert "WS-3" not in numbers(selectors.visit_todo(user=cast.township_cadre, today=far))


def test_overdue_counts_roll_up_per_child_unit(plan, cast, tree):
    counts = selectors.overdue_counts(user=cast.township_cadre, org=tree.helixi, today=TODAY)
    assert counts.total == 3
    assert [(child.name, n) for child, n in counts.children] == [("嵩合社区", 2), ("港口村", 1)]
    per_grid = selectors.overdue_counts(user=cast.songhe_chair, org=tree.songhe, today=TODAY)
    assert {c.name: n for c, n in per_grid.children} == {"巫山组网格": 1, "程家湾组网格": 1}


def test_overdue_counts_stay_in_the_users_scope(plan, cast, tree):
    counts = selectors.overdue_counts(user=cast.songhe_chair, org=tree.songhe, today=TODAY)
    assert counts.total == 2


def test_todo_runs_the_same_number_of_queries_at_n_and_3n(plan, cast, tree, count_queries):
    def grow(n: int) -> None:
        for i in range(n):
            h = household(tree.wushan, f"X-{n}-{i}")
            household_set_categories(actor=None, household=h, categories=[plan.alone])
        type(plan.ws1).objects.update(created_at=REGISTERED)
        plan_refresh()

    def run() -> None:
        list(selectors.visit_todo(user=cast.wushan_member, today=TODAY))

    grow(3)
    small = count_queries(run)
    grow(9)
    assert count_queries(run) == small
    assert len(selectors.visit_todo(user=cast.wushan_member, today=TODAY)) == 2 + 12


def test_the_picker_puts_overdue_households_on_top(plan, cast):
    rows = selectors.household_picker(user=cast.wushan_member, today=TODAY)
    assert numbers(rows)[0] == "WS-1"
    assert set(numbers(rows)) == {"WS-1", "WS-2", "WS-3", "WS-4"}


def test_the_picker_search_shows_her_households_first(plan, cast):
    rows = selectors.household_picker(user=cast.songhe_chair, query="-", today=TODAY)
    assert "GK-6" not in numbers(rows)
    assert numbers(rows)[0] == "CJW-5"  # overdue first


def test_visit_list_is_scoped(plan, cast):
    assert selectors.visit_list(user=cast.songhe_chair).filter(household=plan.gk6).count() == 0
    assert selectors.visit_list(user=cast.township_cadre, household=plan.gk6).count() == 2
