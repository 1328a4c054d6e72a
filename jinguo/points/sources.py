"""Where points come from: one adapter per kind of verified duty record.

An adapter answers the verified facts in `org`'s subtree on days start…end (inclusive), each a
tuple (person_id, day, source_id, org_id): who did the duty, on which day, which record proves
it ("visit:17"), and at which unit. The points collector and the assessments (duty days for the
lost-work allowance) read the same registry, so a record counts the same way everywhere. Facts
come from records only — never from logins or page views.

Registered here: visits (a logged visit by an executive), cases resolved (the assignee of a case
verified, closed or rated), case participation (executives who took part in such a case),
attendance at held meetings and training sessions, and volunteer service records.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast, Concat, TruncDate

from jinguo.activities.models import ServiceHours
from jinguo.cases.models import Case, CaseParticipant
from jinguo.meetings.models import Meeting, MeetingAttendee
from jinguo.orgs.models import OrgUnit
from jinguo.trainings.models import Attendance, Session
from jinguo.visits.models import Visit

Fact = tuple[int, dt.date, str, int]  # person_id, day, source_id, org_id
FactsFn = Callable[..., Iterable[Fact]]


@dataclass(frozen=True)
class Source:
    action: str  # a points.models.Action value
    facts: FactsFn  # facts(*, org, start, end) -> iterable of Fact
    person_field: str  # the field of the facts' rows that names who did the duty

    def person_facts(
        self, *, org: OrgUnit, start: dt.date, end: dt.date, person_id: int
    ) -> Iterable[Fact]:
        """The facts of one person (every adapter answers a queryset)."""
        rows = cast(QuerySet[Any], self.facts(org=org, start=start, end=end))
        return cast(Iterable[Fact], rows.filter(**{self.person_field: person_id}))


def collection_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The days the daily points collection reads: the first day of last month to today."""
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return last_month, today


def _source_id(prefix: str, field: str = "id") -> Any:
    return Concat(Value(prefix + ":"), Cast(field, CharField()), output_field=CharField())


def visit_facts(*, org: OrgUnit, start: dt.date, end: dt.date) -> Iterable[Fact]:
    return (
        Visit.objects.filter(org.subtree_q("org__"), executive__isnull=False)
        .filter(visited_on__gte=start, visited_on__lte=end)
        .annotate(source_id=_source_id("visit"))
        .values_list("executive_id", "visited_on", "source_id", "org_id")
        .order_by("visited_on", "id")
    )


def _verified_cases(org: OrgUnit, start: dt.date, end: dt.date) -> Any:
    done = (Case.Status.VERIFIED, Case.Status.CLOSED, Case.Status.RATED)
    return (
        Case.objects.filter(org.subtree_q("org__"), status__in=done, resolved_at__isnull=False)
        .annotate(day=TruncDate("resolved_at"))
        .filter(day__gte=start, day__lte=end)
    )


def case_resolved_facts(*, org: OrgUnit, start: dt.date, end: dt.date) -> Iterable[Fact]:
    return (
        _verified_cases(org, start, end)
        .filter(assignee__isnull=False)
        .annotate(source_id=_source_id("case"))
        .values_list("assignee_id", "day", "source_id", "org_id")
        .order_by("day", "id")
    )


def case_participation_facts(*, org: OrgUnit, start: dt.date, end: dt.date) -> Iterable[Fact]:
    cases = _verified_cases(org, start, end)
    return (
        CaseParticipant.objects.filter(case__in=cases.values("pk"))
        .annotate(day=TruncDate("case__resolved_at"), source_id=_source_id("case", "case_id"))
        .values_list("person_id", "day", "source_id", F("case__org_id"))
        .order_by("day", "id")
    )


def meeting_attendance_facts(*, org: OrgUnit, start: dt.date, end: dt.date) -> Iterable[Fact]:
    """Attendance ticked on a meeting recorded as held, on its day, at the meeting's unit."""
    # held_on is nullable on the model; a held meeting always has it.
    return cast(
        Iterable[Fact],
        MeetingAttendee.objects.filter(
            org.subtree_q("meeting__org__"),
            attended=True,
            meeting__status=Meeting.Status.HELD,
            meeting__held_on__gte=start,
            meeting__held_on__lte=end,
        )
        .annotate(source_id=_source_id("meeting", "meeting_id"))
        .values_list("person_id", "meeting__held_on", "source_id", "meeting__org_id")
        .order_by("meeting__held_on", "id"),
    )


def training_attendance_facts(*, org: OrgUnit, start: dt.date, end: dt.date) -> Iterable[Fact]:
    """Attendance on a training session recorded as held, at the unit offering the course."""
    return (
        Attendance.objects.filter(
            org.subtree_q("session__course__org__"),
            attended=True,
            session__status=Session.Status.HELD,
            session__held_on__gte=start,
            session__held_on__lte=end,
        )
        .annotate(source_id=_source_id("session", "session_id"))
        .values_list("person_id", "session__held_on", "source_id", "session__course__org_id")
        .order_by("session__held_on", "id")
    )


def volunteer_service_facts(*, org: OrgUnit, start: dt.date, end: dt.date) -> Iterable[Fact]:
    """A volunteer service record (hours recorded by a cadre or her executive), at the team's
    unit. One record is one fact whatever its hours: see points.models.Action."""
    return (
        ServiceHours.objects.filter(
            org.subtree_q("membership__team__org__"), served_on__gte=start, served_on__lte=end
        )
        .annotate(source_id=_source_id("service"))
        .values_list("membership__person_id", "served_on", "source_id", "membership__team__org_id")
        .order_by("served_on", "id")
    )


SOURCES: dict[str, Source] = {
    "visit": Source("visit", visit_facts, "executive_id"),
    "case_resolved": Source("case_resolved", case_resolved_facts, "assignee_id"),
    "case_participation": Source("case_participation", case_participation_facts, "person_id"),
    "meeting_attendance": Source("meeting_attendance", meeting_attendance_facts, "person_id"),
    "training_attendance": Source("training_attendance", training_attendance_facts, "person_id"),
    "volunteer_service": Source(
        "volunteer_service", volunteer_service_facts, "membership__person_id"
    ),
}
