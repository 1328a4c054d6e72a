"""The points demo on a small tree (load_demo takes too long for a unit test): the demo's
usernames on the cast tree, 25 visits by the wushan executive in the last two months."""

import datetime as dt

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.tests.factories import UserFactory
from jinguo.demo.points import ITEMS, PointsDemo
from jinguo.households.tests.factories import household
from jinguo.people.models import Person
from jinguo.points.models import Kind, LoveBankItem, Nomination, PointEntry, Redemption
from jinguo.points.tests.conftest import seat, visit


def test_the_demo_builds_points_a_love_bank_and_a_nomination_round(tree):
    R = User.Role
    for username, role, org in [
        ("city", R.CADRE, tree.city),
        ("songhe", R.CADRE, tree.songhe),
        ("helixi", R.CADRE, tree.helixi),
        ("wushan", R.GRID_MEMBER, tree.wushan),
        ("chengjiawan", R.GRID_MEMBER, tree.chengjiawan),
    ]:
        UserFactory(username=username, role=role, org=org)
        user = User.objects.get(username=username)
        if role == R.GRID_MEMBER:
            user.person = Person.objects.create(org=tree.songhe, name=username, gender="F")
            user.save(update_fields=["person"])
            seat(user.person)  # the demo nominates executives: people holding a seat
    wushan = User.objects.get(username="wushan")
    assert wushan.person is not None
    h = household(tree.wushan, "WS-1")
    today = timezone.localdate()
    for i in range(25):
        visit(h, today - dt.timedelta(days=i), wushan, wushan.person)
    summary = PointsDemo({"city": tree.city, "songhe": tree.songhe}).build()
    assert summary.startswith("积分25条")
    assert PointEntry.objects.filter(kind=Kind.REJECT).count() == 2
    assert PointEntry.objects.filter(kind=Kind.APPEAL_ACCEPT).count() == 1
    assert LoveBankItem.objects.filter(org=tree.songhe).count() == len(ITEMS)
    assert Redemption.objects.filter(handed_over_at__isnull=False).count() == 1
    assert Nomination.objects.filter(status="selected").count() == 1
