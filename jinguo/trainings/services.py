"""Writes for trainings. Callers fetch courses, sessions, persons and venues through the scoped
selectors first (404 out of scope, 403 for read-only roles); these functions enforce the rules
of the records, raise ValidationError with Chinese messages by field, and write one CourseChange
row and one audit row per state change.

A session goes planned → held (only once its date has come) or planned → cancelled. Attendance
is recorded for a held session only, as a set: the people ticked attended, everyone else
enrolled did not; walk-ins are enrolled on the way.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.selectors import check_write_at, venue_usable_by
from jinguo.people.models import Person
from jinguo.people.selectors import person_list_visible
from jinguo.trainings.models import (
    MAX_HOURS,
    MIN_HOURS,
    Attendance,
    Audience,
    Course,
    CourseChange,
    Enrolment,
    Session,
    Topic,
)


def _raise_if(errors: dict[str, list[str]]) -> None:
    found = {field: messages for field, messages in errors.items() if messages}
    if found:
        raise ValidationError(found)


def _check_actor(actor: User, org: OrgUnit) -> None:
    """The actor must write, at `org` or above it (views have checked scope already)."""
    check_write_at(user=actor, org=org)


def _record(
    *,
    actor: User,
    course: Course,
    action: str,
    old: dict[str, Any],
    new: dict[str, Any],
    session: Session | None = None,
    target: Any = None,
    note: str = "",
) -> CourseChange:
    return record_change(
        CourseChange,
        target=course,
        links={"session": session},
        actor=actor,
        action=action,
        audit_action=f"training.{action}",
        note=note,
        old=old,
        new=new,
        changes={key: [old.get(key), new.get(key)] for key in sorted({*old, *new})},
        audit_target=target if target is not None else (session or course),
    )


def _hours_errors(hours: Decimal | None, field: str = "hours") -> dict[str, list[str]]:
    if hours is None or not (MIN_HOURS <= hours <= MAX_HOURS):
        message = _("学时须在%(low)s到%(high)s小时之间") % {"low": MIN_HOURS, "high": MAX_HOURS}
        return {field: [message]}
    return {}


# --- courses ------------------------------------------------------------------------------------


def course_create(
    *,
    actor: User,
    org: OrgUnit,
    title: str,
    topic: str,
    audience: str,
    planned_hours: Decimal,
    description: str = "",
) -> Course:
    _check_actor(actor, org)
    title = title.strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("请填写课程名称")]
    if topic not in Topic.values:
        errors["topic"] = [_("请选择培训主题")]
    if audience not in Audience.values:
        errors["audience"] = [_("请选择培训对象")]
    if planned_hours is None or planned_hours <= 0 or planned_hours > 999:
        errors["planned_hours"] = [_("计划学时须大于0且不超过999")]
    if not org.is_active:
        errors["org"] = [_("该组织已停用")]
    _raise_if(errors)
    with transaction.atomic():
        course = Course.objects.create(
            org=org,
            title=title,
            topic=topic,
            audience=audience,
            planned_hours=planned_hours,
            description=description.strip(),
            created_by=actor,
        )
        new = {"org": org.pk, "title": title, "topic": topic, "audience": audience}
        _record(actor=actor, course=course, action=CourseChange.Action.CREATE, old={}, new=new)
    return course


# --- sessions -----------------------------------------------------------------------------------


def session_create(
    *,
    actor: User,
    course: Course,
    held_on: dt.date,
    hours: Decimal,
    venue: Venue | None = None,
    place: str = "",
    trainer: str = "",
) -> Session:
    """A planned class. The venue comes from the caller's scoped pick; it must be active and
    lie in the actor's scope."""
    _check_actor(actor, course.org)
    place = place.strip()
    errors = _hours_errors(hours)
    if not course.is_active:
        errors["course"] = [_("课程已停用，不能新增场次")]
    if venue is not None and not venue_usable_by(user=actor, org=course.org, venue=venue):
        errors["venue"] = [_("阵地不存在")]
    if venue is None and not place:
        errors["place"] = [_("请选择阵地或填写地点")]
    _raise_if(errors)
    with transaction.atomic():
        session = Session.objects.create(
            course=course,
            held_on=held_on,
            hours=hours,
            venue=venue,
            place=place,
            trainer=trainer.strip(),
        )
        new = {
            "held_on": held_on.isoformat(),
            "hours": str(hours),
            "status": Session.Status.PLANNED,
        }
        _record(
            actor=actor,
            course=course,
            session=session,
            action=CourseChange.Action.SESSION_CREATE,
            old={},
            new=new,
        )
    return session


def _lock_session(session: Session) -> Session:
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("course__org")
        .get(pk=session.pk)
    )


def session_mark_held(*, actor: User, session: Session) -> Session:
    """planned → held, once the session's date has come."""
    with transaction.atomic():
        locked = _lock_session(session)
        _check_actor(actor, locked.course.org)
        if locked.status != Session.Status.PLANNED:
            raise ValidationError(
                {"status": [_("只有计划中的场次可以确认举办")]},
            )
        if locked.held_on > timezone.localdate():
            raise ValidationError({"held_on": [_("培训日期还没到，不能确认举办")]})
        locked.status = Session.Status.HELD
        locked.save(update_fields=["status"])
        _record(
            actor=actor,
            course=locked.course,
            session=locked,
            action=CourseChange.Action.SESSION_HELD,
            old={"status": Session.Status.PLANNED},
            new={"status": Session.Status.HELD},
        )
    return locked


