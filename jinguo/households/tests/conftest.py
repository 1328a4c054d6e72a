"""A small ledger on the shared cast: known answers for search, scope and 不漏一户.

嵩合社区 ─┬─ 巫山组网格 (汪秀兰 = wushan_member, 甲 assigned)
          │    H1 王小红 (低保) 包保 甲
          │    H2 李梅 (低保) 包保 甲 and 乙 (two open rows: legacy data)
          └─ 程家湾组网格 (乙 assigned; 汪秀兰 assigned too)
               H3 张兰, living in 巫山组网格, 包保 乙, covered by 甲
               H4 赵芳, living in 港口一组网格, 包保 乙, no covering executive
港口村 ── 港口一组网格 (no executive)
               H5 陈静, no executive
               H6 孙丽, living in 程家湾组网格, covered by 汪秀兰 (assigned to her elsewhere)
"""

import datetime as dt
from types import SimpleNamespace

import pytest

from jinguo.households.assignments import grid_assign, household_assign
from jinguo.households.models import Category, HouseholdAssignment
from jinguo.households.services import household_set_categories, resident_add
from jinguo.households.tests.factories import executive, household, person

START = dt.date(2025, 1, 1)


@pytest.fixture
def ledger(tree, cast, people) -> SimpleNamespace:
    d = SimpleNamespace()
    d.jia = executive(tree.songhe, "甲", grid=tree.wushan)
    d.yi = executive(tree.songhe, "乙", grid=tree.chengjiawan)
    d.wang_exec = people.wushan_exec  # 汪秀兰, wushan_member's person
    for grid in (tree.wushan, tree.chengjiawan):
        grid_assign(actor=None, executive=d.wang_exec, grid=grid, start_date=START)

    d.h1 = household(tree.wushan, "WS-001", head=person(tree.wushan, "王小红", id_tail="123X"))
    d.h2 = household(tree.wushan, "WS-002", head=person(tree.wushan, "李梅"), address="巫山路8号")
    resident_add(actor=None, household=d.h2, person=person(tree.wushan, "周杰"), relation="spouse")
    d.h3 = household(
        tree.chengjiawan,
        "CJW-003",
        head=person(tree.chengjiawan, "张兰"),
        living_grid=tree.wushan,
        living_address="巫山安置小区",
    )
    d.h4 = household(
        tree.chengjiawan,
        "CJW-004",
        head=person(tree.chengjiawan, "赵芳"),
        living_grid=tree.gangkou_grid,
    )
    d.h5 = household(tree.gangkou_grid, "GK-005", head=person(tree.gangkou_grid, "陈静"))
    d.h6 = household(
        tree.gangkou_grid,
        "GK-006",
        head=person(tree.gangkou_grid, "孙丽"),
        living_grid=tree.chengjiawan,
    )

    household_assign(actor=None, household=d.h1, executive=d.jia, start_date=START)
    household_assign(actor=None, household=d.h2, executive=d.jia, start_date=START)
    HouseholdAssignment.objects.create(
        household=d.h2, executive=d.yi, kind="responsible", start_date=START
    )
    household_assign(actor=None, household=d.h3, executive=d.yi, start_date=START)
    household_assign(actor=None, household=d.h3, executive=d.jia, kind="covering", start_date=START)
    household_assign(actor=None, household=d.h4, executive=d.yi, start_date=START)
    household_assign(
        actor=None, household=d.h6, executive=d.wang_exec, kind="covering", start_date=START
    )

    d.dibao = Category.objects.get(code="dibao")
    Category.objects.filter(pk=d.dibao.pk).update(max_per_executive=1)
    d.dibao.refresh_from_db()
    for h in (d.h1, d.h2):
        household_set_categories(actor=None, household=h, categories=[d.dibao])
    return d
