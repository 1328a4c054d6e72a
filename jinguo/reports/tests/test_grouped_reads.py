"""The grouped readers of 不漏一户, 走访执委微心愿 and 矛盾纠纷化解: as many queries for every unit
of the demo county as for one unit of each level, and 不漏一户 from fresh tallies giving each
unit what its own dashboard gives from them."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.common.figures import Figure
from jinguo.common.grouped import Targets
from jinguo.orgs.models import OrgUnit
from jinguo.reports import tallies
from jinguo.reports.coverage import coverage_grouped, coverage_read
from jinguo.reports.sections import SECTIONS

pytestmark = pytest.mark.django_db(transaction=False)

MINE = ("coverage", "work", "cases")


@pytest.fixture
def demo(db) -> None:
    call_command("load_demo", villages=3, stdout=StringIO())


def _plain(figures: list[Figure]) -> list[tuple[Any, ...]]:
    return [(f.key, str(f.label), f.value, f.url, str(f.unit)) for f in figures]


def _county() -> tuple[User, OrgUnit, list[OrgUnit]]:
    user = User.objects.get(username="ningguo")
    assert user.org is not None
    units = list(OrgUnit.objects.filter(user.org.subtree_q(), is_active=True).order_by("path"))
    return user, user.org, units


def test_grouped_reads_take_as_many_queries_for_the_whole_county_as_for_one_unit_a_level(demo):
    user, org, units = _county()
    one_a_level = list({len(u.path): u for u in units}.values())
    assert len(units) > 3 * len(one_a_level)
    today = timezone.localdate()
    period = {"user": user, "org": org, "start": today.replace(month=1, day=1), "end": today}
    for spec in SECTIONS:
        if spec.key not in MINE:
            continue
        assert spec.grouped is not None, spec.key
        counted = []
        for some in (units, one_a_level):
            with CaptureQueriesContext(connection) as queries:
                got = spec.grouped(targets=Targets(some), **period)
            assert set(got) == {u.pk for u in some}
            counted.append(len(queries.captured_queries))
        assert counted[0] == counted[1], (spec.key, counted)


def test_grouped_coverage_from_fresh_tallies_equals_each_units_own(demo, monkeypatch):
    run = tallies.tallies_refresh()
    monkeypatch.setattr(tallies, "tallies_fresh", lambda **_: run)  # however slow the test
    user, org, units = _county()
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    with CaptureQueriesContext(connection) as queries:
        many = coverage_grouped(user=user, org=org, start=start, end=today, targets=Targets(units))
    assert all("reports_unittally" in q["sql"] for q in queries.captured_queries)
    for unit in units:
        own = coverage_read(user=user, org=unit, start=start, end=today).figures
        assert _plain(many[unit.pk]) == _plain(own), unit.name
    assert any(f.value for f in many[org.pk])
