"""Real records behind the API's path parameters, for the schemathesis fuzz (test_api_fuzz.py).

A random id finds nothing and the request stops at the lookup (a 404); a real record in the
signed-in county cadre's scope (宁国市) takes it past the lookup to the rules behind it. Every
record lives at 嵩合社区 and is made through the apps' services and test factories, like
production, so history and audit rows exist.

`RECORDS` maps a path parameter to the maker of its record; `FOR_OPERATION` overrides it for
the operations that need the record in another state (a session that was held before its
attendance is taken, an appeal entry before a ruling) or of another kind (honours of a family
or of a woman share `honour_id`). A maker gets the conftest's `tree`, `cast` and `people`
(汪秀兰 is wushan_member's person) and `record(name)`, the id of another record of the same
operation (a participant belongs to the activity of the path). A new endpoint with a path
parameter needs a maker here: test_every_path_parameter_has_a_record fails without one.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from jinguo.activities import services as activities
from jinguo.activities import volunteers
from jinguo.activities.models import Activity
from jinguo.assessments import allowances
from jinguo.assessments import services as assessments
from jinguo.assessments.appeals import appeal_file
from jinguo.assessments.models import AssessmentResult, AssessmentRound
from jinguo.cases.services import case_report
from jinguo.employment import services as employment
from jinguo.honours import services as honours
from jinguo.households.tests.factories import household
from jinguo.inbox.models import Message
from jinguo.inbox.services import Outgoing, messages_send
from jinguo.meetings.models import Meeting
from jinguo.meetings.tests import factories as meetings
from jinguo.notices import services as notices
from jinguo.notices import task_services as tasks
from jinguo.notices.models import Audience, Task
from jinguo.people.models import ExecutiveSeat, Person
from jinguo.points import approval, lovebank, nominations
from jinguo.points import services as points
from jinguo.points.models import LoveBankItem, PointEntry
from jinguo.rounds import services as rounds
from jinguo.rounds.models import Round
from jinguo.sanxin.services import sanxin_org_create
from jinguo.trainings import services as trainings
from jinguo.trainings.models import Course
from jinguo.visits.services import wish_collect

Maker = Callable[[SimpleNamespace], Any]


def _ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


# --- activities ----------------------------------------------------------------------------------


def _activity(g: SimpleNamespace) -> int:
    return activities.activity_create(
        actor=g.cast.songhe_chair,
        org=g.tree.songhe,
        kind="festival",
        title="三八妇女节游园",
        starts_on=_ago(3),
        start_time=dt.time(9, 0),  # answered in every activity's schema (not format: time)
        organisers=[g.people.wushan_exec],
    ).pk


def _participant(g: SimpleNamespace) -> int:
    activity = Activity.objects.get(pk=g.record("activity_id"))
    return activities.activity_register(
        actor=g.cast.songhe_chair, activity=activity, person=g.people.chengjiawan_exec
    ).pk


def _series(g: SimpleNamespace) -> int:
    return activities.series_create(
        actor=g.cast.songhe_chair,
        org=g.tree.songhe,
        kind="culture_sport",
        title="每周广场舞",
        rule="weekly",
        weekday=2,
        starts_on=_ago(30),
    ).pk


def _team(g: SimpleNamespace) -> int:
    return volunteers.team_create(
        actor=g.cast.songhe_chair, org=g.tree.songhe, name="嵩合巾帼志愿者服务队"
    ).pk


def _membership(g: SimpleNamespace) -> int:
    team = volunteers.team_create(actor=g.cast.songhe_chair, org=g.tree.songhe, name="服务队")
    return volunteers.membership_add(
        actor=g.cast.songhe_chair, team=team, person=g.people.wushan_exec
    ).pk


# --- meetings ------------------------------------------------------------------------------------


def _meeting(g: SimpleNamespace) -> int:
    """A council planned for yesterday, so that it may be recorded as held today."""
    return meetings.plan(g.tree.songhe, people=[g.people.wushan_exec], days_ahead=-1).pk


def _held_meeting(g: SimpleNamespace) -> Meeting:
    people = [g.people.wushan_exec, g.people.chengjiawan_exec]
    return meetings.held(g.tree.songhe, people, on=_ago(1))


# --- trainings -----------------------------------------------------------------------------------


def _course(g: SimpleNamespace) -> int:
    course = trainings.course_create(
        actor=g.cast.songhe_chair,
        org=g.tree.songhe,
        title="家庭教育指导",
        topic="family_education",
        audience="both",
        planned_hours=Decimal("8"),
    )
    trainings.course_enrol(actor=g.cast.songhe_chair, course=course, people=[g.people.wushan_exec])
    return course.pk


def _session(g: SimpleNamespace) -> int:
    """A class planned for yesterday (it may be confirmed as held)."""
    return trainings.session_create(
        actor=g.cast.songhe_chair,
        course=Course.objects.get(pk=g.record("course_id")),
        held_on=_ago(1),
        hours=Decimal("2"),
        place="嵩合社区会议室",
    ).pk


def _held_session(g: SimpleNamespace) -> int:
    """A class held yesterday: its attendance may be taken."""
    session = trainings.session_create(
        actor=g.cast.songhe_chair,
        course=Course.objects.get(pk=g.record("course_id")),
        held_on=_ago(1),
        hours=Decimal("2"),
        place="嵩合社区会议室",
    )
    return trainings.session_mark_held(actor=g.cast.songhe_chair, session=session).pk


# --- assessments and allowances ------------------------------------------------------------------

Q1 = (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
MANUAL = {"群众评议": 8}


def _scoring_round(g: SimpleNamespace) -> AssessmentRound:
    """A 2025 Q1 round at Songhe, computed and scored: it may be recomputed or published."""
    for person in (g.people.wushan_exec, g.people.chengjiawan_exec):
        ExecutiveSeat.objects.get_or_create(
            person=person, org=g.tree.songhe, defaults={"term_start": dt.date(2024, 1, 1)}
        )
    assessments.scheme_create(
        actor=g.cast.county_cadre,
        org=g.tree.ningguo,
        name="宁国市执委考核办法",
        valid_from=Q1[0],
        items=[{"metric": "visits", "weight": 60}, {"name": "群众评议", "weight": 40}],
    )
    round = assessments.round_create(
        actor=g.cast.songhe_chair, org=g.tree.songhe, name="2025年一季度", start=Q1[0], end=Q1[1]
    )
    assessments.assessment_compute(actor=g.cast.songhe_chair, round=round)
    for result in round.results.all():
        assessments.result_score_manual(actor=g.cast.songhe_chair, result=result, scores=MANUAL)
    return round


def _result(g: SimpleNamespace) -> int:
    """汪秀兰's result in a published round (she, wushan_member, may appeal it)."""
    round = assessments.round_publish(actor=g.cast.songhe_chair, round=_scoring_round(g))
    return round.results.get(person=g.people.wushan_exec).pk


