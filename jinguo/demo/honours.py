"""The demo's families and honours, built through the honours services.

Songhe households: five 最美家庭 (village level, approved by the community chair), two
五好文明家庭 (county level, approved by the 宁国市 cadre), one 最美家庭 nomination still pending;
the district seed "98 characteristic families, 30 model families" at a small scale: ten
characteristic families (书香/廉洁/绿色/平安) and three model families; and a 三八红旗手 (county
level) for a Songhe executive.
"""

import datetime as dt

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.honours.models import FamilyHonour, IndividualHonour
from jinguo.honours.services import (
    family_honour_nominate,
    honour_approve,
    individual_honour_nominate,
)
from jinguo.households.models import Household
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person

THEMES = ["书香", "廉洁", "绿色", "平安", "孝善"]
# (title, level, approved, how many, approver's username, theme?)
PLAN: list[tuple[str, str, bool, int, str]] = [
    ("most_beautiful", "village", True, 5, "songhe"),
    ("five_good", "county", True, 2, "ningguo"),
    ("most_beautiful", "village", False, 1, "songhe"),
    ("characteristic", "township", True, 10, "helixi"),
    ("model", "township", True, 3, "helixi"),
]


class HonoursDemo:
    def __init__(self, orgs: dict[str, OrgUnit]) -> None:
        self.songhe = orgs["songhe"]
        self.users = {u.username: u for u in User.objects.select_related("org", "person")}
        self.households = list(
            Household.objects.filter(grid__parent=self.songhe)
            .select_related("grid", "head")
            .order_by("number")
        )
        self.families = 0
        self.individuals = 0

    def _award_day(self, index: int) -> dt.date:
        today = timezone.localdate()
        return max(today.replace(month=1, day=1), today - dt.timedelta(days=5 + index * 3))

    def build(self) -> str:
        year = timezone.localdate().year
        chair = self.users["songhe"]
        index = 0
        for title, level, approved, count, approver in PLAN:
            for _i in range(count):
                if index >= len(self.households):
                    break
                household = self.households[index]
                name = f"{household.head.name}家庭" if household.head else f"{household.number}家庭"
                honour = family_honour_nominate(
                    actor=chair,
                    household=household,
                    family_name=name,
                    title=title,
                    level=level,
                    year=year,
                    theme=THEMES[index % len(THEMES)] if title == "characteristic" else "",
                    deeds="孝老爱亲、邻里和睦，热心参与社区志愿服务。",
                )
                if approved:
                    honour_approve(
                        actor=self.users[approver],
                        honour=honour,
                        awarded_on=self._award_day(index),
                    )
                self.families += 1
                index += 1
        self.build_red_flag(year)
        awarded = FamilyHonour.objects.filter(status="approved").count()
        return (
            f"家庭荣誉{self.families}项（已授予{awarded}项），"
            f"三八红旗手{IndividualHonour.objects.count()}人"
        )

    def build_red_flag(self, year: int) -> None:
        executive = self.users["songhe2"].person or (
            Person.objects.filter(self.songhe.subtree_q("org__"), gender="F").order_by("id").first()
        )
        if executive is None:
            return
        honour = individual_honour_nominate(
            actor=self.users["songhe"],
            person=executive,
            title="march8_red_flag",
            level="county",
            year=year,
            deeds="扎根社区妇联工作，带领执委化解矛盾纠纷、服务重点家庭。",
        )
        honour_approve(actor=self.users["ningguo"], honour=honour, awarded_on=self._award_day(0))
        self.individuals += 1
