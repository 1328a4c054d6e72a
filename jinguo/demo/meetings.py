"""The demo's deliberation meetings, built through the meetings services.

Songhe follows the seed case, "6 deliberation meetings in the first half-year": six 妇女议事会 /
一季一议事 held from January to June of the current year (or over the last six months when
today is before July), attended by the community's executives (the persons with a seat at
嵩合社区) and a few residents, with topics and resolutions in every status: adopted, rejected,
forwarded to the 两委, in progress, done, and one the 两委 did not adopt. One meeting is planned
for the coming days. 西山村 holds two meetings of its own, so that its chair sees only hers.
"""

import datetime as dt

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.meetings.models import Meeting, MeetingKind, Resolution
from jinguo.meetings.resolutions import (
    resolution_adopt,
    resolution_complete,
    resolution_decline,
    resolution_forward,
    resolution_propose,
    resolution_reject,
    resolution_start,
)
from jinguo.meetings.services import meeting_create, meeting_record_held, topic_add
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.people.models import ExecutiveSeat, Person

WC, QY = MeetingKind.WOMEN_COUNCIL, MeetingKind.QUARTERLY

# (kind, title, public summary, [(topic, opinions, [(resolution, final status, result)])])
Spec = tuple[str, str, str, list[tuple[str, str, list[tuple[str, str, str]]]]]
SONGHE_MEETINGS: list[Spec] = [
    (
        WC,
        "新春妇女议事会：环境整治",
        "商议春节前后环境卫生整治，确定分组清理沟渠和公共区域。",
        [
            (
                "巫山组沟渠堵塞",
                "执委反映雨季前须清淤；群众愿意出工。",
                [
                    (
                        "组织巾帼志愿者清理巫山组沟渠",
                        Resolution.Status.DONE,
                        "三月初完成清淤，共清理沟渠约800米。",
                    )
                ],
            ),
            (
                "公共区域杂物堆放",
                "意见分歧，部分群众希望先摸底。",
                [("统一清理楼道和院落杂物", Resolution.Status.REJECTED, "")],
            ),
        ],
    ),
    (
        WC,
        "妇女议事会：留守儿童暑期看护",
        "讨论暑期留守儿童看护，拟开设“爱心暑托班”。",
        [
            (
                "留守儿童暑期无人看护",
                "家长希望有固定场所；执委提出借用妇女之家。",
                [
                    (
                        "在妇女之家开设爱心暑托班",
                        Resolution.Status.DONE,
                        "暑托班开班四周，服务儿童26名。",
                    )
                ],
            ),
        ],
    ),
    (
        QY,
        "一季一议事（第一季度）",
        "第一季度议事：道路照明与停车秩序。",
        [
            (
                "程家湾组路灯损坏",
                "夜间出行不便，群众多次反映。",
                [
                    (
                        "提请两委维修程家湾组路灯",
                        Resolution.Status.DONE,
                        "两委会议通过，已更换路灯12盏。",
                    )
                ],
            ),
            (
                "小区停车秩序",
                "建议划定停车位。",
                [("提请两委在安置小区划定停车位", Resolution.Status.NOT_ADOPTED, "")],
            ),
        ],
    ),
    (
        WC,
        "妇女议事会：家庭教育",
        "商议开展家庭教育讲座和亲子活动。",
        [
            (
                "家庭教育指导需求",
                "年轻妈妈希望有讲座和咨询。",
                [("每季度开展一次家庭教育讲座", Resolution.Status.IN_PROGRESS, "")],
            ),
        ],
    ),
    (
        WC,
        "妇女议事会：困难家庭帮扶",
        "商议困难家庭帮扶和大病家庭走访。",
        [
            (
                "大病家庭帮扶",
                "执委分片包保，建议联系慈善资源。",
                [("提请两委为大病家庭申请临时救助", Resolution.Status.FORWARDED, "")],
            ),
            (
                "独居老人探访",
                "建议执委每周电话问候。",
                [("执委每周电话问候独居老人", Resolution.Status.ADOPTED, "")],
            ),
        ],
    ),
    (
        QY,
        "一季一议事（第二季度）",
        "第二季度议事：垃圾分类与健身场地。",
        [
            (
                "垃圾分类点设置",
                "群众希望分类点离住户远一些。",
                [("调整汪明堂组垃圾分类点位置", Resolution.Status.IN_PROGRESS, "")],
            ),
            (
                "广场舞场地",
                "建议晚间开放党群服务中心广场。",
                [("提请两委晚间开放党群服务中心广场", Resolution.Status.PROPOSED, "")],
            ),
        ],
    ),
]


def meeting_days(today: dt.date) -> list[dt.date]:
    """Six days in the first half of the year, or over the last six months before July."""
    if today.month >= 7:
        return [dt.date(today.year, month, 12 + month * 2) for month in range(1, 7)]
    days = []
    for back in range(6, 0, -1):
        month, year = today.month - back, today.year
        if month < 1:
            month, year = month + 12, year - 1
        days.append(dt.date(year, month, 12 + back * 2))
    return days