def _appeal(g: SimpleNamespace) -> int:
    result = AssessmentResult.objects.get(pk=g.record("result_id"))
    return appeal_file(actor=g.cast.wushan_member, result=result, reason="走访漏记").pk


def _statement(g: SimpleNamespace) -> int:
    return allowances.statement_create(
        actor=g.cast.songhe_chair, org=g.tree.songhe, start=Q1[0], end=Q1[1]
    ).pk


# --- employment, honours, 三新 -------------------------------------------------------------------


def _loan(g: SimpleNamespace) -> int:
    borrower = Person.objects.create(org=g.tree.wushan, name="周春燕", gender="F")
    return employment.loan_apply(
        actor=g.cast.songhe_chair,
        borrower=borrower,
        amount=Decimal("50000"),
        bank="宁国农商银行",
        purpose="茶叶加工",
        term_months=24,
        applied_on=_ago(30),
    ).pk


def _fair(g: SimpleNamespace) -> int:
    return employment.job_fair_create(
        actor=g.cast.songhe_chair,
        org=g.tree.songhe,
        title="春风行动招聘会",
        held_on=_ago(7),
        place="嵩合社区广场",
    ).pk


def _family_honour(g: SimpleNamespace) -> int:
    return honours.family_honour_nominate(
        actor=g.cast.songhe_chair,
        org=g.tree.wushan,
        family_name="王秀英家庭",
        title="most_beautiful",
        level="village",
        year=timezone.localdate().year,
        deeds="孝老爱亲",
    ).pk


def _individual_honour(g: SimpleNamespace) -> int:
    return honours.individual_honour_nominate(
        actor=g.cast.songhe_chair,
        person=g.people.wushan_exec,
        title="march8_red_flag",
        level="county",
        year=timezone.localdate().year,
    ).pk


def _sanxin_org(g: SimpleNamespace) -> int:
    return sanxin_org_create(
        actor=g.cast.songhe_chair,
        org=g.tree.songhe,
        name="宁国速达快递",
        category="new_economic",
        sector="courier",
        workers=10,
        women_workers=4,
    ).pk


# --- points and the love bank --------------------------------------------------------------------


def _bonus(g: SimpleNamespace) -> PointEntry:
    """Points for 汪秀兰 given by Songhe's chair, waiting for approval."""
    return points.point_bonus(
        actor=g.cast.songhe_chair, person=g.people.wushan_exec, points=20, reason="表彰"
    )


def _rejection(g: SimpleNamespace) -> PointEntry:
    return approval.points_reject(actor=g.cast.songhe_chair, entry=_bonus(g), reason="材料不全")


def _points_appeal(g: SimpleNamespace) -> int:
    """汪秀兰's appeal against a rejection by Songhe: the county rules on it."""
    return approval.points_appeal(
        actor=g.cast.wushan_member, entry=_rejection(g), reason="材料已补齐"
    ).pk


def _voucher(g: SimpleNamespace) -> str:
    bonus = _bonus(g)
    approval.points_approve(actor=g.cast.songhe_chair, entries=[bonus])
    item = LoveBankItem.objects.get(pk=g.record("item_id"))
    return lovebank.lovebank_redeem(
        actor=g.cast.songhe_chair, person=g.people.wushan_exec, item=item
    ).voucher


