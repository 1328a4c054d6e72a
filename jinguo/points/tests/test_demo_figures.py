"""On the demo, Songhe's points figures: executives with points are among its 9 executives,
and the executives and volunteers with points are what their lists show."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.orgs.models import OrgUnit
from jinguo.people.selectors import executive_figures
from jinguo.points import selectors


@pytest.fixture
def songhe(db) -> OrgUnit:
    call_command("load_demo", villages=3, stdout=StringIO())
    return OrgUnit.objects.get(name="嵩合社区")


def test_songhe_executives_with_points_are_among_its_nine_executives(songhe, client):
    cadre = User.objects.get(username="songhe")
    today = timezone.localdate()
    start = today - dt.timedelta(days=365)
    figures = {
        f.key: f for f in selectors.points_figures(user=cadre, org=songhe, start=start, end=today)
    }
    executives = executive_figures(user=cadre, org=songhe).total.value
    assert executives == 9
    assert 0 < figures["points.executives"].value <= executives
    client.force_login(cadre)
    for key in ("points.executives", "points.volunteers"):
        listed = client.get(figures[key].url).context["page"].paginator.count
        assert figures[key].value == listed, key
