import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from conftest import build_tree
from jinguo.audit.models import AuditEvent
from jinguo.cases import services
from jinguo.cases.models import Case, CaseParticipant, CaseTransition, TimeLimitRule
from jinguo.cases.services import (
    case_accept,
    case_add_participant,
    case_close,
    case_dispatch,
    case_escalate,
    case_rate,
    case_reject,
    case_report,
    case_request_delay,
    case_resolve,
    case_return,
    case_start,
    case_supervise,
    case_verify,
)
from jinguo.cases.tests.factories import report
from jinguo.households.tests.factories import executive
from jinguo.people.models import Person

S = Case.Status


def messages(exc) -> dict | list:
    e = exc.value
    return e.message_dict if hasattr(e, "error_dict") else e.messages


def local(case_dt: dt.datetime) -> dt.datetime:
    return timezone.localtime(case_dt).replace(tzinfo=None)


def last(case: Case) -> CaseTransition:
    row = case.transitions.last()
    assert row is not None
    return row


@pytest.fixture
def mediator(tree) -> Person:
    return executive(tree.songhe, "调解员甲")


def test_the_whole_loop_writes_one_transition_per_step(cast, tree, mediator):
    actor = cast.songhe_chair
    case = case_report(
        actor=actor,
        org=tree.songhe,
        kind="dispute_neighbour",
        title="地界纠纷",
        reporter_name="张三",
        reporter_phone="13800001111",
    )
    assert case.number == f"JF{timezone.localtime().year}-{case.pk:06d}"
    case = case_accept(actor=actor, case=case)
    case = case_dispatch(actor=actor, case=case, assignee=mediator)
    case = case_start(actor=actor, case=case)
    case_add_participant(actor=actor, case=case, person=mediator, role="mediator")
    case = case_resolve(actor=actor, case=case, outcome="written_agreement", note="签订协议")
    case = case_verify(actor=actor, case=case, passed=True)
    case = case_close(actor=actor, case=case)
    case = case_rate(actor=actor, case=case, satisfaction=5, note="满意")
    case.refresh_from_db()
    assert case.status == S.RATED and case.satisfaction == 5
    assert case.outcome == "written_agreement" and case.closed_at and case.resolved_at
    assert case.reporter_phone == "13800001111"
    steps = list(case.transitions.values_list("action", "from_status", "to_status", "actor"))
    assert steps == [
        ("report", "", "reported", actor.pk),
        ("accept", "reported", "accepted", actor.pk),
        ("dispatch", "accepted", "dispatched", actor.pk),
        ("start", "dispatched", "in_progress", actor.pk),
        ("participant", "in_progress", "in_progress", actor.pk),
        ("resolve", "in_progress", "resolved", actor.pk),
        ("verify", "resolved", "verified", actor.pk),
        ("close", "verified", "closed", actor.pk),
        ("rate", "closed", "rated", actor.pk),
    ]
    audited = AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.pk))
    assert audited.count() == 9


def test_a_report_may_be_back_dated_and_its_clock_starts_then(tree):
    before = timezone.now()
    start = before - dt.timedelta(days=400)
    case = report(tree.songhe, kind="request", now=start)
    case.refresh_from_db()
    assert case.clock_started_at == case.created_at == start
    assert case.due_at > start and case.warn_at < case.due_at
    assert case.number == f"JF{timezone.localtime(start).year}-{case.pk:06d}"
    assert list(case.transitions.values_list("at", flat=True)) == [start]
    # The audit log keeps the time the report was written.
    event = AuditEvent.objects.get(action="case.report", target_id=str(case.pk))
    assert event.at >= before


def test_the_reporter_phone_is_stored_encrypted(tree):
    case = report(tree.songhe, reporter_phone="13800001111")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM cases_case WHERE id = %s", [case.pk])
        raw = cursor.fetchone()[0]
    assert "13800001111" not in raw


