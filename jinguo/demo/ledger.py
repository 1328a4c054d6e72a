"""The demo's people and household ledger, built through the people and households services.

Songhe follows the seed case: nine executives (three 两委 cadres, six group leaders; six with
college education, three with high school; four party members) in six grids, covering 90
households: 4 low-income (低保), 32 with disability or serious illness, 3 with children in
difficulty. The three resident groups whose houses were demolished (董家店组, 陈村组, 张村组)
have families living in other estates, covered by the executive where they live now. 西山村
gets a small ledger with gaps, so the 不漏一户 page has something to show.
"""

import datetime as dt
import random
from typing import Any

from jinguo.accounts.models import User
from jinguo.households.assignments import grid_assign, household_assign, household_relocate
from jinguo.households.models import Category, Household, Resident
from jinguo.households.services import household_create, household_set_categories, resident_add
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.people.idcard import check_digit
from jinguo.people.models import ConcurrentPost, ExecutiveSeat, Person
from jinguo.people.posts import concurrent_post_add, seat_create
from jinguo.people.services import person_create

TERM_START = dt.date(2021, 12, 1)  # the 2021 换届, held with the residents' committee election
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘汪程方"
GIVEN_F = ["秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "丽", "敏", "静", "婷", "雪梅", "红梅"]
GIVEN_M = ["建国", "志强", "国平", "伟", "军", "勇", "海涛", "明", "强", "斌", "平", "德华"]
CHILD = ["子涵", "一诺", "欣怡", "梓轩", "浩然", "雨桐", "思琪", "宇航"]
RELOCATED_GROUPS = ("董家店组", "陈村组", "张村组")

# Songhe's executives: (username, post, education, party member, concurrent post kind).
SONGHE_EXECUTIVES = [
    ("songhe", ExecutiveSeat.Post.CHAIR, "bachelor", True, ConcurrentPost.Kind.TWO_COMMITTEES),
    ("songhe2", ExecutiveSeat.Post.VICE_CHAIR, "college", True, ConcurrentPost.Kind.TWO_COMMITTEES),
    ("songhe3", ExecutiveSeat.Post.MEMBER, "college", True, ConcurrentPost.Kind.TWO_COMMITTEES),
    ("wushan", ExecutiveSeat.Post.MEMBER, "college", True, ConcurrentPost.Kind.GROUP_LEADER),
    ("chengjiawan", ExecutiveSeat.Post.MEMBER, "college", False, ConcurrentPost.Kind.GROUP_LEADER),
    ("wangmingtang", ExecutiveSeat.Post.MEMBER, "college", False, ConcurrentPost.Kind.GROUP_LEADER),
    ("dongjiadian", ExecutiveSeat.Post.MEMBER, "senior", False, ConcurrentPost.Kind.GROUP_LEADER),
    ("chencun", ExecutiveSeat.Post.MEMBER, "senior", False, ConcurrentPost.Kind.GROUP_LEADER),
    ("zhangcun", ExecutiveSeat.Post.MEMBER, "senior", False, ConcurrentPost.Kind.GROUP_LEADER),
]
# Category codes of Songhe's 90 households, by household index (the rest have none).
SONGHE_CATEGORIES = (
    [["dibao"]] * 4
    + [["disabled"]] * 18
    + [["serious_illness"]] * 14
    + [["children_in_difficulty"]] * 3
    + [["elderly_alone"]] * 6
)


class LedgerBuilder:
    def __init__(self, *, rng: random.Random, orgs: dict[str, OrgUnit]) -> None:
        self.rng = rng
        self.orgs = orgs
        self.categories = {c.code: c for c in Category.objects.all()}
        self.used_ids: set[str] = set()
        self.households = 0

    def id_number(self, *, female: bool, born: dt.date) -> str:
        while True:
            seq = self.rng.randrange(0, 500) * 2 + (0 if female else 1)
            first17 = f"341881{born:%Y%m%d}{seq:03d}"
            number = first17 + check_digit(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"

    def person(
        self, *, org: OrgUnit, name: str, female: bool, born: dt.date, **extra: Any
    ) -> Person:
        number = self.id_number(female=female, born=born)
        return person_create(
            actor=None,
            org=org,
            name=name,
            id_number=number,
            phone=self.phone(),
            **extra,
        )

    def birth(self, low: int, high: int) -> dt.date:
        return dt.date(
            self.rng.randint(low, high), self.rng.randint(1, 12), self.rng.randint(1, 28)
        )

    def build(self) -> None:
        executives = self.songhe_executives()
        self.songhe_households(executives)
        self.xishan_ledger()

    def songhe_executives(self) -> dict[str, Person]:
        songhe = self.orgs["songhe"]
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[e[0] for e in SONGHE_EXECUTIVES])
        }
        grids = [
            self.orgs[f"grid:{g}"] for g in ("巫山组", "程家湾组", "汪明堂组", *RELOCATED_GROUPS)
        ]
        people: dict[str, Person] = {}
        for index, (username, post, education, party, concurrent) in enumerate(SONGHE_EXECUTIVES):
            user = users[username]
            person = self.person(
                org=songhe,
                name=user.full_name,
                female=True,
                born=self.birth(1968, 1990),
                education=education,
                party_member=party,
            )
            seat_create(
                actor=None,
                person=person,
                org=songhe,
                post=post,
                full_time=index == 0,
                term_start=TERM_START,
            )
            # Group leaders lead their own group's grid; the three cadres take the demolished
            # groups, whose families are the hardest to reach.
            grid = grids[index - 3] if index >= 3 else grids[3 + index]
            post_org = grid if concurrent == ConcurrentPost.Kind.GROUP_LEADER else songhe
            concurrent_post_add(
                actor=None, person=person, kind=concurrent, org=post_org, start_date=TERM_START
            )
            grid_assign(actor=None, executive=person, grid=grid, start_date=TERM_START)
            user.person = person
            user.save(update_fields=["person"])
            people[username] = person
        return people

    def songhe_households(self, executives: dict[str, Person]) -> None:
        leaders = ["wushan", "chengjiawan", "wangmingtang", "dongjiadian", "chencun", "zhangcun"]
        groups = ["巫山组", "程家湾组", "汪明堂组", *RELOCATED_GROUPS]
        cover_grid, cover_exec = self.relocation_cover()
        for index in range(90):
            group = groups[index % 6]
            grid = self.orgs[f"grid:{group}"]
            household = self.household(
                grid=grid, number=f"SH{index + 1:03d}", address=f"嵩合社区{group}"
            )
            if group in RELOCATED_GROUPS and index % 3 == 0:
                # Demolished and rehoused elsewhere: the home grid keeps the record.
                household_relocate(
                    actor=None,
                    household=household,
                    living_grid=cover_grid,
                    living_address=f"{cover_grid.parent}安置小区{index}栋",
                )
                household_assign(
                    actor=None,
                    household=household,
                    executive=cover_exec,
                    kind="covering",
                    start_date=TERM_START,
                )
            household_assign(
                actor=None,
                household=household,
                executive=executives[leaders[index % 6]],
                start_date=TERM_START,
            )
            if index < len(SONGHE_CATEGORIES):
                cats = [self.categories[c] for c in SONGHE_CATEGORIES[index]]
                household_set_categories(actor=None, household=household, categories=cats)

    def relocation_cover(self) -> tuple[OrgUnit, Person]:
        """A grid of another community of the street, where rehoused families live now, and
        its executive, who covers them there."""
        songhe = self.orgs["songhe"]
        grids = OrgUnit.objects.filter(parent__parent=songhe.parent, kind=Kind.GRID).exclude(
            parent=songhe
        )
        # Rehoused families live in a new estate (a community) when the street has one.
        grid = grids.filter(parent__kind=Kind.COMMUNITY).order_by("path").first()
        grid = grid or grids.order_by("path").first()
        if grid is None or grid.parent is None:
            raise ValueError("the demo street needs a grid outside Songhe")
        estate = grid.parent
        person = self.person(
            org=estate, name="凤丽娟", female=True, born=self.birth(1975, 1985), education="college"
        )
        seat_create(
            actor=None,
            person=person,
            org=estate,
            post=ExecutiveSeat.Post.MEMBER,
            full_time=False,
            term_start=TERM_START,
        )
        grid_assign(actor=None, executive=person, grid=grid, start_date=TERM_START)
        return grid, person

    def household(self, *, grid: OrgUnit, number: str, address: str) -> Household:
        household = household_create(actor=None, grid=grid, number=number, address=address)
        surname = self.rng.choice(SURNAMES)
        head_female = self.rng.random() < 0.4
        members = [("head", head_female, self.birth(1945, 1985))]
        if self.rng.random() < 0.8:
            members.append(("spouse", not head_female, self.birth(1945, 1985)))
        for _child in range(self.rng.randint(0, 2)):
            members.append(("child", self.rng.random() < 0.5, self.birth(2008, 2020)))
        for relation, female, born in members:
            given = self.rng.choice(
                CHILD if relation == "child" else GIVEN_F if female else GIVEN_M
            )
            name = (surname if relation != "spouse" else self.rng.choice(SURNAMES)) + given
            person = self.person(org=grid, name=name, female=female, born=born)
            resident_add(
                actor=None, household=household, person=person, relation=Resident.Relation(relation)
            )
        self.households += 1
        return household

    def xishan_ledger(self) -> None:
        """西山村: one grid staffed with most households covered, one grid with nobody."""
        grids = list(self.orgs["xishan"].children.filter(kind=Kind.GRID).order_by("code"))
        staffed = grids[0]
        person = self.person(
            org=self.orgs["xishan"],
            name="陶红梅",
            female=True,
            born=self.birth(1975, 1985),
            education="senior",
            party_member=True,
        )
        seat_create(
            actor=None,
            person=person,
            org=self.orgs["xishan"],
            post=ExecutiveSeat.Post.CHAIR,
            full_time=True,
            term_start=TERM_START,
        )
        grid_assign(actor=None, executive=person, grid=staffed, start_date=TERM_START)
        user = User.objects.get(username="xishan")
        user.person = person
        user.save(update_fields=["person"])
        for index in range(12):
            grid = grids[index % len(grids)]
            household = self.household(
                grid=grid, number=f"XS{index + 1:03d}", address=f"西山村{grid.name}"
            )
            if grid == staffed and index != 0:  # XS001 is the gap the coverage page shows
                household_assign(
                    actor=None, household=household, executive=person, start_date=TERM_START
                )
            if index % 4 == 1:
                household_set_categories(
                    actor=None, household=household, categories=[self.categories["dibao"]]
                )
