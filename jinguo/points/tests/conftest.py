"""Points on the cast tree: the city's default rules, and visits by 汪秀兰 (巫山组网格,
wushan_member's person) and 港红梅 (港口村) in March 2025."""

import datetime as dt
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from jinguo.households.tests.factories import household
from jinguo.people.models import ExecutiveSeat, Person
from jinguo.points import approval, services
from jinguo.points.models import Kind, LoveBankItem, PointEntry
from jinguo.visits.models import Visit

D = dt.date(2025, 3, 10)


def visit(h, day: dt.date, user, executive: Person) -> Visit:
    return Visit.objects.create(
        household=h,
        visited_by=user,
        executive=executive,
        org=h.grid,
        channel="home",
        visited_on=day,
    )


def earns(person: Person) -> list[PointEntry]:
    return list(PointEntry.objects.filter(person=person, kind=Kind.EARN).order_by("day", "id"))


def seat(person: Person) -> None:
    ExecutiveSeat.objects.create(
        person=person,
        org=person.org,
        post=ExecutiveSeat.Post.MEMBER,
        term_start=dt.date(2024, 1, 1),
    )


@pytest.fixture
def pts(tree, cast, people) -> SimpleNamespace:
    d = SimpleNamespace()
    services.point_rules_seed(actor=None, org=tree.city)
    d.ws = household(tree.wushan, "WS-1")
    d.gk = household(tree.gangkou_grid, "GK-1")
    d.ws_visits = [
        visit(d.ws, D + dt.timedelta(days=i), cast.wushan_member, people.wushan_exec)
        for i in range(3)
    ]
    d.gk_visits = [visit(d.gk, D, cast.gangkou_chair, people.gangkou_exec)]
    for p in (people.wushan_exec, people.chengjiawan_exec, people.gangkou_exec):
        seat(p)
    return d


def give(actor, person: Person, points: int, day: dt.date = D) -> PointEntry:
    """Approved points for `person`: a bonus, approved at once."""
    bonus = services.point_bonus(actor=actor, person=person, points=points, reason="测试", day=day)
    approval.points_approve(actor=actor, entries=[bonus])
    return bonus


def item(org, name: str = "大米", price: int = 10, stock: int = 5) -> LoveBankItem:
    return LoveBankItem.objects.create(org=org, name=name, price=price, stock=stock)


@pytest.fixture
def api():
    def _as(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _as
