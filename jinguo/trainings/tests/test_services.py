import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.orgs.models import Venue
from jinguo.trainings import services
from jinguo.trainings.models import Attendance, CourseChange, Enrolment, Session
from jinguo.trainings.tests.conftest import course, session


def attended_ids(s: Session) -> set[int]:
    return set(s.attendances.filter(attended=True).values_list("person_id", flat=True))


def test_a_person_is_enrolled_in_a_course_only_once(plan, cast, people):
    with pytest.raises(ValidationError) as error:
        services.course_enrol(actor=cast.township_cadre, course=plan.a, people=[people.wushan_exec])
    assert "已报名" in str(error.value)
    assert Enrolment.objects.filter(course=plan.a, person=people.wushan_exec).count() == 1


def test_a_person_the_actor_cannot_see_cannot_be_enrolled(plan, cast):
    with pytest.raises(ValidationError) as error:
        services.course_enrol(actor=cast.township_cadre, course=plan.a, people=[plan.dongmen])
    assert "不存在" in str(error.value)
    assert not Enrolment.objects.filter(person=plan.dongmen).exists()


def test_attendance_cannot_be_recorded_for_a_planned_session(plan, cast, people):
    planned = session(cast.township_cadre, plan.a, dt.date(2025, 7, 1), "2", held=False)
    with pytest.raises(ValidationError) as error:
        services.session_record_attendance(
            actor=cast.township_cadre, session=planned, attended=[people.wushan_exec]
        )
    assert "确认举办" in str(error.value)
    assert not Attendance.objects.filter(session=planned).exists()


def test_a_session_in_the_future_cannot_be_marked_held(plan, cast):
    later = timezone.localdate() + dt.timedelta(days=3)
    planned = session(cast.township_cadre, plan.a, later, "2", held=False)
    with pytest.raises(ValidationError) as error:
        services.session_mark_held(actor=cast.township_cadre, session=planned)
    assert "还没到" in str(error.value)
    planned.refresh_from_db()
    assert planned.status == Session.Status.PLANNED


def test_a_cancelled_or_held_session_cannot_be_cancelled_again(plan, cast):
    for s in (plan.a1, plan.a3):
        with pytest.raises(ValidationError):
            services.session_cancel(actor=cast.township_cadre, session=s)


def test_hours_outside_half_an_hour_to_twelve_are_refused(plan, cast):
    for hours in ("0.4", "12.5"):
        with pytest.raises(ValidationError) as error:
            services.session_create(
                actor=cast.township_cadre,
                course=plan.a,
                held_on=dt.date(2025, 8, 1),
                hours=Decimal(hours),
                place="礼堂",
            )
        assert "hours" in error.value.message_dict


def test_a_venue_outside_the_actors_scope_is_refused(plan, cast, tree):
    dongmen_home = Venue.objects.create(org=tree.dongmen, kind="women_home", name="东门妇女之家")
    with pytest.raises(ValidationError) as error:
        services.session_create(
            actor=cast.township_cadre,
            course=plan.a,
            held_on=dt.date(2025, 8, 1),
            hours=Decimal("2"),
            venue=dongmen_home,
        )
    assert "venue" in error.value.message_dict


def test_attendance_is_a_set_the_second_recording_replaces_the_first(plan, cast, people):
    w, c, g = people.wushan_exec, people.chengjiawan_exec, people.gangkou_exec
    assert attended_ids(plan.a1) == {w.pk, g.pk}
    services.session_record_attendance(actor=cast.township_cadre, session=plan.a1, attended=[c])
    assert attended_ids(plan.a1) == {c.pk}
    # every enrolled person has a row, ticked or not
    assert plan.a1.attendances.count() == 3
    change = CourseChange.objects.filter(session=plan.a1, action="attendance")[0]  # newest
    assert change.old == {"attended": sorted([w.pk, g.pk])}
    assert change.new == {"attended": [c.pk]}
    audit = AuditEvent.objects.filter(action="training.attendance", target_id=str(plan.a1.pk))
    assert audit.count() == 2


def test_a_walk_in_is_enrolled_and_counted_as_attended(plan, cast):
    services.session_record_attendance(
        actor=cast.songhe_chair, session=plan.b1, attended=[], walk_ins=[plan.resident]
    )
    services.session_record_attendance(
        actor=cast.township_cadre, session=plan.a1, attended=[], walk_ins=[plan.resident]
    )
    assert Enrolment.objects.filter(course=plan.a, person=plan.resident).count() == 1
    assert attended_ids(plan.a1) == {plan.resident.pk}


def test_a_person_not_enrolled_cannot_be_ticked_as_attended(plan, cast):
    with pytest.raises(ValidationError) as error:
        services.session_record_attendance(
            actor=cast.township_cadre, session=plan.a1, attended=[plan.resident]
        )
    assert "未报名" in str(error.value)


def test_a_leader_cannot_create_a_course(plan, cast, tree):
    with pytest.raises(PermissionDenied):
        course(cast.county_leader, tree.ningguo, "不该存在")


def test_a_village_chair_cannot_write_to_the_townships_course(plan, cast, people):
    with pytest.raises(PermissionDenied):
        services.course_enrol(actor=cast.songhe_chair, course=plan.a, people=[plan.resident])


def test_every_step_leaves_a_history_and_an_audit_row(plan):
    actions = list(CourseChange.objects.filter(course=plan.a).values_list("action", flat=True))
    for action in ("create", "enrol", "session_create", "session_held", "session_cancel"):
        assert action in actions
        assert AuditEvent.objects.filter(action=f"training.{action}").exists()
