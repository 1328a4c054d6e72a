"""Reads of trainings, always within the user's scope (orgs.selectors.scope_q).

Visibility: a course, and its sessions and enrolments, is visible to users whose scope contains
the course's org (the federation offering it). A village chair does not see the county's
course pages; she does see the attendance of her own people (attendance rows are visible
through the session's course org OR the person's org), so her coverage counts the trainings
her women attended wherever they were held, and a person's training record is complete.

Coverage: sessions, hours, person-times, trainees and trainee-hours all count the same
records: the held sessions of the period whose course's org is in the subtree, and the
attendance at those sessions (whoever attended). «举办培训N期，培训M人次» thus never counts
person-times of sessions it does not count: sessions = 0 ⇒ person-times = 0, and person-times =
the sum of the counted sessions' person-times. Only the executives' training rate counts by the
executive's own seat (she is trained by any session of the period, wherever held).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.figures import Figure, figure_url, list_url
from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.selectors import may_write_at, scope_q
from jinguo.people.models import Person
from jinguo.people.selectors import active_seats
from jinguo.trainings.models import Attendance, Course, CourseChange, Enrolment, Session

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class CourseCounts(TypedDict):
    held_count: int
    enrolled_count: int


class SessionTimes(TypedDict):
    person_times: int


class TickRow(TypedDict):
    attended: bool


HELD = Session.Status.HELD
ZERO = Decimal("0")


# --- scope and fetch-and-check ----------------------------------------------------------------


def course_scope_q(*, user: User) -> Q:
    return scope_q(user=user, field="org")


def courses_visible(*, user: User) -> QuerySet[Course]:
    return Course.objects.filter(course_scope_q(user=user))


def session_scope_q(*, user: User) -> Q:
    return scope_q(user=user, field="course__org")


def sessions_visible(*, user: User) -> QuerySet[Session]:
    return Session.objects.filter(session_scope_q(user=user))


def attendance_scope_q(*, user: User) -> Q:
    """Where the course was offered, or where the trainee belongs."""
    return scope_q(user=user, field="session__course__org") | scope_q(
        user=user, field="person__org"
    )


def attendances_visible(*, user: User) -> QuerySet[Attendance]:
    return Attendance.objects.filter(attendance_scope_q(user=user))


def course_get_for_user(*, user: User, course_id: int, for_write: bool = False) -> Course:
    course = courses_visible(user=user).select_related("org").filter(pk=course_id).first()
    if course is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=course.org):
        raise PermissionDenied
    return course


def session_get_for_user(*, user: User, session_id: int, for_write: bool = False) -> Session:
    session = (
        sessions_visible(user=user)
        .select_related("course__org", "venue")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=session.course.org):
        raise PermissionDenied
    return session


def venue_choices(*, user: User) -> QuerySet[Venue]:
    return Venue.objects.filter(scope_q(user=user, field="org"), is_active=True).select_related(
        "org"
    )


# --- lists ------------------------------------------------------------------------------------


def course_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    topic: str | None = None,
    query: str = "",
    active: bool | None = True,
) -> "QuerySet[WithAnnotations[Course, CourseCounts]]":
    """Visible courses with their held sessions and enrolments counted in the same query."""
    courses = courses_visible(user=user).select_related("org")
    if org is not None:
        courses = courses.filter(org.subtree_q("org__"))
    if topic:
        courses = courses.filter(topic=topic)
    if query.strip():
        courses = courses.filter(title__icontains=query.strip())
    if active is not None:
        courses = courses.filter(is_active=active)
    return courses.annotate(
        held_count=Count("sessions", filter=Q(sessions__status=HELD), distinct=True),
        enrolled_count=Count("enrolments", distinct=True),
    ).order_by("-created_at", "-id")


def _with_person_times(
    sessions: QuerySet[Session],
) -> "QuerySet[WithAnnotations[Session, SessionTimes]]":
    return sessions.annotate(
        person_times=Count("attendances", filter=Q(attendances__attended=True))
    )


def session_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    status: str | None = None,
    course: Course | None = None,
) -> "QuerySet[WithAnnotations[Session, SessionTimes]]":
    """Visible sessions (where the course's org is in `org`'s subtree), each with its
    person-times, course, org and venue in the same query."""
    sessions = sessions_visible(user=user).select_related("course__org", "venue")
    if org is not None:
        sessions = sessions.filter(org.subtree_q("course__org__"))
    if start is not None:
        sessions = sessions.filter(held_on__gte=start)
    if end is not None:
        sessions = sessions.filter(held_on__lte=end)
    if status:
        sessions = sessions.filter(status=status)
    if course is not None:
        sessions = sessions.filter(course=course)
    return _with_person_times(sessions).order_by("-held_on", "-id")


def _attended_q(start: dt.date | None, end: dt.date | None) -> Q:
    q = Q(attended=True, session__status=HELD)
    if start is not None:
        q &= Q(session__held_on__gte=start)
    if end is not None:
        q &= Q(session__held_on__lte=end)
    return q


def attendance_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    session: Session | None = None,
) -> QuerySet[Attendance]:
    """Person-times: attended rows of the held sessions of the period whose course's org is in
    `org`'s subtree (the sessions session_list counts, whoever attended)."""
    rows = attendances_visible(user=user).filter(_attended_q(start, end))
    if org is not None:
        rows = rows.filter(org.subtree_q("session__course__org__"))
    if session is not None:
        rows = rows.filter(session=session)
    return rows.select_related("person__org", "session__course__org").order_by(
        "-session__held_on", "session_id", "person__name", "id"
    )


