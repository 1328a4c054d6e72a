"""Measured metrics of executives for a period: each a function over records that returns,
per person, a Measure (numerator, denominator, score 0–100 or None for "no data", and the ids
of the records behind it). Each function runs a fixed number of queries for any number of
people.

- visits: her 包保 key households (a responsible assignment overlapping the period, a household
  with an active category) that were never overdue on any day of the period. As in the visit
  plan (households.plan, whose stored interval is used), a household is due `interval` days
  (its smallest active category interval) after its last visit by anyone, or after it was
  registered; it is overdue on the days after the due date until the next visit.
- cases: cases assigned to her that fell due or were resolved in the period (rejected ones
  excluded); numerator those resolved (办结) by their deadline.
- attendance: held meetings she was invited to plus held training sessions of courses she
  enrolled in (or attended), in the period; numerator those she attended.
- points: approved points earned in the period, scored against the scheme's target or, with
  no target, against the best executive of the round.
- satisfaction: the mean rating (1–5) of her cases resolved in the period, scaled
  (mean − 1) / 4 × 100. No rating: no data.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone

from jinguo.assessments.facts import _day_range_q, points_by_person
from jinguo.cases.models import Case
from jinguo.cases.selectors import DONE
from jinguo.households.models import Household, HouseholdAssignment
from jinguo.meetings.models import MeetingAttendee
from jinguo.orgs.models import OrgUnit
from jinguo.trainings.models import Attendance, Enrolment
from jinguo.visits.models import Visit

ONE_DAY = dt.timedelta(days=1)


@dataclass
class Measure:
    numerator: float = 0
    denominator: float = 0
    score: float | None = None  # 0–100; None: no data
    records: dict[str, list[int]] = field(default_factory=dict)


def ratio_score(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator * 100, 1) if denominator else None


def _ratio(numerator: float, denominator: float, records: dict[str, list[int]]) -> Measure:
    return Measure(numerator, denominator, ratio_score(numerator, denominator), records)


def household_on_time(
    *, anchor: dt.date, interval: int, visits: Iterable[dt.date], start: dt.date, end: dt.date
) -> bool:
    """True when no day of [start, end] finds the household overdue. `anchor` is its last
    visit before the period (or its registration); overdue days run from anchor + interval + 1
    to the day before the next visit."""
    prev = anchor
    for day in [*sorted(d for d in visits if start <= d <= end), end + ONE_DAY]:
        first_overdue = prev + dt.timedelta(days=interval) + ONE_DAY
        if max(first_overdue, start) <= min(day - ONE_DAY, end):
            return False
        prev = max(prev, day)
    return True


def metric_visits(*, person_ids: list[int], start: dt.date, end: dt.date) -> dict[int, Measure]:
    pairs = (
        HouseholdAssignment.objects.filter(
            executive_id__in=person_ids,
            kind=HouseholdAssignment.Kind.RESPONSIBLE,
            start_date__lte=end,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .values_list("executive_id", "household_id")
        .distinct()
    )
    by_person: dict[int, set[int]] = defaultdict(set)
    for person_id, household_id in pairs:
        by_person[person_id].add(household_id)
    all_ids = set().union(*by_person.values()) if by_person else set()
    households = {
        row["pk"]: row
        for row in Household.objects.filter(pk__in=all_ids)
        # The stored plan's interval: the smallest of its active categories (households.plan).
        .filter(visit_interval_days__isnull=False)
        .annotate(interval=F("visit_interval_days"))
        .values("pk", "interval", "created_at")
    }
    longest = max((h["interval"] for h in households.values()), default=0)
    visits: dict[int, list[dt.date]] = defaultdict(list)
    for household_id, day in Visit.objects.filter(
        household_id__in=list(households),
        visited_on__gte=start - dt.timedelta(days=longest + 1),
        visited_on__lte=end,
    ).values_list("household_id", "visited_on"):
        visits[household_id].append(day)
    on_time: dict[int, bool] = {}
    for pk, row in households.items():
        before = [d for d in visits[pk] if d < start]
        anchor = max(before) if before else timezone.localtime(row["created_at"]).date()
        on_time[pk] = household_on_time(
            anchor=anchor, interval=row["interval"], visits=visits[pk], start=start, end=end
        )
    result = {}
    for person_id in person_ids:
        keyed = sorted(h for h in by_person.get(person_id, set()) if h in households)
        good = [h for h in keyed if on_time[h]]
        late = [h for h in keyed if not on_time[h]]
        result[person_id] = _ratio(len(good), len(keyed), {"households": good, "late": late})
    return result


def metric_cases(*, person_ids: list[int], start: dt.date, end: dt.date) -> dict[int, Measure]:
    rows = (
        Case.objects.filter(assignee_id__in=person_ids)
        .exclude(status=Case.Status.REJECTED)
        .filter(_day_range_q("due_at", start, end) | _day_range_q("resolved_at", start, end))
        .values_list("pk", "assignee_id", "status", "resolved_at", "due_at")
        .order_by("pk")
    )
    cases: dict[int, list[int]] = defaultdict(list)
    good: dict[int, list[int]] = defaultdict(list)
    for pk, person_id, status, resolved_at, due_at in rows:
        cases[person_id].append(pk)
        if status in DONE and resolved_at is not None and resolved_at <= due_at:
            good[person_id].append(pk)
    return {
        p: _ratio(len(good[p]), len(cases[p]), {"cases": cases[p], "on_time": good[p]})
        for p in person_ids
    }


def _meeting_rows(
    person_ids: list[int], start: dt.date, end: dt.date
) -> Iterable[tuple[int, int, bool]]:
    return MeetingAttendee.objects.filter(
        person_id__in=person_ids,
        meeting__status="held",
        meeting__held_on__gte=start,
        meeting__held_on__lte=end,
    ).values_list("person_id", "meeting_id", "attended")


def _training_rows(
    person_ids: list[int], start: dt.date, end: dt.date
) -> Iterable[tuple[int, int, bool]]:
    held = {"status": "held", "held_on__gte": start, "held_on__lte": end}
    sessions = dict.fromkeys(
        Enrolment.objects.filter(person_id__in=person_ids)
        .filter(**{f"course__sessions__{k}": v for k, v in held.items()})
        .values_list("person_id", "course__sessions__id"),
        False,
    )
    for p, s, attended in (
        Attendance.objects.filter(person_id__in=person_ids)
        .filter(**{f"session__{k}": v for k, v in held.items()})
        .values_list("person_id", "session_id", "attended")
    ):
        sessions[(p, s)] = sessions.get((p, s), False) or attended
    return [(p, s, attended) for (p, s), attended in sessions.items()]


def metric_attendance(*, person_ids: list[int], start: dt.date, end: dt.date) -> dict[int, Measure]:
    records: dict[int, dict[str, list[int]]] = {
        p: {"meetings": [], "meetings_missed": [], "sessions": [], "sessions_missed": []}
        for p in person_ids
    }
    for kind, rows in (
        ("meetings", _meeting_rows(person_ids, start, end)),
        ("sessions", _training_rows(person_ids, start, end)),
    ):
        for person_id, pk, attended in rows:
            records[person_id][kind if attended else f"{kind}_missed"].append(pk)
    result = {}
    for p, rec in records.items():
        present = len(rec["meetings"]) + len(rec["sessions"])
        invited = present + len(rec["meetings_missed"]) + len(rec["sessions_missed"])
        result[p] = _ratio(present, invited, {k: sorted(v) for k, v in rec.items()})
    return result


def points_scores(points: dict[int, int], target: int | None) -> dict[int, Measure]:
    """Against the target (capped at 100), else against the best of these people."""
    base = target or max(points.values(), default=0)
    return {
        p: Measure(n, base, min(100.0, ratio_score(n, base) or 0.0) if base else None)
        for p, n in points.items()
    }


def metric_points(
    *, person_ids: list[int], org: OrgUnit, start: dt.date, end: dt.date, target: int | None
) -> dict[int, Measure]:
    earned = points_by_person(org=org, start=start, end=end)
    if earned is None:  # the points app is not there: no data
        return {p: Measure() for p in person_ids}
    return points_scores({p: earned.get(p, 0) for p in person_ids}, target)


def metric_satisfaction(
    *, person_ids: list[int], start: dt.date, end: dt.date
) -> dict[int, Measure]:
    rows = (
        Case.objects.filter(assignee_id__in=person_ids, status__in=DONE)
        .filter(_day_range_q("resolved_at", start, end), satisfaction__isnull=False)
        .values_list("pk", "assignee_id", "satisfaction")
        .order_by("pk")
    )
    ratings: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pk, person_id, rating in rows:
        if rating is not None:
            ratings[person_id].append((pk, rating))
    result = {}
    for p in person_ids:
        rated = ratings.get(p, [])
        total = sum(r for _pk, r in rated)
        score = round((total / len(rated) - 1) / 4 * 100, 1) if rated else None
        result[p] = Measure(total, len(rated), score, {"cases": [pk for pk, _r in rated]})
    return result


def measure_all(
    *,
    metrics: Iterable[str],
    person_ids: list[int],
    org: OrgUnit,
    start: dt.date,
    end: dt.date,
    points_target: int | None = None,
) -> dict[str, dict[int, Measure]]:
    """Only the metrics the scheme uses, each over every person at once."""
    runs = {
        "visits": lambda: metric_visits(person_ids=person_ids, start=start, end=end),
        "cases": lambda: metric_cases(person_ids=person_ids, start=start, end=end),
        "attendance": lambda: metric_attendance(person_ids=person_ids, start=start, end=end),
        "points": lambda: metric_points(
            person_ids=person_ids, org=org, start=start, end=end, target=points_target
        ),
        "satisfaction": lambda: metric_satisfaction(person_ids=person_ids, start=start, end=end),
    }
    return {metric: runs[metric]() for metric in metrics}
