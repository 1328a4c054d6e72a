"""The grouped readers of meetings, activities and trainings read any number of units in a
fixed number of queries per path length: every unit of the county is as cheap as two."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jinguo.activities.figures import activities_figures_grouped
from jinguo.common.grouped import Targets
from jinguo.meetings.figures import meeting_figures_grouped
from jinguo.orgs.models import OrgUnit
from jinguo.trainings.figures import trainings_figures_grouped

pytestmark = pytest.mark.django_db

READERS = [meeting_figures_grouped, activities_figures_grouped, trainings_figures_grouped]


def _queries_per_pass(reader, *, user, org, targets: Targets) -> float:
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as ctx:
        got = reader(
            user=user, org=org, start=today.replace(month=1, day=1), end=today, targets=targets
        )
    assert set(got) == {unit.pk for unit in targets}
    return len(ctx.captured_queries) / len(targets.passes())


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_grouped_figures_of_every_unit_cost_the_queries_of_two_units(tree, cast, reader):
    units = list(OrgUnit.objects.filter(tree.ningguo.subtree_q(), is_active=True))
    every = Targets(units)
    two = Targets([tree.songhe, tree.gangkou])
    assert len(every) > len(two) and len(every.passes()) > 1
    user, org = cast.county_cadre, tree.ningguo
    per_pass = _queries_per_pass(reader, user=user, org=org, targets=every)
    assert per_pass == _queries_per_pass(reader, user=user, org=org, targets=two)
    assert per_pass == int(per_pass) > 0
