"""Test data for people, built through the services like production data."""

import datetime as dt
import itertools
from types import SimpleNamespace
from typing import Any

from jinguo.orgs.models import OrgUnit
from jinguo.orgs.tests.factories import OrgUnitFactory
from jinguo.people.idcard import check_digit
from jinguo.people.models import ConcurrentPost, ExecutiveSeat, Person
from jinguo.people.posts import concurrent_post_add, seat_create
from jinguo.people.services import person_create

_sequence = itertools.count(100)

TERM_START = dt.date(2021, 11, 1)


def make_id(birth: str = "19850312", *, region: str = "341881", female: bool = True) -> str:
    """A valid 18-digit number: a fresh sequence each call, the gender digit's parity right."""
    seq = next(_sequence) % 100
    first17 = f"{region}{birth}{seq:02d}{2 if female else 1}"
    return first17 + check_digit(first17)


def make_id_ending_in_x(birth: str = "19900101", *, region: str = "341881") -> str:
    for seq in range(100):
        first17 = f"{region}{birth}{seq:02d}4"
        if check_digit(first17) == "X":
            return first17 + "X"
    raise AssertionError("no sequence gives X")


def make_person(org: OrgUnit, name: str, **fields: Any) -> Person:
    return person_create(actor=None, org=org, name=name, **fields)


def make_executive(
    org: OrgUnit,
    name: str,
    *,
    post: str = ExecutiveSeat.Post.MEMBER,
    concurrent: tuple[str, OrgUnit] | None = None,
    **fields: object,
) -> Person:
    person = make_person(org, name, **fields)
    seat_create(
        actor=None, person=person, org=org, post=post, full_time=False, term_start=TERM_START
    )
    if concurrent is not None:
        kind, where = concurrent
        concurrent_post_add(actor=None, person=person, kind=kind, org=where, start_date=TERM_START)
    return person


SONGHE_GROUPS = ["汪明堂组网格", "董家店组网格", "陈村组网格", "张村组网格"]


def build_songhe(tree: SimpleNamespace) -> SimpleNamespace:
    """嵩合社区's committee as published: nine executives, three community cadres (两委) and
    six resident-group leaders, one per grid; six with college education or above and three
    with high school; four party members."""
    K = OrgUnit.Kind
    grids = [tree.wushan, tree.chengjiawan]
    for i, name in enumerate(SONGHE_GROUPS, start=3):
        grids.append(
            OrgUnitFactory(name=name, kind=K.GRID, code=f"341881001001{i:03d}", parent=tree.songhe)
        )
    P, C, E = ExecutiveSeat.Post, ConcurrentPost.Kind, Person.Education
    s = SimpleNamespace(grids=grids)
    cadres = [
        ("陈芳", P.CHAIR, E.BACHELOR, True),
        ("李娟", P.VICE_CHAIR, E.COLLEGE, True),
        ("张敏", P.MEMBER, E.COLLEGE, True),
    ]
    s.cadres = [
        make_executive(
            tree.songhe,
            name,
            post=post,
            education=education,
            party_member=party,
            id_number=make_id(),
            concurrent=(C.TWO_COMMITTEES, tree.songhe),
        )
        for name, post, education, party in cadres
    ]
    leaders = [
        ("汪秀兰", E.COLLEGE, True),
        ("程丽", E.BACHELOR, False),
        ("汪明霞", E.COLLEGE, False),
        ("董桂芳", E.SENIOR, False),
        ("陈玉梅", E.SENIOR, False),
        ("张红", E.SENIOR, False),
    ]
    s.leaders = [
        make_executive(
            tree.songhe,
            name,
            education=education,
            party_member=party,
            concurrent=(C.GROUP_LEADER, grid),
        )
        for (name, education, party), grid in zip(leaders, grids, strict=True)
    ]
    return s