class MeetingsDemo:
    def __init__(self, orgs: dict[str, OrgUnit]) -> None:
        self.orgs = orgs
        self.today = timezone.localdate()
        self.meetings = 0
        self.resolutions = 0
        self.pending: list[tuple[Resolution, str, str, dt.date]] = []

    def build(self) -> str:
        songhe, xishan = self.orgs["songhe"], self.orgs["xishan"]
        chair = User.objects.get(username="songhe")
        executives = self.executives(songhe)
        residents = self.residents(songhe, exclude=executives)
        venue = Venue.objects.filter(org=songhe, kind=Venue.Kind.WOMEN_HOME).first()
        for day, spec in zip(meeting_days(self.today), SONGHE_MEETINGS, strict=True):
            self.held_meeting(chair, songhe, day, spec, executives, residents, venue)
        meeting_create(
            actor=chair,
            org=songhe,
            kind=WC,
            title="妇女议事会：冬季防火安全",
            planned_at=self.at(self.today + dt.timedelta(days=10)),
            place=venue,
            executives=executives,
        )
        self.meetings += 1
        self.build_xishan(xishan)
        return f"议事会{self.meetings}次，决议{self.resolutions}项"

    def at(self, day: dt.date, hour: int = 9) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    def executives(self, org: OrgUnit) -> list[Person]:
        ids = ExecutiveSeat.objects.filter(org=org, ended_on__isnull=True).values("person_id")
        return list(Person.objects.filter(pk__in=ids).order_by("id"))

    def residents(self, org: OrgUnit, *, exclude: list[Person]) -> list[Person]:
        people = Person.objects.filter(org.subtree_q("org__"), gender="F", residence__isnull=False)
        return list(people.exclude(pk__in=[p.pk for p in exclude]).order_by("id")[:6])

    def held_meeting(
        self,
        actor: User,
        org: OrgUnit,
        day: dt.date,
        spec: Spec,
        executives: list[Person],
        residents: list[Person],
        venue: Venue | None,
    ) -> Meeting:
        kind, title, summary, topics = spec
        index = self.meetings
        guests = residents[index % 3 : index % 3 + 3]
        meeting = meeting_create(
            actor=actor,
            org=org,
            kind=kind,
            title=title,
            planned_at=self.at(day),
            place=venue,
            executives=executives,
            residents=guests,
        )
        for topic_title, opinions, resolutions in topics:
            raised = (guests or executives)[len(topic_title) % len(guests or executives)]
            topic = topic_add(
                actor=actor, meeting=meeting, title=topic_title, raised_by=raised,
                discussion=opinions,
            )  # fmt: skip
            for content, status, result in resolutions:
                row = resolution_propose(actor=actor, topic=topic, content=content)
                self.resolutions += 1
                self.pending.append((row, status, result, day))
        # One executive misses each meeting, where there are enough of them.
        absent = executives[index % len(executives)] if len(executives) > 2 else None
        meeting = meeting_record_held(
            actor=actor,
            meeting=meeting,
            held_on=day,
            attended=[p for p in executives + guests if p != absent],
            attendee_count=len(executives) + len(guests) + 8,
            minutes=f"{title}。" + "；".join(t[1] for t in topics),
            public_summary=summary,
        )
        self.meetings += 1
        for row, status, result, held_on in self.pending:
            self.advance(actor, row, status, result, held_on, f"{org.name}两委会议")
        self.pending.clear()
        return meeting

    def advance(
        self,
        actor: User,
        row: Resolution,
        status: str,
        result: str,
        held_on: dt.date,
        committee: str,
    ) -> None:
        """Move a proposed resolution on to `status`, with dates after the meeting."""
        if status == Resolution.Status.PROPOSED:
            return
        if status == Resolution.Status.REJECTED:
            resolution_reject(actor=actor, resolution=row, reason="意见分歧较大，待摸底后再议")
            return
        row = resolution_adopt(actor=actor, resolution=row)
        if status == Resolution.Status.ADOPTED:
            return
        forwarded_on = min(held_on + dt.timedelta(days=5), self.today)
        row = resolution_forward(
            actor=actor, resolution=row, forwarded_on=forwarded_on, forwarded_to=committee
        )
        if status == Resolution.Status.FORWARDED:
            return
        if status == Resolution.Status.NOT_ADOPTED:
            resolution_decline(
                actor=actor, resolution=row, reason="小区道路产权未移交，暂不具备条件"
            )
            return
        row = resolution_start(actor=actor, resolution=row)
        if status == Resolution.Status.DONE:
            done_on = min(held_on + dt.timedelta(days=30), self.today)
            resolution_complete(actor=actor, resolution=row, done_on=done_on, result=result)

    def build_xishan(self, xishan: OrgUnit) -> None:
        chair = User.objects.get(username="xishan")
        executives = self.executives(xishan)
        residents = self.residents(xishan, exclude=executives)[:3]
        specs: list[Spec] = [
            (
                WC,
                "西山村妇女议事会：茶园务工妇女权益",
                "商议茶季务工妇女劳动保护和子女看护。",
                [
                    (
                        "茶季务工妇女子女看护",
                        "建议在村妇女之家设临时看护点。",
                        [
                            (
                                "茶季在妇女之家设临时看护点",
                                Resolution.Status.DONE,
                                "茶季看护点开放20天。",
                            )
                        ],
                    )
                ],
            ),
            (
                QY,
                "西山村一季一议事",
                "商议村内道路安全。",
                [
                    (
                        "村道急弯无警示",
                        "群众反映夜间危险。",
                        [("提请村两委在急弯处设警示牌", Resolution.Status.FORWARDED, "")],
                    )
                ],
            ),
        ]
        venue = Venue.objects.filter(org=xishan).first()
        days = [self.today - dt.timedelta(days=120), self.today - dt.timedelta(days=45)]
        for day, spec in zip(days, specs, strict=True):
            self.held_meeting(chair, xishan, day, spec, executives, residents, venue)