def test_actions_the_status_does_not_allow_are_refused(tree, mediator):
    case = report(tree.songhe)
    with pytest.raises(ValidationError) as exc:
        case_start(actor=None, case=case)
    assert messages(exc) == ["案件当前状态为「上报」，不能执行「开始处置」"]
    with pytest.raises(ValidationError):
        case_close(actor=None, case=case)
    case = case_accept(actor=None, case=case)
    with pytest.raises(ValidationError):
        case_accept(actor=None, case=case)
    assert case.transitions.count() == 2


def test_a_stale_case_object_cannot_repeat_an_action(tree):
    case = report(tree.songhe)
    case_accept(actor=None, case=case)
    with pytest.raises(ValidationError):  # the service reads the locked row, not the argument
        case_accept(actor=None, case=case)


def test_reject_needs_a_reason(tree):
    case = report(tree.songhe)
    with pytest.raises(ValidationError) as exc:
        case_reject(actor=None, case=case, reason="  ")
    assert messages(exc) == {"reason": ["不予受理须说明理由"]}
    case = case_reject(actor=None, case=case, reason="不属于受理范围")
    assert case.status == S.REJECTED
    assert last(case).note == "不属于受理范围"


def test_a_failed_verification_goes_back_to_in_progress(tree, mediator):
    from jinguo.cases.tests.factories import resolved

    case = resolved(tree.songhe, mediator)
    with pytest.raises(ValidationError):
        case_verify(actor=None, case=case, passed=False, note="")
    case = case_verify(actor=None, case=case, passed=False, note="未回访当事人")
    assert case.status == S.IN_PROGRESS
    row = last(case)
    assert (row.action, row.from_status, row.to_status) == ("verify", "resolved", "in_progress")


def test_return_goes_back_to_the_dispatcher_without_an_assignee(tree, mediator):
    case = case_accept(actor=None, case=report(tree.songhe))
    case = case_dispatch(actor=None, case=case, assignee=mediator)
    case = case_return(actor=None, case=case, reason="非本人职责")
    assert case.status == S.ACCEPTED and case.assignee is None
    with pytest.raises(ValidationError):
        case_return(actor=None, case=case, reason="再退")


def test_domestic_violence_escalates_at_once_to_the_parent_under_red_supervision(cast, tree):
    case = case_report(
        actor=cast.wushan_member, org=tree.wushan, kind="domestic_violence", title="家暴求助"
    )
    case.refresh_from_db()
    assert case.is_high_risk
    assert case.org == tree.songhe and case.origin_org == tree.wushan
    assert case.supervision == Case.Supervision.RED
    row = last(case)
    assert row.action == "escalate" and "家庭暴力" in row.note


def test_escalate_moves_the_case_one_level_up_and_restarts_its_clock(tree):
    case = case_accept(actor=None, case=report(tree.songhe))
    case = case_escalate(actor=None, case=case, reason="涉及多个村")
    assert case.org == tree.helixi and case.status == S.REPORTED
    assert last(case).action == "escalate"


def test_escalating_from_the_city_is_refused(tree):
    case = report(tree.city)
    with pytest.raises(ValidationError) as exc:
        case_escalate(actor=None, case=case, reason="再上报")
    assert messages(exc) == ["已是最高一级，不能再上报"]
    assert "escalate" not in services.allowed_actions(case)


def test_supervision_is_recorded(tree):
    case = case_supervise(actor=None, case=report(tree.songhe), level="yellow", note="加快")
    assert case.supervision == "yellow"
    with pytest.raises(ValidationError):
        case_supervise(actor=None, case=case, level="none")


def test_the_deadline_comes_from_the_rule_in_working_days_over_holidays(tree, clock):
    clock(2026, 9, 30, 10, 0)  # Wednesday before 国庆
    case = report(tree.songhe, kind="rights_visit")  # 5 working days: 8, 9, 10 (Sat), 12, 13
    assert local(case.due_at).timetuple()[:6] == (2026, 10, 13, 23, 59, 59)
    TimeLimitRule.objects.create(kind="rights_visit", level=4, working_days=2)
    assert local(report(tree.songhe, kind="rights_visit").due_at).date() == dt.date(2026, 10, 9)
    # A grid (level 5) has no own rule: the any-level one applies.
    assert local(report(tree.wushan, kind="rights_visit").due_at).date() == dt.date(2026, 10, 13)


