"""The demo's trainings: courses at 河沥溪街道 and 宁国市 with sessions over the current year,
built through the trainings services.

Each federation offers 执委履职能力培训, 家庭教育指导 and 矛盾纠纷调解. Four in five executives
(people with an active seat in the federation's subtree) are enrolled; residents join the
family-education course; attendance leaves about three in ten seats empty, so the executives'
training rate is realistic (well under 100 %) and the untrained list is not empty. A last
session of each course is still planned (no attendance yet).
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.people.models import ExecutiveSeat, Person
from jinguo.trainings.models import Audience, Course, Session, Topic
from jinguo.trainings.services import (
    course_create,
    course_enrol,
    session_create,
    session_mark_held,
    session_record_attendance,
)

# (title, topic, audience, planned hours, held sessions, hours per session, trainer)
COURSES: list[tuple[str, str, str, str, int, str, str]] = [
    ("执委履职能力培训", Topic.POLICY, Audience.EXECUTIVES, "12", 4, "3", "市妇联 李老师"),
    ("家庭教育指导", Topic.FAMILY_EDUCATION, Audience.BOTH, "6", 3, "2", "家庭教育讲师 王老师"),
    ("矛盾纠纷调解", Topic.MEDIATION, Audience.EXECUTIVES, "6", 2, "2.5", "司法所 张所长"),
]
MAX_EXECUTIVES = 60
MAX_RESIDENTS = 12


def _present(i: int, j: int) -> bool:
    """About seven in ten: person i at session j (deterministic, so the demo is repeatable)."""
    return (i * 7 + j * 3) % 10 < 7


class TrainingsDemo:
    def __init__(self, orgs: dict[str, OrgUnit]) -> None:
        self.hosts = [orgs["helixi"], orgs["宁国市"]]
        self.today = timezone.localdate()
        self.courses = 0
        self.sessions = 0
        self.person_times = 0

    def build(self) -> str:
        for org in self.hosts:
            actor = self._actor(org)
            if actor is not None:
                self._build_org(org, actor)
        return f"培训课程{self.courses}门，举办{self.sessions}场，培训{self.person_times}人次"

    def _actor(self, org: OrgUnit) -> User | None:
        """The federation's own cadre (demo user "helixi"/"ningguo", or any cadre there)."""
        return (
            User.objects.filter(org=org, role=User.Role.CADRE, is_active=True)
            .select_related("org")
            .order_by("id")
            .first()
        )

    def _executives(self, org: OrgUnit) -> list[Person]:
        seats = ExecutiveSeat.objects.filter(org.subtree_q("org__"), ended_on__isnull=True)
        people = Person.objects.filter(pk__in=seats.values("person_id")).order_by("org__path", "id")
        everyone = list(people[:MAX_EXECUTIVES])
        return [p for i, p in enumerate(everyone) if i % 5 != 4]  # one in five not enrolled

    def _residents(self, org: OrgUnit) -> list[Person]:
        seated = ExecutiveSeat.objects.values("person_id")
        people = Person.objects.filter(org.subtree_q("org__")).exclude(pk__in=seated)
        return list(people.order_by("id")[:MAX_RESIDENTS])

    def _dates(self, count: int, offset: int) -> list[dt.date]:
        """`count` past dates spread over the year so far, later courses a little later."""
        start = self.today.replace(month=1, day=1)
        span = max((self.today - start).days, 0)
        days = [min(span, (span * (k + 1)) // (count + 1) + offset) for k in range(count)]
        return [start + dt.timedelta(days=d) for d in days]

    def _build_org(self, org: OrgUnit, actor: User) -> None:
        executives = self._executives(org)
        residents = self._residents(org)
        venue = Venue.objects.filter(org.subtree_q("org__"), is_active=True).order_by("id").first()
        for c, (title, topic, audience, planned, held, hours, trainer) in enumerate(COURSES):
            course = course_create(
                actor=actor,
                org=org,
                title=title,
                topic=topic,
                audience=audience,
                planned_hours=Decimal(planned),
                description=f"{org.name}妇联{self.today.year}年度{title}",
            )
            self.courses += 1
            trainees = executives + (residents if audience == Audience.BOTH else [])
            if trainees:
                course_enrol(actor=actor, course=course, people=trainees)
            for j, day in enumerate(self._dates(held, offset=c * 5)):
                session = self._session(actor, course, day, hours, trainer, venue)
                session_mark_held(actor=actor, session=session)
                present = [p for i, p in enumerate(trainees) if _present(i, j + c)]
                session_record_attendance(actor=actor, session=session, attended=present)
                self.sessions += 1
                self.person_times += len(present)
            later = self.today + dt.timedelta(days=14 + c * 7)
            self._session(actor, course, later, hours, trainer, venue)  # still planned

    def _session(
        self,
        actor: User,
        course: Course,
        day: dt.date,
        hours: str,
        trainer: str,
        venue: Venue | None,
    ) -> Session:
        return session_create(
            actor=actor,
            course=course,
            held_on=day,
            hours=Decimal(hours),
            venue=venue,
            place="" if venue is not None else f"{course.org.name}会议室",
            trainer=trainer,
        )