def session_cancel(*, actor: User, session: Session, reason: str = "") -> Session:
    """planned → cancelled; a held session keeps its attendance and cannot be cancelled."""
    with transaction.atomic():
        locked = _lock_session(session)
        _check_actor(actor, locked.course.org)
        if locked.status != Session.Status.PLANNED:
            raise ValidationError({"status": [_("只有计划中的场次可以取消")]})
        locked.status = Session.Status.CANCELLED
        locked.save(update_fields=["status"])
        _record(
            actor=actor,
            course=locked.course,
            session=locked,
            action=CourseChange.Action.SESSION_CANCEL,
            old={"status": Session.Status.PLANNED},
            new={"status": Session.Status.CANCELLED},
            note=reason.strip()[:200],
        )
    return locked


# --- enrolment and attendance -----------------------------------------------------------------


def _unseen(actor: User, people: list[Person]) -> list[Person]:
    """People `actor` may not see: callers pick through person_list_visible, this re-checks."""
    ids = {p.pk for p in people}
    visible = set(person_list_visible(user=actor).filter(pk__in=ids).values_list("pk", flat=True))
    return [p for p in people if p.pk not in visible]


def _unique(people: Iterable[Person]) -> list[Person]:
    return list({p.pk: p for p in people}.values())


def _enrol(*, actor: User, course: Course, people: list[Person]) -> list[Enrolment]:
    return Enrolment.objects.bulk_create(
        [Enrolment(course=course, person=p, enrolled_by=actor) for p in people]
    )


def course_enrol(*, actor: User, course: Course, people: Iterable[Person]) -> list[Enrolment]:
    """Enrol each person once. A person the actor may not see is "不存在"; a person already
    enrolled is an error naming her, so nothing is half done."""
    _check_actor(actor, course.org)
    chosen = _unique(people)
    if not chosen:
        raise ValidationError({"people": [_("请选择学员")]})
    if _unseen(actor, chosen):
        raise ValidationError({"people": [_("所选人员不存在")]})
    with transaction.atomic():
        Course.objects.select_for_update().filter(pk=course.pk).first()  # one enroller at a time
        taken = set(
            Enrolment.objects.filter(course=course, person__in=chosen).values_list(
                "person_id", flat=True
            )
        )
        if taken:
            names = "、".join(p.name for p in chosen if p.pk in taken)
            raise ValidationError({"people": [_("%(names)s已报名该课程") % {"names": names}]})
        rows = _enrol(actor=actor, course=course, people=chosen)
        new = {"people": sorted(p.pk for p in chosen)}
        _record(actor=actor, course=course, action=CourseChange.Action.ENROL, old={}, new=new)
    return rows


def session_record_attendance(
    *,
    actor: User,
    session: Session,
    attended: Iterable[Person],
    walk_ins: Iterable[Person] = (),
) -> list[Attendance]:
    """Write the attendance of a held session as a set. `attended` must be enrolled people;
    `walk_ins` (not enrolled yet) are enrolled and counted as attended. Every enrolled person
    gets a row: attended or not. One history row (old set → new set) and one audit row."""
    present = _unique(attended)
    extra = _unique(walk_ins)
    with transaction.atomic():
        locked = _lock_session(session)
        course = locked.course
        _check_actor(actor, course.org)
        if locked.status != Session.Status.HELD:
            raise ValidationError({"session": [_("场次确认举办后才能登记出勤")]})
        if locked.held_on > timezone.localdate():
            raise ValidationError({"session": [_("培训日期还没到，不能登记出勤")]})
        if _unseen(actor, [*present, *extra]):
            raise ValidationError({"attended": [_("所选人员不存在")]})
        enrolled = set(Enrolment.objects.filter(course=course).values_list("person_id", flat=True))
        not_enrolled = [p for p in present if p.pk not in enrolled]
        if not_enrolled:
            names = "、".join(p.name for p in not_enrolled)
            raise ValidationError({"attended": [_("%(names)s未报名该课程") % {"names": names}]})
        newcomers = [p for p in extra if p.pk not in enrolled]
        _enrol(actor=actor, course=course, people=newcomers)
        enrolled |= {p.pk for p in newcomers}
        new_set = sorted({p.pk for p in present} | {p.pk for p in extra})
        rows = {a.person_id: a for a in locked.attendances.all()}
        old_set = sorted(pk for pk, a in rows.items() if a.attended)
        changed, created = [], []
        for person_id in enrolled | set(rows):
            now_attended = person_id in new_set
            row = rows.get(person_id)
            if row is None:
                created.append(
                    Attendance(session=locked, person_id=person_id, attended=now_attended)
                )
            elif row.attended != now_attended:
                row.attended = now_attended
                row.recorded_at = timezone.now()  # bulk_update does not apply auto_now
                changed.append(row)
        Attendance.objects.bulk_create(created)
        Attendance.objects.bulk_update(changed, ["attended", "recorded_at"])
        note = _("出勤%(n)s人") % {"n": len(new_set)}
        if newcomers:
            note += _("，其中临时参加%(n)s人") % {"n": len(newcomers)}
        _record(
            actor=actor,
            course=course,
            session=locked,
            action=CourseChange.Action.ATTENDANCE,
            old={"attended": old_set},
            new={"attended": new_set},
            note=note,
        )
    return list(locked.attendances.select_related("person").order_by("person__name", "id"))
