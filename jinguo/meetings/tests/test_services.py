import datetime as dt
from itertools import pairwise

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.meetings import resolutions, services
from jinguo.meetings.models import Meeting, MeetingChange, Resolution, ResolutionChange
from jinguo.meetings.tests.factories import held, plan, resolution, topic
from jinguo.people.models import Person

RS = Resolution.Status
TODAY = timezone.localdate


def test_planning_writes_a_history_row_and_an_audit_row(tree, cast, execs):
    meeting = services.meeting_create(
        actor=cast.songhe_chair,
        org=tree.songhe,
        kind="women_council",
        title="三月妇女议事会",
        planned_at=timezone.now() + dt.timedelta(days=3),
        executives=execs,
    )
    assert meeting.status == "planned" and meeting.is_public
    assert meeting.attendees.count() == 2
    change = meeting.changes.get()
    assert (change.action, change.from_status, change.to_status) == ("create", "", "planned")
    assert change.actor == cast.songhe_chair
    assert AuditEvent.objects.filter(action="meetings.create").count() == 1


def test_public_by_default_only_for_women_councils_and_quarterly_meetings(tree):
    assert plan(tree.songhe, kind="quarterly").is_public
    assert not plan(tree.songhe, kind="executive_committee").is_public
    assert not plan(tree.songhe, kind="women_council", is_public=False).is_public
    assert plan(tree.songhe, kind="democratic_consultation", is_public=True).is_public


def test_a_meeting_needs_a_kind_and_a_title(tree):
    with pytest.raises(ValidationError) as err:
        services.meeting_create(
            actor=None, org=tree.songhe, kind="party", title=" ", planned_at=timezone.now()
        )
    assert set(err.value.message_dict) == {"kind", "title"}


def test_another_village_and_a_leader_may_not_plan_at_songhe(tree, cast):
    for user in (cast.gangkou_chair, cast.county_leader):
        with pytest.raises(PermissionDenied):
            services.meeting_create(
                actor=user, org=tree.songhe, kind="quarterly", title="x", planned_at=timezone.now()
            )


def test_a_person_of_another_village_cannot_be_invited(tree, cast, people):
    with pytest.raises(ValidationError) as err:
        services.meeting_create(
            actor=cast.songhe_chair,
            org=tree.songhe,
            kind="quarterly",
            title="一季一议事",
            planned_at=timezone.now(),
            residents=[people.gangkou_exec],
        )
    assert "attendees" in err.value.message_dict


def test_recording_held_marks_attendance_and_writes_history(tree, execs):
    meeting = plan(tree.songhe, people=execs)
    resident = Person.objects.create(org=tree.songhe, name="居民甲", gender="F")
    meeting = services.meeting_record_held(
        actor=None,
        meeting=meeting,
        held_on=TODAY(),
        attended=execs[:1],
        extra_residents=[resident],
        attendee_count=12,
        minutes="纪要",
    )
    assert meeting.status == "held" and meeting.attendee_count == 12
    rows = {a.person_id: (a.role, a.attended) for a in meeting.attendees.all()}
    assert rows == {
        execs[0].pk: ("executive", True),
        execs[1].pk: ("executive", False),
        resident.pk: ("resident", True),
    }
    change = meeting.changes.latest("id")
    assert (change.action, change.from_status, change.to_status) == ("hold", "planned", "held")


def test_held_needs_an_attendee_a_past_date_and_a_count_at_least_the_named(tree, execs):
    meeting = plan(tree.songhe, people=execs)
    with pytest.raises(ValidationError) as err:
        services.meeting_record_held(actor=None, meeting=meeting, held_on=TODAY(), attended=[])
    assert "attended" in err.value.message_dict
    tomorrow = TODAY() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as err:
        services.meeting_record_held(actor=None, meeting=meeting, held_on=tomorrow, attended=execs)
    assert "held_on" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.meeting_record_held(
            actor=None, meeting=meeting, held_on=TODAY(), attended=execs, attendee_count=1
        )
    assert "attendee_count" in err.value.message_dict
    meeting.refresh_from_db()
    assert meeting.status == "planned" and not meeting.attendees.filter(attended=True).exists()


def test_only_invitees_can_be_ticked_as_attended(tree, execs, people):
    meeting = plan(tree.songhe, people=execs[:1])
    with pytest.raises(ValidationError):
        services.meeting_record_held(
            actor=None, meeting=meeting, held_on=TODAY(), attended=[execs[1]]
        )


def test_a_held_or_cancelled_meeting_cannot_be_held_cancelled_or_edited_again(tree, execs):
    done = held(tree.songhe, execs)
    with pytest.raises(ValidationError):
        services.meeting_record_held(actor=None, meeting=done, held_on=TODAY(), attended=execs)
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=None, meeting=done, reason="x")
    with pytest.raises(ValidationError):
        services.meeting_update(
            actor=None, meeting=done, kind="quarterly", title="x", planned_at=timezone.now()
        )
    cancelled = services.meeting_cancel(actor=None, meeting=plan(tree.songhe), reason="下雨")
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "下雨"
    assert cancelled.changes.latest("id").to_status == "cancelled"
    with pytest.raises(ValidationError):
        services.meeting_record_held(actor=None, meeting=cancelled, held_on=TODAY(), attended=execs)
    with pytest.raises(ValidationError):
        topic(cancelled)


def test_cancelling_needs_a_reason(tree):
    with pytest.raises(ValidationError) as err:
        services.meeting_cancel(actor=None, meeting=plan(tree.songhe), reason=" ")
    assert "reason" in err.value.message_dict


