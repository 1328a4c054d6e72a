"""The demo's executive team (执委团队) with its duty rotation (轮值), through jinguo.people.posts.

嵩合社区's nine executives form 嵩合社区巾帼网格服务团, led by the chair, which leads the
community's project of 包保 visits to families in difficulty; three of them take the duty in
turn, a fortnight each, from the start of this month.
"""

import datetime as dt

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import ExecutiveSeat, Person
from jinguo.people.posts import rotation_create, team_create, team_member_add

TEAM = ("嵩合社区巾帼网格服务团", "困难家庭“执委包保、网格走访”项目")
ROTATION_DAYS = 14
ROTATION_NOTES = ["负责本期走访台账汇总", "负责妇女之家值班接待", "负责困难家庭电话回访"]


class TeamsDemo:
    def __init__(self, orgs: dict[str, OrgUnit]) -> None:
        self.songhe = orgs["songhe"]

    def build(self) -> str:
        chair = User.objects.get(username="songhe")
        seated = ExecutiveSeat.objects.filter(org=self.songhe, ended_on__isnull=True)
        members = list(Person.objects.filter(pk__in=seated.values("person_id")).order_by("id"))
        if chair.person is not None and chair.person in members:
            members.remove(chair.person)
            members.insert(0, chair.person)
        today = timezone.localdate()
        team = team_create(actor=chair, org=self.songhe, name=TEAM[0], project=TEAM[1])
        joined = today.replace(month=1, day=1)
        for index, person in enumerate(members):
            team_member_add(
                actor=chair, team=team, person=person, start_date=joined, is_leader=index == 0
            )
        start = today.replace(day=1)
        for person, note in zip(members[:3], ROTATION_NOTES, strict=False):
            end = start + dt.timedelta(days=ROTATION_DAYS - 1)
            rotation_create(
                actor=chair, team=team, person=person, start_date=start, end_date=end, note=note
            )
            start = end + dt.timedelta(days=1)
        return f"执委团队1个（{len(members)}人，轮值{min(3, len(members))}期）"
