"""Each measured metric on a small hand-computed example."""

import datetime as dt

import pytest
from django.utils import timezone

from jinguo.assessments.metrics import (
    metric_attendance,
    metric_cases,
    metric_satisfaction,
    metric_visits,
)
from jinguo.cases import services as case_services
from jinguo.cases.models import Case
from jinguo.cases.tests.factories import closed, report, resolved
from jinguo.households.models import Category, Household, HouseholdAssignment
from jinguo.households.services import household_set_categories
from jinguo.households.tests.factories import household
from jinguo.visits.models import Visit

D = dt.date
Q1 = {"start": D(2025, 1, 1), "end": D(2025, 3, 31)}


def _household(grid, number, categories, executive, cast):
    h = household(grid, number)
    Household.objects.filter(pk=h.pk).update(created_at=dt.datetime(2024, 12, 1, 12, tzinfo=dt.UTC))
    if categories:
        household_set_categories(
            actor=None, household=h, categories=list(Category.objects.filter(code__in=categories))
        )
    HouseholdAssignment.objects.create(
        household=h, executive=executive, kind="responsible", start_date=D(2024, 12, 1)
    )
    return h


def _visit(h, day, user):
    Visit.objects.create(household=h, visited_by=user, org=h.grid, channel="home", visited_on=day)


def test_visits_on_time_share_of_her_key_households(tree, cast, execs, default_categories):
    me = execs.wushan_exec
    good = _household(tree.wushan, "WS-1", ["dibao"], me, cast)  # 30 days
    late = _household(tree.wushan, "WS-2", ["elderly_alone"], me, cast)  # 7 days
    _household(tree.wushan, "WS-3", [], me, cast)  # no category: not a key household
    for day in (D(2024, 12, 20), D(2025, 1, 15), D(2025, 2, 10), D(2025, 3, 5)):
        _visit(good, day, cast.wushan_member)
    _visit(late, D(2025, 1, 2), cast.wushan_member)
    measure = metric_visits(person_ids=[me.pk, execs.chengjiawan_exec.pk], **Q1)
    assert (measure[me.pk].numerator, measure[me.pk].denominator) == (1, 2)
    assert measure[me.pk].score == 50.0
    assert measure[me.pk].records == {"households": [good.pk], "late": [late.pk]}
    assert measure[execs.chengjiawan_exec.pk].score is None  # no key households: no data


def _around_today():
    today = timezone.localdate()
    return {"start": today - dt.timedelta(days=30), "end": today + dt.timedelta(days=60)}


def test_cases_resolved_within_deadline_over_assigned(tree, execs):
    me = execs.wushan_exec
    on_time = resolved(tree.songhe, me)
    open_case = case_services.case_dispatch(
        actor=None,
        case=case_services.case_accept(actor=None, case=report(tree.songhe)),
        assignee=me,
    )
    late = resolved(tree.songhe, me)
    assert late.resolved_at is not None
    Case.objects.filter(pk=late.pk).update(due_at=late.resolved_at - dt.timedelta(hours=1))
    measure = metric_cases(person_ids=[me.pk], **_around_today())[me.pk]
    assert (measure.numerator, measure.denominator, measure.score) == (1, 3, 33.3)
    assert measure.records == {
        "cases": sorted([on_time.pk, open_case.pk, late.pk]),
        "on_time": [on_time.pk],
    }


def test_satisfaction_is_the_mean_rating_scaled_to_100(tree, execs):
    me = execs.wushan_exec
    for rating in (5, 3):
        case_services.case_rate(actor=None, case=closed(tree.songhe, me), satisfaction=rating)
    closed(tree.songhe, me)  # not rated: not counted
    measure = metric_satisfaction(person_ids=[me.pk], **_around_today())[me.pk]
    assert (measure.numerator, measure.denominator) == (8, 2)
    assert measure.score == 75.0  # mean 4 → (4 − 1) / 4 × 100


def test_satisfaction_without_ratings_is_no_data(tree, execs):
    resolved(tree.songhe, execs.wushan_exec)
    measure = metric_satisfaction(person_ids=[execs.wushan_exec.pk], **_around_today())
    assert measure[execs.wushan_exec.pk].score is None


def test_attendance_counts_held_meetings_she_was_invited_to(tree, execs):
    meetings = pytest.importorskip("jinguo.meetings.models")
    me = execs.wushan_exec
    rows = []
    for n, (status, attended) in enumerate(
        [("held", True), ("held", True), ("held", False), ("planned", False)]
    ):
        meeting = meetings.Meeting.objects.create(
            org=tree.songhe,
            kind=meetings.MeetingKind.values[0],
            title=f"议事会{n}",
            planned_at=dt.datetime(2025, 2, 1, 9, tzinfo=dt.UTC),
            status=status,
            held_on=D(2025, 2, 1) if status == "held" else None,
        )
        meetings.MeetingAttendee.objects.create(
            meeting=meeting, person=me, role=meetings.MeetingAttendee.Role.values[0],
            attended=attended,
        )  # fmt: skip
        rows.append(meeting.pk)
    measure = metric_attendance(person_ids=[me.pk], **Q1)[me.pk]
    assert (measure.numerator, measure.denominator) == (2, 3)
    assert measure.score == 66.7
    assert measure.records["meetings"] == rows[:2]
    assert measure.records["meetings_missed"] == [rows[2]]
