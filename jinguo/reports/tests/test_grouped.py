"""Every section's grouped reader gives each unit exactly what that unit's own dashboard gives
(key, label, value, link, unit), on the demo tree: every level of the county, the township's
communities and villages, their grids, mixed in one set — for this year and for a past
quarter, as the county cadre and as the township cadre sees them."""

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.common.figures import Figure
from jinguo.common.grouped import Targets, grouped_count, grouped_counts
from jinguo.orgs.models import OrgUnit
from jinguo.reports.many import units_figures
from jinguo.reports.sections import SECTIONS

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def demo(db) -> None:
    call_command("load_demo", villages=3, stdout=StringIO())


def _plain(figures: list[Figure]) -> list[tuple[Any, ...]]:
    return [(f.key, str(f.label), f.value, f.url, str(f.unit)) for f in figures]


def _periods() -> list[tuple[dt.date, dt.date]]:
    today = timezone.localdate()
    return [(today.replace(month=1, day=1), today), (dt.date(2026, 4, 1), dt.date(2026, 6, 30))]


@pytest.mark.parametrize("username", ["ningguo", "helixi"])
def test_each_units_grouped_figures_equal_its_own_dashboards(demo, username):
    user = User.objects.get(username=username)
    org = user.org
    assert org is not None
    units = list(OrgUnit.objects.filter(org.subtree_q(), is_active=True).order_by("path"))
    assert len({len(u.path) for u in units}) >= 3  # several levels in one set
    grouped = {spec.key for spec in SECTIONS if spec.grouped is not None}
    assert grouped == {spec.key for spec in SECTIONS}  # every section reads many units at once
    for start, end in _periods():
        many = units_figures(
            user=user, org=org, start=start, end=end, units=units, sections=grouped
        )
        for unit in units:
            for spec, figures in many[unit.pk]:
                own = spec.section(
                    user=user, org=unit, start=start, end=end, org_children=[]
                ).figures  # what the unit's dashboard shows
                assert _plain(figures) == _plain(own), (spec.key, unit.name, start, end)


def test_grouped_counts_count_each_row_for_the_target_it_lies_under(demo):
    from django.db.models import Q

    from jinguo.visits.models import Visit

    county = OrgUnit.objects.get(name="宁国市")
    songhe = OrgUnit.objects.get(name="嵩合社区")
    grids = list(OrgUnit.objects.filter(parent=songhe, is_active=True))
    targets = Targets([county, songhe, *grids])
    visits = Visit.objects.all()
    counts = grouped_counts(visits, {"all": Q()}, path_field="org__path", targets=targets)
    assert counts[songhe.pk]["all"] == visits.filter(songhe.subtree_q("org__")).count()
    assert counts[county.pk]["all"] == visits.filter(county.subtree_q("org__")).count()
    for grid in grids:
        expected = visits.filter(grid.subtree_q("org__")).count()
        assert counts[grid.pk]["all"] == expected
    assert sum(counts[g.pk]["all"] for g in grids) == counts[songhe.pk]["all"] > 0
    plain = grouped_count(visits, path_field="org__path", targets=targets)
    assert plain == {pk: c["all"] for pk, c in counts.items()}
