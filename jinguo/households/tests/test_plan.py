"""The stored visit plan (households.plan) against the computation it replaced: after writes
through the services, the stored fields equal the smallest interval of the active categories
and the latest visit, computed from scratch in Python."""

import datetime as dt
from typing import Any

import pytest
from django.db.models import Max
from django.utils import timezone

from jinguo.households.models import Category, Household, HouseholdCategory, categories_by_token
from jinguo.households.plan import plan_refresh, plan_refresh_category, plan_visit_logged
from jinguo.households.services import category_save, household_set_categories
from jinguo.households.tests.factories import household
from jinguo.imports.tests.conftest import (  # noqa: F401 (fixtures used by name)
    _imports_settings,
    grid_execs,
    id_number,
    member,
    roster,
    run_import,
)
from jinguo.visits.models import Visit
from jinguo.visits.services import visit_log

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def computed_plan() -> dict[str, tuple[Any, Any, Any]]:
    """The plan computed the slow way, in Python from every visit and link: number → (last
    visit, interval, due)."""
    by_token = categories_by_token()
    links: dict[int, list[int]] = {}
    for household_id, token in HouseholdCategory.objects.values_list("household_id", "token"):
        c = by_token[token]
        if c.is_active:
            links.setdefault(household_id, []).append(c.visit_interval_days)
    plan = {}
    rows = Household.objects.annotate(last=Max("visits__visited_on"))
    for pk, number, last, created_at in rows.values_list("pk", "number", "last", "created_at"):
        interval = min(links[pk]) if pk in links else None
        base = last or timezone.localtime(created_at).date()
        due = base + dt.timedelta(days=interval) if interval is not None else None
        plan[number] = (last, interval, due)
    return plan


def stored_plan() -> dict[str, tuple[Any, Any, Any]]:
    rows = Household.objects.values_list(
        "number", "last_visited_on", "visit_interval_days", "visit_due_on"
    )
    return {number: (last, interval, due) for number, last, interval, due in rows}


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def log(actor, h: Household, days_ago: int) -> Visit:
    return visit_log(
        actor=actor,
        household=h,
        channel="home",
        services=["policy"],
        visited_on=TODAY - dt.timedelta(days=days_ago),
    )


def retune(actor, c: Category, **fields: Any) -> None:
    changes = {name: [getattr(c, name), value] for name, value in fields.items()}
    for name, value in fields.items():
        setattr(c, name, value)
    category_save(actor=actor, category=c, changes=changes, created=False)


def test_the_stored_plan_equals_the_old_computation_after_every_kind_of_write(
    cast,
    tree,
    default_categories,
    grid_execs,  # noqa: F811 (imported fixtures)
    run_import,  # noqa: F811 (imported fixtures)
):
    actor = cast.songhe_chair
    a = household(tree.wushan, "A")  # never categorised
    b = household(tree.wushan, "B")
    c = household(tree.chengjiawan, "C")
    assert stored_plan() == computed_plan()

    household_set_categories(actor=actor, household=b, categories=[category("dibao")])
    household_set_categories(
        actor=actor, household=c, categories=[category("dibao"), category("elderly_alone")]
    )
    assert stored_plan() == computed_plan()

    log(actor, a, 3)
    log(actor, b, 10)
    log(actor, b, 40)  # back-dated behind the last visit: the plan must not move back
    log(actor, c, 5)
    assert stored_plan() == computed_plan()
    assert stored_plan()["B"][0] == TODAY - dt.timedelta(days=10)

    household_set_categories(actor=actor, household=c, categories=[category("dibao")])
    retune(actor, category("dibao"), visit_interval_days=12)
    assert stored_plan() == computed_plan()
    assert stored_plan()["B"][1] == 12

    retune(actor, category("dibao"), is_active=False)
    assert stored_plan() == computed_plan()
    assert stored_plan()["B"] == (TODAY - dt.timedelta(days=10), None, None)

    job = run_import(
        actor,
        tree.songhe,
        roster(
            member("IMP-1", tree.wushan.code, "王秀英", "户主", id_number(seq=1), 重点类别="残疾"),
            member(
                "C", tree.chengjiawan.code, "张兰", "户主", id_number(seq=3), 重点类别="独居老人"
            ),
        ),
    )
    assert job.status == "done", job.message
    assert stored_plan() == computed_plan()
    assert stored_plan()["C"][1] == category("elderly_alone").visit_interval_days
    assert stored_plan()["IMP-1"][1] == category("disabled").visit_interval_days


def test_plan_refresh_recomputes_rows_written_behind_its_back(cast, tree, default_categories):
    h = household(tree.wushan, "H")
    household_set_categories(actor=None, household=h, categories=[category("dibao")])
    Visit.objects.create(
        household=h, visited_by=cast.songhe_chair, org=h.grid, channel="home",
        visited_on=dt.date(2025, 3, 1),
    )  # fmt: skip
    other = household(tree.wushan, "untouched")
    Household.objects.update(visit_due_on=None)

    assert plan_refresh(household_ids=[h.pk]) == 1
    h.refresh_from_db()
    interval = category("dibao").visit_interval_days
    assert (h.last_visited_on, h.visit_interval_days) == (dt.date(2025, 3, 1), interval)
    assert h.visit_due_on == dt.date(2025, 3, 1) + dt.timedelta(days=interval)
    other.refresh_from_db()
    assert other.visit_due_on is None
    assert plan_refresh() == 2
    assert stored_plan() == computed_plan()


def test_a_household_never_visited_is_due_an_interval_after_its_registration_day(
    tree, default_categories
):
    h = household(tree.wushan, "H")
    registered = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)
    Household.objects.filter(pk=h.pk).update(created_at=registered)
    household_set_categories(actor=None, household=h, categories=[category("elderly_alone")])
    h.refresh_from_db()
    interval = category("elderly_alone").visit_interval_days
    assert h.last_visited_on is None
    assert h.visit_due_on == timezone.localtime(registered).date() + dt.timedelta(days=interval)


def test_plan_refresh_category_reaches_every_household_holding_it(tree, default_categories):
    holders = [household(tree.wushan, f"H{i}") for i in range(3)]
    for h in holders:
        household_set_categories(actor=None, household=h, categories=[category("dibao")])
    Category.objects.filter(code="dibao").update(visit_interval_days=3)
    assert plan_refresh_category(category_id=category("dibao").pk) == 3
    assert {h.visit_interval_days for h in Household.objects.all()} == {3}


def test_plan_visit_logged_only_moves_the_last_visit_forward(tree, default_categories):
    h = household(tree.wushan, "H")
    household_set_categories(actor=None, household=h, categories=[category("dibao")])
    plan_visit_logged(household_id=h.pk, visited_on=dt.date(2025, 3, 10))
    plan_visit_logged(household_id=h.pk, visited_on=dt.date(2025, 2, 1))
    h.refresh_from_db()
    assert h.last_visited_on == dt.date(2025, 3, 10)
    interval = category("dibao").visit_interval_days
    assert h.visit_due_on == dt.date(2025, 3, 10) + dt.timedelta(days=interval)


def test_an_unplanned_household_keeps_a_null_due_day_when_visited(cast, tree, default_categories):
    h = household(tree.wushan, "H")
    log(cast.songhe_chair, h, 1)
    h.refresh_from_db()
    assert (h.last_visited_on, h.visit_interval_days, h.visit_due_on) == (
        TODAY - dt.timedelta(days=1),
        None,
        None,
    )