def test_a_delay_extends_the_deadline_by_working_days(tree, mediator, clock):
    clock(2026, 9, 21, 9, 0)  # Monday
    case = case_accept(actor=None, case=report(tree.songhe, kind="rights_visit"))
    assert local(case.due_at).date() == dt.date(2026, 9, 29)  # 25 Sep is 中秋
    case = case_dispatch(actor=None, case=case, assignee=mediator)
    with pytest.raises(ValidationError):
        case_request_delay(actor=None, case=case, days=3, reason="")
    case = case_request_delay(actor=None, case=case, days=3, reason="当事人外出")
    assert local(case.due_at).date() == dt.date(2026, 10, 9)  # 30 Sep, then 8 and 9 Oct
    assert "当事人外出" in last(case).note


def test_an_actor_outside_the_handling_unit_or_read_only_is_refused(cast, tree):
    case = report(tree.songhe)
    with pytest.raises(PermissionDenied):
        case_accept(actor=cast.gangkou_chair, case=case)
    with pytest.raises(PermissionDenied):
        case_accept(actor=cast.county_leader, case=case)
    with pytest.raises(PermissionDenied):
        case_report(actor=cast.gangkou_chair, org=tree.songhe, kind="request", title="x")
    assert case_accept(actor=cast.township_cadre, case=case).status == S.ACCEPTED


def test_a_participant_is_added_once(tree, mediator):
    case = report(tree.songhe)
    case_add_participant(actor=None, case=case, person=mediator, role="assistant")
    with pytest.raises(ValidationError):
        case_add_participant(actor=None, case=case, person=mediator, role="mediator")
    assert CaseParticipant.objects.filter(case=case).count() == 1


def test_report_checks_its_fields(tree):
    with pytest.raises(ValidationError) as exc:
        case_report(actor=None, org=tree.songhe, kind="nope", title=" ")
    assert set(messages(exc)) == {"kind", "title"}


# --- concurrency (PostgreSQL: SQLite has no row locks to prove anything with) ------------------


def _race(monkeypatch, action) -> list[BaseException]:
    """Run `action` in two threads at once, with a pause inside the locked section."""
    record = services._record

    def slow_record(**kwargs):
        time.sleep(0.3)
        return record(**kwargs)

    monkeypatch.setattr(services, "_record", slow_record)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def run():
        try:
            start.wait()
            action()
        except BaseException as exc:  # collected: the test checks who lost
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_people_accepting_the_same_case_at_once_cannot_both_win(monkeypatch):
    t = build_tree()
    case = report(t.songhe)
    failures = _race(monkeypatch, lambda: case_accept(actor=None, case=case))
    assert len(failures) == 1 and isinstance(failures[0], ValidationError)
    assert CaseTransition.objects.filter(case=case, action="accept").count() == 1


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_leave_exactly_one_dispatch(monkeypatch):
    t = build_tree()
    people = [executive(t.songhe, n) for n in ("甲", "乙")]
    case = case_accept(actor=None, case=report(t.songhe))
    turn = iter(people)
    failures = _race(monkeypatch, lambda: case_dispatch(actor=None, case=case, assignee=next(turn)))
    assert len(failures) == 1 and isinstance(failures[0], ValidationError)
    assert CaseTransition.objects.filter(case=case, action="dispatch").count() == 1
    case.refresh_from_db()
    assert case.status == S.DISPATCHED and case.assignee in people


def test_a_case_is_sensitive_when_marked_and_domestic_violence_always_is(tree):
    assert report(tree.songhe, sensitive=True).sensitive
    assert not report(tree.songhe).sensitive
    assert report(tree.wushan, kind="domestic_violence", sensitive=False).sensitive
