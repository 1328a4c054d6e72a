"""Activities at Songhe (and one at 港口村) with a venue, for every test of the app.

嵩合社区: 妇女之家 (venue), 汪秀兰/程丽 (people fixture) and a resident 李梅
港口村: 港口村妇女之家, 港红梅
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from jinguo.activities import services, volunteers
from jinguo.common.tests.upload_samples import image
from jinguo.orgs.models import Venue
from jinguo.people.models import Person

PNG = image("PNG")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def past(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def world(tree, cast, people) -> SimpleNamespace:
    w = SimpleNamespace()
    w.home = Venue.objects.create(org=tree.songhe, kind="women_home", name="嵩合社区妇女之家")
    w.gangkou_home = Venue.objects.create(
        org=tree.gangkou, kind="women_home", name="港口村妇女之家"
    )
    w.resident = Person.objects.create(org=tree.wushan, name="李梅", gender="F")
    w.activity = services.activity_create(
        actor=cast.songhe_chair,
        org=tree.songhe,
        kind="festival",
        title="三八妇女节游园",
        starts_on=past(3),
        venue=w.home,
        organisers=[people.wushan_exec],
    )
    w.gangkou_activity = services.activity_create(
        actor=cast.gangkou_chair,
        org=tree.gangkou,
        kind="lecture",
        title="反家暴宣讲",
        starts_on=past(5),
    )
    w.team = volunteers.team_create(
        actor=cast.songhe_chair, org=tree.songhe, name="嵩合巾帼志愿者服务队", founded_on=past(400)
    )
    w.membership = volunteers.membership_add(
        actor=cast.songhe_chair, team=w.team, person=people.wushan_exec, joined_on=past(300)
    )
    return w
