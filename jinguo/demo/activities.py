"""The demo's activities and volunteer teams, built through the activities services.

At Songhe: the 爱心义剪 haircut series on the 17th of every month at the community's 妇女之家,
running from twelve months back — the past occurrences held with 15–40 person-times each, the
ones up to 90 days ahead planned; festival activities (三八妇女节, 端午, 重阳), lectures (宣讲),
family education, culture and sport and an employment fair, one planned and one cancelled; a
volunteer team at Songhe and one at 河沥溪街道, with members from the demo people and their
service hours (a small-scale echo of "8 volunteer teams, 1,000+ volunteers, 20+ activities" and
Yongchun's "70+ haircut days serving 12,000 person-times").
"""

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.activities import services, volunteers
from jinguo.activities.models import (
    Activity,
    ActivityKind,
    ServiceHours,
    VolunteerMembership,
    VolunteerTeam,
)
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.people.models import Person

# (kind, title, month, day, headcount): the last such day on or before today is used.
ONE_OFF: list[tuple[str, str, int, int, int]] = [
    (ActivityKind.FESTIVAL, "“三八”妇女节巾帼风采展示", 3, 8, 86),
    (ActivityKind.FESTIVAL, "端午节包粽子·邻里一家亲", 6, 10, 54),
    (ActivityKind.FESTIVAL, "重阳节敬老爱老慰问", 10, 11, 42),
    (ActivityKind.LECTURE, "反家庭暴力法宣讲进社区", 11, 25, 63),
    (ActivityKind.LECTURE, "民法典婚姻家庭编宣讲", 5, 20, 48),
    (ActivityKind.FAMILY_EDUCATION, "家庭教育公益讲座：陪伴孩子成长", 4, 15, 37),
    (ActivityKind.FAMILY_EDUCATION, "好家风好家训分享会", 9, 12, 29),
    (ActivityKind.CULTURE_SPORT, "巾帼广场舞展演", 7, 18, 75),
    (ActivityKind.EMPLOYMENT, "巾帼就业帮扶专场招聘", 2, 26, 120),
    (ActivityKind.VOLUNTEER_SERVICE, "巾帼志愿者环境整治", 8, 5, 26),
]


def _last(month: int, day: int, today: dt.date) -> dt.date:
    this_year = dt.date(today.year, month, day)
    return this_year if this_year <= today else dt.date(today.year - 1, month, day)


