"""Meetings and their topics. Every change locks the row, checks what the status allows,
writes a MeetingChange row and an audit row; resolutions live in meetings.resolutions.

Meeting: planned → held (at least one attendee, a held date not in the future) or cancelled
(with a reason). Only a planned meeting is edited; topics are added until it is cancelled.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.meetings.models import (
    PUBLIC_BY_DEFAULT,
    Meeting,
    MeetingAttendee,
    MeetingChange,
    MeetingKind,
    Topic,
)
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.selectors import check_write_at, venue_usable_by
from jinguo.people.models import Person
from jinguo.people.selectors import person_list_visible

Role = MeetingAttendee.Role


# --- the common frame ---------------------------------------------------------------------------


def _check_actor(actor: User | None, org: OrgUnit) -> None:
    """The actor must be allowed to write at `org` (None: the system itself)."""
    check_write_at(user=actor, org=org)


def _check_people(actor: User | None, people: Iterable[Person], field: str) -> None:
    """Persons picked by a user must be visible to her: anyone else 不存在."""
    if actor is None:
        return
    ids = {p.pk for p in people}
    if ids and person_list_visible(user=actor).filter(pk__in=ids).count() != len(ids):
        raise ValidationError({field: [_("所选人员不存在")]})


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


def _meeting_record(
    *,
    actor: User | None,
    meeting: Meeting,
    action: str,
    from_status: str,
    note: str = "",
    changes: dict[str, Any] | None = None,
) -> None:
    record_change(
        MeetingChange,
        target=meeting,
        actor=actor,
        action=action,
        audit_action=f"meetings.{action}",
        note=note,
        from_status=from_status,
        to_status=meeting.status,
        changes={"status": [from_status, meeting.status], **(changes or {})},
    )


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("org").get(pk=meeting.pk)


# --- meetings -----------------------------------------------------------------------------------


def _meeting_errors(
    *, actor: User | None, org: OrgUnit, kind: str, title: str, planned_at: Any, place: Venue | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in MeetingKind.values:
        errors["kind"] = [_("请选择会议类型")]
    if not (title or "").strip():
        errors["title"] = [_("请填写会议名称")]
    if planned_at is None:
        errors["planned_at"] = [_("请填写计划时间")]
    if not org.is_active:
        errors["org"] = [_("该组织已停用")]
    if place is not None and not venue_usable_by(user=actor, org=org, venue=place):
        errors["place"] = [_("地点须是本组织、下级或上级组织的阵地")]
    return errors


def _set_invitees(
    meeting: Meeting,
    *,
    executives: Iterable[Person],
    residents: Iterable[Person],
    guests: Iterable[Person] = (),
) -> list[str]:
    """Replace the invitation list (a planned meeting: nobody has attended yet)."""
    wanted: dict[int, tuple[Person, str]] = {}
    for role, people in (
        (Role.GUEST, guests),
        (Role.RESIDENT, residents),
        (Role.EXECUTIVE, executives),
    ):
        for person in people:
            wanted[person.pk] = (person, role)  # executive wins when picked twice
    meeting.attendees.exclude(person_id__in=list(wanted)).delete()
    existing = {a.person_id: a for a in meeting.attendees.all()}
    for pk, (person, wanted_role) in wanted.items():
        row = existing.get(pk)
        if row is None:
            MeetingAttendee.objects.create(meeting=meeting, person=person, role=wanted_role)
        elif row.role != wanted_role:
            row.role = wanted_role
            row.save(update_fields=["role"])
    return sorted(p.name for p, _r in wanted.values())


def meeting_create(
    *,
    actor: User | None,
    org: OrgUnit,
    kind: str,
    title: str,
    planned_at: dt.datetime,
    place: Venue | None = None,
    is_public: bool | None = None,
    executives: Iterable[Person] = (),
    residents: Iterable[Person] = (),
    guests: Iterable[Person] = (),
) -> Meeting:
    """Plan a meeting at `org`. `is_public` None: public for 妇女议事会 and 一季一议事."""
    errors = _meeting_errors(
        actor=actor, org=org, kind=kind, title=title, planned_at=planned_at, place=place
    )
    if errors:
        raise ValidationError(errors)
    _check_actor(actor, org)
    executives, residents, guests = list(executives), list(residents), list(guests)
    _check_people(actor, [*executives, *residents, *guests], "attendees")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            org=org,
            kind=kind,
            title=title.strip(),
            planned_at=planned_at,
            place=place,
            is_public=kind in PUBLIC_BY_DEFAULT if is_public is None else is_public,
            created_by=actor,
        )
        names = _set_invitees(meeting, executives=executives, residents=residents, guests=guests)
        _meeting_record(
            actor=actor,
            meeting=meeting,
            action=MeetingChange.Action.CREATE,
            from_status="",
            note=meeting.title,
            changes={"attendees": [None, len(names)]},
        )
    return meeting


def meeting_update(
    *,
    actor: User | None,
    meeting: Meeting,
    kind: str,
    title: str,
    planned_at: dt.datetime,
    place: Venue | None = None,
    is_public: bool | None = None,
    executives: Iterable[Person] = (),
    residents: Iterable[Person] = (),
    guests: Iterable[Person] = (),
) -> Meeting:
    """Change a planned meeting (and its invitation list)."""
    executives, residents, guests = list(executives), list(residents), list(guests)
    with transaction.atomic():
        locked = _lock_meeting(meeting)
        _check_actor(actor, locked.org)
        if locked.status != Meeting.Status.PLANNED:
            raise ValidationError(_("只能修改计划中的会议"))
        errors = _meeting_errors(
            actor=actor, org=locked.org, kind=kind, title=title, planned_at=planned_at, place=place
        )
        if errors:
            raise ValidationError(errors)
        _check_people(actor, [*executives, *residents, *guests], "attendees")
        new = {
            "kind": kind,
            "title": title.strip(),
            "planned_at": planned_at,
            "place": place,
            "is_public": kind in PUBLIC_BY_DEFAULT if is_public is None else is_public,
        }
        changes: dict[str, Any] = {
            f: [str(getattr(locked, f)), str(v)] for f, v in new.items() if getattr(locked, f) != v
        }
        for field, value in new.items():
            setattr(locked, field, value)
        locked.save()
        names = _set_invitees(locked, executives=executives, residents=residents, guests=guests)
        changes["attendees"] = [None, len(names)]
        _meeting_record(
            actor=actor,
            meeting=locked,
            action=MeetingChange.Action.UPDATE,
            from_status=locked.status,
            changes=changes,
        )
    return locked


def _held_errors(held_on: dt.date | None, attended: list[Person], extra: list[Person]) -> None:
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = [_("请填写召开日期")]
    elif held_on > timezone.localdate():
        errors["held_on"] = [_("召开日期不能晚于今天")]
    if not attended and not extra:
        errors["attended"] = [_("请至少选择一名参会人员")]
    if errors:
        raise ValidationError(errors)


def _mark_attendance(locked: Meeting, attended: list[Person], extra: list[Person]) -> int:
    """Tick the invitees who came, add the residents who joined on the day; the named count."""
    invitees = {a.person_id: a for a in locked.attendees.all()}
    ticked = {p.pk for p in attended}
    if ticked - set(invitees):
        raise ValidationError({"attended": [_("只能勾选会议邀请的人员")]})
    for pk, row in invitees.items():
        if row.attended != (pk in ticked):
            row.attended = pk in ticked
            row.save(update_fields=["attended"])
    for person in extra:
        if person.pk in invitees:
            invitees[person.pk].attended = True
            invitees[person.pk].save(update_fields=["attended"])
        else:
            invitees[person.pk] = MeetingAttendee.objects.create(
                meeting=locked, person=person, role=Role.RESIDENT, attended=True
            )
    return sum(1 for row in invitees.values() if row.attended)


def meeting_record_held(
    *,
    actor: User | None,
    meeting: Meeting,
    held_on: dt.date,
    attended: Iterable[Person] = (),
    extra_residents: Iterable[Person] = (),
    attendee_count: int | None = None,
    minutes: str = "",
    public_summary: str = "",
) -> Meeting:
    """Record that the meeting took place: who attended (invitees ticked, people added on the
    day as residents), the head count (at least the named attendees), minutes and summary."""
    attended, extra = list(attended), list(extra_residents)
    _held_errors(held_on, attended, extra)
    _check_people(actor, extra, "extra_residents")
    with transaction.atomic():
        locked = _lock_meeting(meeting)
        _check_actor(actor, locked.org)
        if locked.status != Meeting.Status.PLANNED:
            raise ValidationError(
                _("会议当前状态为「%(status)s」，不能记录召开")
                % {"status": locked.get_status_display()}
            )
        named = _mark_attendance(locked, attended, extra)
        count = named if attendee_count is None else attendee_count
        if count < named:
            raise ValidationError(
                {"attendee_count": [_("参会人数不能少于勾选的人数（%(n)s）") % {"n": named}]}
            )
        from_status = locked.status
        locked.status = Meeting.Status.HELD
        locked.held_on = held_on
        locked.attendee_count = count
        locked.minutes = (minutes or "").strip()
        locked.public_summary = (public_summary or "").strip()
        locked.save()
        _meeting_record(
            actor=actor,
            meeting=locked,
            action=MeetingChange.Action.HOLD,
            from_status=from_status,
            note=str(held_on),
            changes={"held_on": [None, str(held_on)], "attendee_count": [0, count]},
        )
    return locked


def meeting_cancel(*, actor: User | None, meeting: Meeting, reason: str) -> Meeting:
    reason = _required(reason, "reason", _("取消会议须说明原因"))
    with transaction.atomic():
        locked = _lock_meeting(meeting)
        _check_actor(actor, locked.org)
        if locked.status != Meeting.Status.PLANNED:
            raise ValidationError(
                _("会议当前状态为「%(status)s」，不能取消")
                % {"status": locked.get_status_display()}
            )
        from_status = locked.status
        locked.status = Meeting.Status.CANCELLED
        locked.cancel_reason = reason[:500]
        locked.save()
        _meeting_record(
            actor=actor,
            meeting=locked,
            action=MeetingChange.Action.CANCEL,
            from_status=from_status,
            note=reason,
        )
    return locked


# --- topics -------------------------------------------------------------------------------------


def topic_add(
    *,
    actor: User | None,
    meeting: Meeting,
    title: str,
    raised_by: Person | None = None,
    discussion: str = "",
) -> Topic:
    title = _required(title, "title", _("请填写议题"))
    _check_people(actor, [raised_by] if raised_by else [], "raised_by")
    with transaction.atomic():
        locked = _lock_meeting(meeting)
        _check_actor(actor, locked.org)
        if locked.status == Meeting.Status.CANCELLED:
            raise ValidationError(_("会议已取消，不能添加议题"))
        topic = Topic.objects.create(
            meeting=locked, title=title[:200], raised_by=raised_by, discussion=discussion.strip()
        )
        _meeting_record(
            actor=actor,
            meeting=locked,
            action=MeetingChange.Action.TOPIC,
            from_status=locked.status,
            note=topic.title,
            changes={"topic": [None, topic.title]},
        )
    return topic


def topic_update(
    *,
    actor: User | None,
    topic: Topic,
    title: str,
    raised_by: Person | None = None,
    discussion: str = "",
) -> Topic:
    """Correct a topic or write down the opinions given on it."""
    title = _required(title, "title", _("请填写议题"))
    _check_people(actor, [raised_by] if raised_by else [], "raised_by")
    with transaction.atomic():
        locked = _lock_meeting(topic.meeting)
        _check_actor(actor, locked.org)
        if locked.status == Meeting.Status.CANCELLED:
            raise ValidationError(_("会议已取消，不能修改议题"))
        row = Topic.objects.select_for_update().get(pk=topic.pk)
        old = {"title": row.title, "discussion": row.discussion}
        row.title, row.raised_by, row.discussion = title[:200], raised_by, discussion.strip()
        row.save()
        changes = {k: [v, getattr(row, k)] for k, v in old.items() if v != getattr(row, k)}
        _meeting_record(
            actor=actor,
            meeting=locked,
            action=MeetingChange.Action.TOPIC_UPDATE,
            from_status=locked.status,
            note=row.title,
            changes=changes,
        )
    return row
