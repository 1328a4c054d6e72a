"""The grouped employment figures: every unit's equal to its own, in queries that do not grow
with the number of units."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jinguo.common.grouped import Targets
from jinguo.employment import selectors, services
from jinguo.employment.tests.conftest import issue
from jinguo.employment.tests.test_selectors import _fair, _loan
from jinguo.orgs.models import OrgUnit

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def _queries(user, org, targets: Targets) -> int:
    with CaptureQueriesContext(connection) as ctx:
        selectors.employment_figures_grouped(
            user=user, org=org, start=START, end=END, targets=targets
        )
    return len(ctx.captured_queries)


def _records(cast, tree) -> None:
    actor, day = cast.township_cadre, dt.date(2026, 4, 1)
    issue(actor, _loan(actor, tree.songhe, 1), day)
    repaid = issue(actor, _loan(actor, tree.wushan, 2, "30000.50"), day)
    services.loan_repay(actor=actor, loan=repaid, repaid_on=dt.date(2026, 6, 1))
    overdue = issue(actor, _loan(actor, tree.gangkou_grid, 3), day)
    services.loan_mark_overdue(actor=actor, loan=overdue)
    _loan(actor, tree.chengjiawan, 4)  # applied only: counted nowhere
    fair = _fair(actor, tree.songhe, dt.date(2026, 3, 1), employers=3, posts_each=2)
    services.job_fair_record_results(actor=actor, fair=fair, visitors=50, intents=20)
    _fair(actor, tree.gangkou_grid, dt.date(2026, 3, 1), employers=1, posts_each=1)
    _fair(actor, tree.wushan, dt.date(2025, 3, 1), employers=1, posts_each=1)  # before


def test_each_units_grouped_employment_figures_equal_its_own(cast, tree):
    _records(cast, tree)
    user = cast.county_cadre
    units = list(OrgUnit.objects.filter(tree.ningguo.subtree_q()))
    grouped = selectors.employment_figures_grouped(
        user=user, org=tree.ningguo, start=START, end=END, targets=Targets(units)
    )
    for unit in units:
        own = selectors.employment_figures(user=user, org=unit, start=START, end=END)
        assert grouped[unit.pk] == own, unit.name
    assert any(f.value for f in grouped[tree.gangkou.pk])


def test_the_grouped_employment_figures_take_four_queries_a_level_whatever_the_number_of_units(
    cast, tree
):
    _records(cast, tree)
    user = cast.county_cadre
    every = Targets(OrgUnit.objects.filter(tree.ningguo.subtree_q()))
    two = Targets([tree.songhe, tree.wushan])
    assert len(every) > len(two) == 2
    assert _queries(user, tree.ningguo, every) == 4 * len(every.passes())
    assert _queries(user, tree.ningguo, two) == 4 * len(two.passes())