def test_editing_a_planned_meeting_replaces_the_invitation_list(tree, execs):
    meeting = plan(tree.songhe, people=execs)
    meeting = services.meeting_update(
        actor=None,
        meeting=meeting,
        kind="quarterly",
        title="改期",
        planned_at=meeting.planned_at,
        executives=execs[:1],
    )
    assert meeting.title == "改期" and meeting.attendees.count() == 1
    assert meeting.changes.latest("id").action == "update"


def test_adding_a_topic_writes_a_meeting_history_row(tree, execs):
    meeting = plan(tree.songhe, people=execs)
    t = services.topic_add(actor=None, meeting=meeting, title="停车难", raised_by=execs[0])
    assert t.raised_by == execs[0]
    assert MeetingChange.objects.filter(meeting=meeting, action="topic").count() == 1
    t = services.topic_update(actor=None, topic=t, title="停车难", discussion="建议划线")
    assert t.discussion == "建议划线"


@pytest.mark.parametrize(
    "status",
    ["proposed", "adopted", "rejected", "forwarded", "in_progress", "done", "not_adopted"],
)
def test_every_status_is_reached_through_the_allowed_transitions(tree, execs, status):
    r = resolution(held(tree.songhe, execs), status)
    assert r.status == status
    steps = list(r.changes.values_list("from_status", "to_status"))
    assert steps[0] == ("", "proposed") and steps[-1][1] == status
    assert all(a == b for (_f, a), (b, _t) in pairwise(steps))


ALL = {
    "adopt": lambda r: resolutions.resolution_adopt(actor=None, resolution=r),
    "reject": lambda r: resolutions.resolution_reject(actor=None, resolution=r, reason="否"),
    "forward": lambda r: resolutions.resolution_forward(
        actor=None, resolution=r, forwarded_on=TODAY(), forwarded_to="两委"
    ),
    "start": lambda r: resolutions.resolution_start(actor=None, resolution=r),
    "complete": lambda r: resolutions.resolution_complete(
        actor=None, resolution=r, done_on=TODAY(), result="好"
    ),
    "decline": lambda r: resolutions.resolution_decline(actor=None, resolution=r, reason="否"),
}
ALLOWED = {
    "proposed": {"adopt", "reject"},
    "adopted": {"forward"},
    "rejected": set(),
    "forwarded": {"start", "decline"},
    "in_progress": {"complete", "decline"},
    "done": set(),
    "not_adopted": set(),
}


@pytest.mark.parametrize("status", list(ALLOWED))
def test_refused_transitions_change_nothing(tree, execs, status):
    meeting = held(tree.songhe, execs)
    for action, run in ALL.items():
        r = resolution(meeting, status)
        before = r.changes.count()
        if action in ALLOWED[status]:
            run(r)
            assert r.changes.count() == before + 1
            continue
        with pytest.raises(ValidationError):
            run(r)
        r.refresh_from_db()
        assert r.status == status and r.changes.count() == before


def test_a_resolution_is_adopted_only_once_the_meeting_is_held(tree, execs):
    meeting = plan(tree.songhe, people=execs)
    r = resolutions.resolution_propose(actor=None, topic=topic(meeting), content="提议")
    assert resolutions.allowed_actions(r) == []
    with pytest.raises(ValidationError):
        resolutions.resolution_adopt(actor=None, resolution=r)


def test_transitions_write_history_and_audit_rows_with_the_actor(tree, cast, execs):
    r = resolution(held(tree.songhe, execs), "adopted")
    r = resolutions.resolution_forward(
        actor=cast.songhe_chair, resolution=r, forwarded_on=TODAY(), forwarded_to="嵩合社区两委会议"
    )
    change = ResolutionChange.objects.filter(resolution=r).latest("id")
    assert (change.action, change.from_status, change.to_status) == (
        "forward",
        "adopted",
        "forwarded",
    )
    assert change.actor == cast.songhe_chair and change.note == "嵩合社区两委会议"
    event = AuditEvent.objects.filter(action="meetings.resolution_forward").get()
    assert event.changes["status"] == ["adopted", "forwarded"]


def test_forwarding_and_completing_check_their_fields_and_dates(tree, execs):
    meeting = held(tree.songhe, execs, on=TODAY() - dt.timedelta(days=10))
    r = resolution(meeting, "adopted")
    with pytest.raises(ValidationError) as err:
        resolutions.resolution_forward(
            actor=None, resolution=r, forwarded_on=TODAY(), forwarded_to=""
        )
    assert "forwarded_to" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        resolutions.resolution_forward(
            actor=None,
            resolution=r,
            forwarded_on=TODAY() - dt.timedelta(days=11),
            forwarded_to="两委",
        )
    assert "forwarded_on" in err.value.message_dict
    r = resolutions.resolution_forward(
        actor=None, resolution=r, forwarded_on=TODAY(), forwarded_to="两委"
    )
    r = resolutions.resolution_start(actor=None, resolution=r)
    with pytest.raises(ValidationError) as err:
        resolutions.resolution_complete(actor=None, resolution=r, done_on=TODAY(), result=" ")
    assert "result" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        resolutions.resolution_complete(
            actor=None, resolution=r, done_on=TODAY() + dt.timedelta(days=1), result="好"
        )
    assert "done_on" in err.value.message_dict


def test_another_village_may_not_act_on_a_songhe_resolution(tree, cast, execs):
    r = resolution(held(tree.songhe, execs), "adopted")
    with pytest.raises(PermissionDenied):
        resolutions.resolution_forward(
            actor=cast.gangkou_chair, resolution=r, forwarded_on=TODAY(), forwarded_to="两委"
        )
    assert Meeting.objects.get().status == "held"
    assert Resolution.objects.get().status == RS.ADOPTED