def _report_round(g: SimpleNamespace) -> Round:
    """A report round of 河沥溪街道 asking 嵩合社区 for its work summary."""
    today = timezone.localdate()
    return rounds.round_create(
        actor=g.cast.township_cadre,
        org=g.tree.helixi,
        title="工作总结报送",
        kind=Round.Kind.WORK_REPORT,
        start=today.replace(month=1, day=1),
        end=today,
        deadline=today,
        targets=[g.tree.songhe],
    )


def _target(g: SimpleNamespace) -> int:
    return _report_round(g).targets.get().pk


def _submission(g: SimpleNamespace) -> int:
    target = _report_round(g).targets.get()
    return rounds.target_submit(actor=g.cast.songhe_chair, target=target, texts={}, answers=[]).pk


def _notice(g: SimpleNamespace) -> int:
    """A notice of 宁国市 (the signed-in cadre's unit) to 嵩合社区."""
    return notices.notice_send(
        actor=g.cast.county_cadre,
        org=g.tree.ningguo,
        title="关于开展入户走访的通知",
        body="请各社区本周内完成重点户走访。",
        audience=Audience.CHOSEN,
        units=[g.tree.songhe],
    ).pk


def _task(g: SimpleNamespace) -> Task:
    return tasks.task_create(
        actor=g.cast.county_cadre,
        org=g.tree.ningguo,
        title="重点户走访",
        body="走访后反馈情况。",
        deadline=timezone.localdate() + dt.timedelta(days=7),
        audience=Audience.CHOSEN,
        units=[g.tree.songhe],
    )


def _message(g: SimpleNamespace) -> int:
    """A message of the signed-in county cadre's own (a message is its recipient's alone)."""
    messages_send(
        kind=Message.Kind.SYSTEM,
        source="fuzz",
        outgoing=[Outgoing(recipient_id=g.cast.county_cadre.pk, title="系统消息")],
    )
    return Message.objects.get(recipient=g.cast.county_cadre, source="fuzz").pk


RECORDS: dict[str, Maker] = {
    "org_id": lambda g: g.tree.songhe.pk,
    "person_id": lambda g: Person.objects.create(org=g.tree.wushan, name="李梅", gender="F").pk,
    "household_id": lambda g: household(g.tree.wushan, "WS-1").pk,
    "wish_id": lambda g: wish_collect(
        actor=g.cast.songhe_chair, content="一台轮椅", category="medical"
    ).pk,
    "case_id": lambda g: case_report(
        actor=g.cast.songhe_chair, org=g.tree.songhe, kind="dispute_neighbour", title="地界"
    ).pk,
    "activity_id": _activity,
    "participant_id": _participant,
    "series_id": _series,
    "team_id": _team,
    "membership_id": _membership,
    "meeting_id": _meeting,
    "topic_id": lambda g: meetings.topic(_held_meeting(g)).pk,
    "resolution_id": lambda g: meetings.resolution(_held_meeting(g)).pk,
    "course_id": _course,
    "session_id": _session,
    "round_id": lambda g: _scoring_round(g).pk,
    "result_id": _result,
    "appeal_id": _appeal,
    "statement_id": _statement,
    "loan_id": _loan,
    "fair_id": _fair,
    "honour_id": _family_honour,
    "sanxin_org_id": _sanxin_org,
    "entry_id": lambda g: _bonus(g).pk,
    "nomination_id": lambda g: nominations.nomination_create(
        actor=g.cast.songhe_chair,
        year=timezone.localdate().year,
        org=g.tree.songhe,
        person=g.people.wushan_exec,
        reason="走访入户最多",
    ).pk,
    "item_id": lambda g: lovebank.lovebank_item_save(
        actor=g.cast.songhe_chair, org=g.tree.songhe, name="大米", price=10, stock=5
    ).pk,
    "code": _voucher,
    "target_id": _target,
    "submission_id": _submission,
    "message_id": _message,
    "notice_id": _notice,
    "task_id": lambda g: _task(g).pk,
    "recipient_id": lambda g: _task(g).recipients.get().pk,
}

FOR_OPERATION: dict[tuple[str, str], Maker] = {
    ("/api/v1/trainings/sessions/{session_id}/attendance/", "session_id"): _held_session,
    ("/api/v1/honours/individuals/{honour_id}/", "honour_id"): _individual_honour,
    ("/api/v1/honours/individuals/{honour_id}/actions/", "honour_id"): _individual_honour,
    ("/api/v1/points/entries/{entry_id}/appeal/", "entry_id"): lambda g: _rejection(g).pk,
    ("/api/v1/points/entries/{entry_id}/ruling/", "entry_id"): _points_appeal,
    ("/api/v1/rounds/{round_id}/", "round_id"): lambda g: _report_round(g).pk,
    ("/api/v1/rounds/{round_id}/remind/", "round_id"): lambda g: _report_round(g).pk,
}


def maker(path: str, name: str) -> Maker | None:
    """The maker of the record for parameter `name` of the operation at `path`, if any."""
    return FOR_OPERATION.get((path, name)) or RECORDS.get(name)
