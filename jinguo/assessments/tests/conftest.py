"""Executives with seats at Songhe (汪秀兰 at 巫山, 程丽 at 程家湾) and Gangkou (港红梅), a
宁国市 scheme (visits 30, cases 20, attendance 10, points 10, satisfaction 10, manual
群众评议 10 and 日常表现 10) and a round for 2025 Q1 at Songhe."""

import datetime as dt
from types import SimpleNamespace

import pytest

from jinguo.assessments import services
from jinguo.people.models import ExecutiveSeat

Q1 = (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
ITEMS = [
    {"metric": "visits", "weight": 30},
    {"metric": "cases", "weight": 20},
    {"metric": "attendance", "weight": 10},
    {"metric": "points", "weight": 10},
    {"metric": "satisfaction", "weight": 10},
    {"name": "群众评议", "weight": 10},
    {"name": "日常表现", "weight": 10},
]


def seat(person, org, start=dt.date(2024, 1, 1), ended_on=None, post="member"):
    return ExecutiveSeat.objects.create(
        person=person, org=org, post=post, term_start=start, ended_on=ended_on
    )


@pytest.fixture
def execs(tree, cast, people) -> SimpleNamespace:
    seat(people.wushan_exec, tree.songhe)
    seat(people.chengjiawan_exec, tree.songhe)
    seat(people.gangkou_exec, tree.gangkou)
    return people


@pytest.fixture
def scheme(tree, cast):
    return services.scheme_create(
        actor=cast.county_cadre,
        org=tree.ningguo,
        name="宁国市执委考核办法",
        valid_from=dt.date(2025, 1, 1),
        items=ITEMS,
    )


@pytest.fixture
def round(tree, cast, execs, scheme):
    return services.round_create(
        actor=cast.songhe_chair, org=tree.songhe, name="2025年一季度", start=Q1[0], end=Q1[1]
    )


def score_all(round, user, **scores):
    for result in round.results.all():
        services.result_score_manual(
            actor=user, result=result, scores=scores or {"群众评议": 8, "日常表现": 9}
        )