def trainee_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Any]:
    """Distinct trainees of attendance_list: one row per person with sessions and hours."""
    return (
        attendance_list(user=user, org=org, start=start, end=end)
        .order_by()
        .values("person_id", "person__name", "person__org__name")
        .annotate(sessions=Count("id"), hours=Sum("session__hours"))
        .order_by("person__name", "person_id")
    )


def course_sessions(*, course: Course) -> QuerySet[Session]:
    return _with_person_times(course.sessions.select_related("venue")).order_by("-held_on", "-id")


def course_enrolments(*, course: Course) -> QuerySet[Enrolment]:
    return course.enrolments.select_related("person__org").order_by("person__name", "id")


def course_history(*, course: Course) -> QuerySet[CourseChange]:
    return course.changes.select_related("actor", "session")


def session_tick_rows(*, session: Session) -> "QuerySet[WithAnnotations[Enrolment, TickRow]]":
    """The enrolled people of the session's course, each with `attended` (one query)."""
    present = Attendance.objects.filter(
        session=session, person=OuterRef("person_id"), attended=True
    )
    return (
        Enrolment.objects.filter(course_id=session.course_id)
        .select_related("person__org")
        .annotate(attended=Exists(present))
        .order_by("person__name", "id")
    )


def person_training_record(*, person: Person) -> QuerySet[Attendance]:
    """Sessions a person attended (the caller fetched her through person_get_for_user)."""
    return (
        Attendance.objects.filter(person=person, attended=True, session__status=HELD)
        .select_related("session__course__org", "session__venue")
        .order_by("-session__held_on", "-id")
    )


# --- executives -------------------------------------------------------------------------------


def _trained(start: dt.date, end: dt.date, person_ref: str) -> Exists:
    return Exists(Attendance.objects.filter(_attended_q(start, end), person=OuterRef(person_ref)))


def executives_in_subtree(*, user: User, org: OrgUnit) -> QuerySet[Person]:
    """People holding an active seat in `org`'s subtree (a person with two seats once)."""
    seat_people = active_seats(user=user, org=org).values("person_id")
    return Person.objects.filter(pk__in=seat_people)