class ActivitiesDemo:
    def __init__(self, orgs: dict[str, OrgUnit]) -> None:
        self.orgs = orgs
        self.rng = random.Random(517)  # noqa: S311 (demo data, not secrets)
        self.today = timezone.localdate()
        self.held = 0
        self.haircuts = 0

    def build(self) -> str:
        songhe, helixi = self.orgs["songhe"], self.orgs["helixi"]
        chair = User.objects.get(username="songhe")
        street = User.objects.get(username="helixi")
        people = list(Person.objects.filter(songhe.subtree_q("org__")).order_by("pk")[:40])
        haircuts = self.haircut_series(chair, songhe, people)
        self.one_offs(chair, songhe, people)
        songhe_team = self.team(chair, songhe, "嵩合社区巾帼志愿者服务队", people[:8], haircuts)
        others = Person.objects.filter(helixi.subtree_q("org__")).exclude(songhe.subtree_q("org__"))
        street_team = self.team(
            street, helixi, "河沥溪街道巾帼志愿者服务队", list(others.order_by("pk")[:6]), []
        )
        teams = [songhe_team, street_team]
        volunteers = VolunteerMembership.objects.filter(team__in=teams).count()
        hours = ServiceHours.objects.filter(membership__team__in=teams).aggregate(n=Sum("hours"))
        person_times = Activity.objects.filter(org=songhe, status=Activity.Status.HELD).aggregate(
            n=Sum("headcount")
        )
        return (
            f"活动{self.held}场（爱心义剪{self.haircuts}次），{person_times['n'] or 0}人次；"
            f"志愿者服务队{len(teams)}支、志愿者{volunteers}人、服务{hours['n'] or 0}小时"
        )

    def haircut_series(self, chair: User, songhe: OrgUnit, people: list[Person]) -> list[Activity]:
        venue = Venue.objects.filter(org=songhe, kind=Venue.Kind.WOMEN_HOME).first()
        start = (self.today.replace(day=1) - dt.timedelta(days=365)).replace(day=1)
        series = services.series_create(
            actor=chair,
            org=songhe,
            kind=ActivityKind.VOLUNTEER_SERVICE,
            title="爱心义剪",
            rule="monthly",
            day_of_month=17,
            starts_on=start,
            venue=venue,
        )
        until = self.today + dt.timedelta(days=services.SCHEDULE_DAYS)
        held = []
        for activity in services.series_schedule(actor=chair, series=series, until=until):
            if activity.starts_on > self.today:
                continue
            self.register(chair, activity, people, 3)
            headcount = self.rng.randint(15, 40)
            summary = f"志愿者为社区老人、妇女儿童义务理发{headcount}人次。"
            held.append(
                services.activity_hold(
                    actor=chair, activity=activity, headcount=headcount, summary=summary
                )
            )
            self.haircuts += 1
            self.held += 1
        return held

    def register(self, chair: User, activity: Activity, people: list[Person], n: int) -> None:
        for person in self.rng.sample(people, min(n, len(people))):
            p = services.activity_register(actor=chair, activity=activity, person=person)
            services.activity_mark_attended(actor=chair, participant=p, attended=True)
        services.activity_register(actor=chair, activity=activity, name="社区群众")

    def one_offs(self, chair: User, songhe: OrgUnit, people: list[Person]) -> None:
        venue = Venue.objects.filter(org=songhe, kind=Venue.Kind.WOMEN_HOME).first()
        organisers = people[:2]
        for kind, title, month, day, headcount in ONE_OFF:
            activity = services.activity_create(
                actor=chair,
                org=songhe,
                kind=kind,
                title=title,
                starts_on=_last(month, day, self.today),
                start_time=dt.time(9, 0),
                venue=venue,
                organisers=organisers,
            )
            self.register(chair, activity, people, 5)
            services.activity_hold(
                actor=chair, activity=activity, headcount=headcount, summary=f"{title}顺利举办。"
            )
            self.held += 1
        services.activity_create(
            actor=chair,
            org=songhe,
            kind=ActivityKind.LECTURE,
            title="防范电信诈骗宣讲",
            starts_on=self.today + dt.timedelta(days=12),
            venue=venue,
            organisers=organisers,
        )
        rained_off = services.activity_create(
            actor=chair,
            org=songhe,
            kind=ActivityKind.CULTURE_SPORT,
            title="巾帼健步走",
            starts_on=self.today - dt.timedelta(days=20),
        )
        services.activity_cancel(actor=chair, activity=rained_off, reason="暴雨预警，活动取消")

    def team(
        self,
        actor: User,
        org: OrgUnit,
        name: str,
        members: list[Person],
        activities: list[Activity],
    ) -> VolunteerTeam:
        founded = self.today - dt.timedelta(days=500)
        team = volunteers.team_create(actor=actor, org=org, name=name, founded_on=founded)
        joined = self.today - dt.timedelta(days=400)
        for person in members:
            membership = volunteers.membership_add(
                actor=actor, team=team, person=person, joined_on=joined
            )
            served = activities[-4:] or []
            for activity in served:
                volunteers.hours_record(
                    actor=actor,
                    membership=membership,
                    served_on=activity.starts_on,
                    hours=Decimal(self.rng.choice(["2", "2.5", "3", "4"])),
                    activity=activity,
                    note="爱心义剪",
                )
            if not served:
                for back in (30, 75, 120):
                    volunteers.hours_record(
                        actor=actor,
                        membership=membership,
                        served_on=self.today - dt.timedelta(days=back),
                        hours=Decimal(self.rng.choice(["1.5", "2", "3"])),
                        note="巾帼志愿服务",
                    )
        return team
