"""The demo part, built on the cast tree with the demo's usernames (the full load_demo is
slower than a unit test should be)."""

from jinguo.accounts.models import User
from jinguo.accounts.tests.factories import UserFactory
from jinguo.activities import selectors
from jinguo.activities.models import Activity, ActivitySeries
from jinguo.activities.tests.conftest import past
from jinguo.demo.activities import ActivitiesDemo
from jinguo.orgs.models import Venue
from jinguo.people.models import Person


def test_the_demo_builds_the_haircut_series_festivals_and_two_teams(tree, cast):
    UserFactory(username="songhe", role=User.Role.CADRE, org=tree.songhe)
    UserFactory(username="helixi", role=User.Role.CADRE, org=tree.helixi)
    Venue.objects.create(org=tree.songhe, kind="women_home", name="嵩合社区妇女之家")
    for i in range(10):
        Person.objects.create(org=tree.wushan, name=f"居民{i}", gender="F")
    for i in range(4):
        Person.objects.create(org=tree.gangkou, name=f"港口{i}", gender="F")
    summary = ActivitiesDemo({"songhe": tree.songhe, "helixi": tree.helixi}).build()
    assert "爱心义剪12次" in summary or "爱心义剪13次" in summary
    series = ActivitySeries.objects.get(title="爱心义剪")
    held = series.occurrences.filter(status=Activity.Status.HELD)
    assert all(a.starts_on.day == 17 and 15 <= (a.headcount or 0) <= 40 for a in held)
    assert series.occurrences.filter(status=Activity.Status.PLANNED).count() >= 2
    figures = {
        f.key: f.value
        for f in selectors.activities_figures(
            user=cast.township_cadre, org=tree.helixi, start=past(400), end=past(0)
        )
    }
    assert figures["activities.teams"] == 2 and figures["activities.volunteers"] == 12
    assert figures["activities.held.festival"] == 3 and figures["activities.service_hours"] > 0