def untrained_executives(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date
) -> QuerySet[Person]:
    """Executives of the subtree who attended no session in the period."""
    return (
        executives_in_subtree(user=user, org=org)
        .filter(~Q(_trained(start, end, "pk")))
        .select_related("org")
        .order_by("org__path", "name", "id")
    )


# --- coverage ---------------------------------------------------------------------------------


@dataclass
class CoverageCounts:
    sessions: int = 0
    hours: Decimal = ZERO
    person_times: int = 0
    trainees: int = 0
    trainee_hours: Decimal = ZERO
    executives: int = 0
    executives_trained: int = 0

    @property
    def executives_untrained(self) -> int:
        return self.executives - self.executives_trained

    @property
    def executives_trained_pct(self) -> float:
        if not self.executives:
            return 0.0
        return round(100 * self.executives_trained / self.executives, 1)


@dataclass
class TrainingCoverage:
    org: OrgUnit
    start: dt.date
    end: dt.date
    total: CoverageCounts
    children: list[tuple[OrgUnit, CoverageCounts]] = field(default_factory=list)


def _segment(org: OrgUnit, path_field: str) -> Substr:
    """The path segment of the direct child of `org` a row's unit lies under ("" for `org`)."""
    return Substr(path_field, len(org.path) + 1, tree.SEGMENT)


