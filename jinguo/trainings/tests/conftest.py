"""A training plan with hand-computed answers for 2025 (period 2025-01-01 … 2025-12-31).

Executives (active seats): 汪秀兰 (wushan_exec) and 程丽 (chengjiawan_exec) at 嵩合社区,
港红梅 (gangkou_exec) at 港口村. 居民甲 (resident) at 嵩合社区 holds no seat.

河沥溪街道 course A 执委履职能力培训, enrolled 汪秀兰, 程丽, 港红梅:
    A1 2025-03-10, 2 h, held:   汪秀兰 ✓, 港红梅 ✓, 程丽 ✗
    A2 2025-05-10, 3 h, held:   汪秀兰 ✓ (others ✗)
    A3 2025-06-01, 2 h, cancelled
嵩合社区 course B 家庭教育指导, enrolled 居民甲, 汪秀兰:
    B1 2025-04-01, 1.5 h, held: 居民甲 ✓, 汪秀兰 ✓
港口村 course C 矛盾纠纷调解:
    C1 2024-12-01, 2 h, held:   港红梅 ✓ (outside the period)

河沥溪街道 in 2025: 3 sessions, 6.5 h; 5 person-times, 3 trainees, 10 trainee-hours;
executives 3, trained 2 (程丽 not) → 66.7 %.
  嵩合社区: 1 session (B1), 1.5 h; 4 person-times, 2 trainees, 8 trainee-hours; executives 2/1.
  港口村:   0 sessions, 0 h; 1 person-time, 1 trainee, 2 trainee-hours; executives 1/1.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from jinguo.people.models import ExecutiveSeat, Person
from jinguo.trainings import services
from jinguo.trainings.models import Course, Session

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def seat(person: Person, org) -> ExecutiveSeat:
    return ExecutiveSeat.objects.create(
        person=person, org=org, post=ExecutiveSeat.Post.MEMBER, term_start=dt.date(2023, 1, 1)
    )


def course(actor, org, title: str, topic: str = "policy") -> Course:
    return services.course_create(
        actor=actor,
        org=org,
        title=title,
        topic=topic,
        audience="executives",
        planned_hours=Decimal("8"),
    )


def session(actor, c: Course, day: dt.date, hours: str, held: bool = True) -> Session:
    s = services.session_create(
        actor=actor, course=c, held_on=day, hours=Decimal(hours), place="会议室"
    )
    if held:
        s = services.session_mark_held(actor=actor, session=s)
    return s


@pytest.fixture
def plan(tree, cast, people) -> SimpleNamespace:
    p = SimpleNamespace()
    p.resident = Person.objects.create(org=tree.songhe, name="居民甲", gender="F")
    p.dongmen = Person.objects.create(org=tree.dongmen, name="东门人", gender="F")
    for person, org in (
        (people.wushan_exec, tree.songhe),
        (people.chengjiawan_exec, tree.songhe),
        (people.gangkou_exec, tree.gangkou),
    ):
        seat(person, org)
    # A former executive: her seat has ended, she does not count.
    former = Person.objects.create(org=tree.songhe, name="离任者", gender="F")
    ExecutiveSeat.objects.create(
        person=former,
        org=tree.songhe,
        post=ExecutiveSeat.Post.MEMBER,
        term_start=dt.date(2020, 1, 1),
        ended_on=dt.date(2022, 1, 1),
    )
    township, songhe, gangkou = cast.township_cadre, cast.songhe_chair, cast.gangkou_chair
    w, c, g = people.wushan_exec, people.chengjiawan_exec, people.gangkou_exec

    p.a = course(township, tree.helixi, "执委履职能力培训")
    services.course_enrol(actor=township, course=p.a, people=[w, c, g])
    p.a1 = session(township, p.a, dt.date(2025, 3, 10), "2")
    services.session_record_attendance(actor=township, session=p.a1, attended=[w, g])
    p.a2 = session(township, p.a, dt.date(2025, 5, 10), "3")
    services.session_record_attendance(actor=township, session=p.a2, attended=[w])
    p.a3 = session(township, p.a, dt.date(2025, 6, 1), "2", held=False)
    services.session_cancel(actor=township, session=p.a3, reason="下雨")

    p.b = course(songhe, tree.songhe, "家庭教育指导", topic="family_education")
    services.course_enrol(actor=songhe, course=p.b, people=[p.resident, w])
    p.b1 = session(songhe, p.b, dt.date(2025, 4, 1), "1.5")
    services.session_record_attendance(actor=songhe, session=p.b1, attended=[p.resident, w])

    p.c = course(gangkou, tree.gangkou, "矛盾纠纷调解", topic="mediation")
    services.course_enrol(actor=gangkou, course=p.c, people=[g])
    p.c1 = session(gangkou, p.c, dt.date(2024, 12, 1), "2")
    services.session_record_attendance(actor=gangkou, session=p.c1, attended=[g])
    return p
