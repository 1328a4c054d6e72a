"""The grouped honours figures: every unit's equal to its own, in queries that do not grow
with the number of units."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jinguo.common.grouped import Targets
from jinguo.honours import selectors, services
from jinguo.honours.tests.test_selectors import _approved_family
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def _queries(user, org, targets: Targets) -> int:
    with CaptureQueriesContext(connection) as ctx:
        selectors.honours_figures_grouped(user=user, org=org, start=START, end=END, targets=targets)
    return len(ctx.captured_queries)


def _honours(cast, tree) -> None:
    _approved_family(cast, tree.wushan, "characteristic", dt.date(2026, 5, 1), theme="书香")
    _approved_family(cast, tree.chengjiawan, "model", dt.date(2026, 5, 2))
    _approved_family(cast, tree.gangkou_grid, "model", dt.date(2026, 6, 2))
    _approved_family(cast, tree.wushan, "model", dt.date(2025, 5, 2))  # before the period
    services.individual_honour_nominate(
        actor=cast.songhe_chair,
        person=Person.objects.create(org=tree.songhe, name="乙", gender="F"),
        title="march8_red_flag",
        level="village",
        year=2026,
    )


def test_each_units_grouped_honours_figures_equal_its_own(cast, tree, family):
    _honours(cast, tree)
    user = cast.county_cadre
    units = list(OrgUnit.objects.filter(tree.ningguo.subtree_q()))
    grouped = selectors.honours_figures_grouped(
        user=user, org=tree.ningguo, start=START, end=END, targets=Targets(units)
    )
    for unit in units:
        own = selectors.honours_figures(user=user, org=unit, start=START, end=END)
        assert grouped[unit.pk] == own, unit.name
    assert any(f.value for f in grouped[tree.songhe.pk])


def test_the_grouped_honours_figures_take_two_queries_a_level_whatever_the_number_of_units(
    cast, tree, family
):
    _honours(cast, tree)
    user = cast.county_cadre
    every = Targets(OrgUnit.objects.filter(tree.ningguo.subtree_q()))
    two = Targets([tree.songhe, tree.wushan])
    assert len(every) > len(two) == 2
    assert _queries(user, tree.ningguo, every) == 2 * len(every.passes())
    assert _queries(user, tree.ningguo, two) == 2 * len(two.passes())