def held_sessions(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> QuerySet[Session]:
    """The held sessions of the period whose course's org is in org's subtree."""
    return sessions_visible(user=user).filter(
        org.subtree_q("course__org__"), status=HELD, held_on__gte=start, held_on__lte=end
    )


# What coverage counts over held_sessions, over attendance_list and over active_seats.
SESSION_COUNTS = {"sessions": Count("id"), "hours": Sum("hours")}
ATTENDANCE_COUNTS = {
    "person_times": Count("id"),
    "trainees": Count("person", distinct=True),
    "trainee_hours": Sum("session__hours"),
}


def executive_counts(start: dt.date, end: dt.date) -> dict[str, Count]:
    return {
        "executives": Count("person", distinct=True),
        "executives_trained": Count("person", distinct=True, filter=_trained_in(start, end)),
    }


def _session_rows(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date
) -> dict[str, dict[str, Any]]:
    rows = (
        held_sessions(user=user, org=org, start=start, end=end)
        .annotate(segment=_segment(org, "course__org__path"))
        .values("segment")
        .annotate(**SESSION_COUNTS)
        .order_by()
    )
    return {row.pop("segment"): row for row in rows}


def _attendance_rows(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date
) -> dict[str, dict[str, Any]]:
    rows = (
        attendance_list(user=user, org=org, start=start, end=end)
        .annotate(segment=_segment(org, "session__course__org__path"))
        .values("segment")
        .annotate(**ATTENDANCE_COUNTS)
        .order_by()
    )
    return {row.pop("segment"): row for row in rows}


def _trained_in(start: dt.date, end: dt.date) -> Q:
    """Seats whose person attended a session in the period: an IN over the period's attendance,
    which the database hashes once, rather than _trained's EXISTS run for each of a city's
    15,000 seats (the same rows, a third of the time)."""
    attended = Attendance.objects.filter(_attended_q(start, end)).values("person_id")
    return Q(person_id__in=attended)


def _executive_rows(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date
) -> dict[str, dict[str, Any]]:
    rows = (
        active_seats(user=user, org=org)
        .annotate(segment=_segment(org, "org__path"))
        .values("segment")
        .annotate(**executive_counts(start, end))
        .order_by()
    )
    return {row.pop("segment"): row for row in rows}


def _executive_totals(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> dict[str, int]:
    # Not the sum of the children: a person may hold seats in two of them. Counted over the
    # seats (distinct people), never by scanning every person of the city for a seat.
    return active_seats(user=user, org=org).aggregate(**executive_counts(start, end))


def coverage_counts(*rows: dict[str, Any]) -> CoverageCounts:
    """CoverageCounts of the rows counted (a missing or None count: none)."""
    merged: dict[str, Any] = {}
    for row in rows:
        merged |= {k: v for k, v in row.items() if v is not None}
    return CoverageCounts(**merged)


def _coverage_children(*, user: User, org: OrgUnit) -> QuerySet[OrgUnit]:
    return (
        OrgUnit.objects.filter(scope_q(user=user, field=""))
        .filter(parent=org, is_active=True)
        .order_by("kind", "code", "name")
    )


def training_coverage(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date
) -> TrainingCoverage:
    """Sessions held, hours delivered (where the course's org is), person-times, distinct
    trainees and trainee-hours at those sessions (all where the course's org is) and executives
    trained in the period, for `org`'s subtree and per direct child of `org`: six queries
    whatever the size."""
    sessions = _session_rows(user=user, org=org, start=start, end=end)
    attendance = _attendance_rows(user=user, org=org, start=start, end=end)
    executives = _executive_rows(user=user, org=org, start=start, end=end)
    total = CoverageCounts(
        sessions=sum(r["sessions"] for r in sessions.values()),
        hours=sum((r["hours"] or ZERO for r in sessions.values()), ZERO),
        person_times=sum(r["person_times"] for r in attendance.values()),
        trainee_hours=sum((r["trainee_hours"] or ZERO for r in attendance.values()), ZERO),
        **_executive_totals(user=user, org=org, start=start, end=end),
    )
    # Distinct over the whole subtree (one person may attend sessions of two children).
    total.trainees = attendance_list(user=user, org=org, start=start, end=end).aggregate(
        n=Count("person", distinct=True)
    )["n"]
    children = []
    for child in _coverage_children(user=user, org=org):
        segment = tree.segment(child.pk)
        counts = coverage_counts(
            sessions.get(segment, {}), attendance.get(segment, {}), executives.get(segment, {})
        )
        children.append((child, counts))
    return TrainingCoverage(org=org, start=start, end=end, total=total, children=children)


# --- figures ----------------------------------------------------------------------------------


def coverage_links(*, org: OrgUnit, start: dt.date, end: dt.date) -> dict[str, str]:
    """The lists behind each coverage number, for `org`'s subtree and the period."""
    period = {"org": org.pk, "start": start, "end": end}
    return {
        "sessions": figure_url(list_url("trainings:sessions"), **period, status=HELD),
        "person_times": figure_url(list_url("trainings:attendance"), **period),
        "trainees": figure_url(list_url("trainings:trainees"), **period),
        "untrained": figure_url(list_url("trainings:untrained"), **period),
    }


def trainings_figures(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Figure]:
    """The seed's "156 trainings, 14,000 person-times", and hours and executives trained, each
    linking to the records it counts."""
    return coverage_figures(training_coverage(user=user, org=org, start=start, end=end))


def coverage_figures(coverage: TrainingCoverage) -> list[Figure]:
    """trainings_figures of a coverage already counted (the dashboard also shows its
    children)."""
    total = coverage.total
    links = coverage_links(org=coverage.org, start=coverage.start, end=coverage.end)
    return [
        Figure("trainings.sessions", _("举办培训"), total.sessions, links["sessions"], _("场")),
        Figure(
            "trainings.person_times",
            _("培训人次"),
            total.person_times,
            links["person_times"],
            _("人次"),
        ),
        Figure("trainings.trainees", _("培训人数"), total.trainees, links["trainees"], _("人")),
        Figure("trainings.hours", _("培训学时"), float(total.hours), links["sessions"], _("小时")),
        Figure(
            "trainings.trainee_hours",
            _("学员学时"),
            float(total.trainee_hours),
            links["person_times"],
            # U+30FB, not U+00B7: the PDF's STSong-Light (GB2312) has no glyph for U+00B7.
            _("人・小时"),
        ),
        Figure(
            "trainings.executives_trained",
            _("执委参训率"),
            total.executives_trained_pct,
            links["untrained"],
            "%",
        ),
    ]
