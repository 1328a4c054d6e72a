"""A visit plan with known answers (today = 2025-03-20, a Thursday; all registered 2025-01-01).

嵩合社区 ─┬─ 巫山组网格 (wushan_member = 汪秀兰)
          │    WS-1 独居老人 (7 d), last visit 03-10 → due 03-17: overdue
          │    WS-2 低保 (30 d), last visit 03-01 → due 03-31: not this week
          │    WS-3 no category: never planned
          │    WS-4 独居老人 + 低保 → 7 d, last visit 03-15 → due 03-22: this week
          └─ 程家湾组网格
               CJW-5 低保, never visited → due 01-31: overdue
港口村 ── 港口一组网格
               GK-6 独居老人, last visit 03-14 → due 03-21: this week
               GK-7 低保, last visit 02-01 → due 03-03: overdue
"""

import datetime as dt
from types import SimpleNamespace

import pytest

from jinguo.households.models import Category, Household
from jinguo.households.plan import plan_refresh
from jinguo.households.services import household_set_categories
from jinguo.households.tests.factories import household, person
from jinguo.visits.models import Visit

TODAY = dt.date(2025, 3, 20)
REGISTERED = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)


def visit(h: Household, day: dt.date, user) -> Visit:
    return Visit.objects.create(
        household=h, visited_by=user, org=h.grid, channel="home", visited_on=day
    )


@pytest.fixture
def plan(tree, cast, people, default_categories) -> SimpleNamespace:
    d = SimpleNamespace()
    alone = Category.objects.get(code="elderly_alone")
    dibao = Category.objects.get(code="dibao")
    d.alone, d.dibao = alone, dibao
    rows = [
        ("ws1", tree.wushan, "WS-1", [alone], dt.date(2025, 3, 10)),
        ("ws2", tree.wushan, "WS-2", [dibao], dt.date(2025, 3, 1)),
        ("ws3", tree.wushan, "WS-3", [], None),
        ("ws4", tree.wushan, "WS-4", [alone, dibao], dt.date(2025, 3, 15)),
        ("cjw5", tree.chengjiawan, "CJW-5", [dibao], None),
        ("gk6", tree.gangkou_grid, "GK-6", [alone], dt.date(2025, 3, 14)),
        ("gk7", tree.gangkou_grid, "GK-7", [dibao], dt.date(2025, 2, 1)),
    ]
    for attr, grid, number, categories, last in rows:
        h = household(grid, number, head=person(grid, f"户主{number}"))
        if categories:
            household_set_categories(actor=None, household=h, categories=categories)
        if last is not None:
            visit(h, last - dt.timedelta(days=20), cast.songhe_chair)  # an older one
            visit(h, last, cast.songhe_chair)
        setattr(d, attr, h)
    Household.objects.update(created_at=REGISTERED)
    # Visits and registration days written straight to the tables: refresh the stored plan,
    # as the data migration does for existing rows.
    plan_refresh()
    return d
