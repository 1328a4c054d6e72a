"""Who is to be reminded of what on a day: one reader per kind of reminder, each a fixed number of
grouped queries over the whole tree (never a query per person, household or unit), returning
{user id: Group} with the count of the person's records and the first few of them (SAMPLES).

Recipients are accounts. An executive is reached through her account (User.person): an
executive without an account, or whose account is disabled, not approved, or without business
scope (the 三员), is reminded of nothing — her records still show on her unit's pages
(the visits to-do, the case list) for the cadres who read them.

The rules are the apps' own:
- visits: a household is overdue when its stored plan's due day (Household.visit_due_on, kept by
  jinguo.households.plan, the column jinguo.visits.selectors' to-do reads) is before the day and
  it is planned (visit_interval_days set) and active; it reminds the executive of its open 包保
  assignment (HouseholdAssignment RESPONSIBLE, no end date).
- cases: the running statuses (cases.models.OPEN) and the stored clock: warning when warn_at (30 %
  of the time left) is passed and due_at is not, overdue past due_at (cases.selectors._flag_q).
  The handler is the assignee (承办人) or, before dispatch, the cadres of the handling unit;
  overdue cases also go to the cadres one territorial level up, the unit an escalation hands the
  case to (cases.services._territorial_parent) and which supervises it (督办).
- meetings: planned (not held, not cancelled) for the next day, to every invited attendee.
- tasks and report rounds: pending (a round's target also when returned), the task or round open,
  its deadline from the day to two days on; to the named user, or to the cadres and grid members
  (the roles that write) of the recipient unit.
- wishes: collected and not claimed 14 days or more, to the cadres and grid members of the wish's
  unit, who claim wishes on the wishes page (visits:wishes, may_write_at the wish's unit).
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from jinguo.accounts.models import Approval, User
from jinguo.accounts.roles import BUSINESS_ROLES, WRITE_ROLES, Role
from jinguo.cases.models import OPEN, Case
from jinguo.households.models import HouseholdAssignment
from jinguo.meetings.models import Meeting, MeetingAttendee
from jinguo.notices.models import Task, TaskRecipient
from jinguo.orgs.kinds import TERRITORIAL_LEVEL
from jinguo.rounds.models import Round, Target
from jinguo.visits.models import Wish

# How many records of a kind a digest names; more are counted and linked as a filtered list.
SAMPLES = 3
# The hour the beat runs the reminders (reminders_daily at 07:00): a day's cases are flagged as
# they stand at that moment (see moment()).
HOUR = dt.time(7, 0)
DUE_SOON_DAYS = 2
WISH_DAYS = 14


@dataclass(frozen=True)
class Record:
    """One record a person is reminded of: its id and what the digest says of it."""

    pk: int
    label: str
    when: dt.date | dt.datetime | None = None
    org_id: int | None = None
    # False when the person's scope does not hold the record (an executive of a grid invited to
    # her community's meeting, or handling its case): the digest names it without a link.
    visible: bool = True


@dataclass
class Group:
    count: int = 0
    records: list[Record] = field(default_factory=list)

    def add(self, record: Record, count: int = 1) -> None:
        self.count += count
        if len(self.records) < SAMPLES:
            self.records.append(record)


Reminders = dict[int, Group]


def moment(day: dt.date) -> dt.datetime:
    """When `day`'s cases are flagged: at HOUR, or now if `day` is today and HOUR has passed (an
    operator's run, the demo loaded at noon)."""
    at = timezone.make_aware(dt.datetime.combine(day, HOUR))
    now = timezone.now()
    return now if timezone.localdate(now) == day and now > at else at


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def eligible_q(prefix: str = "") -> Q:
    """Accounts that get reminders: enabled, approved, a business role with an org (not 三员)."""
    return Q(
        **{
            f"{prefix}is_active": True,
            f"{prefix}approval": Approval.APPROVED,
            f"{prefix}role__in": sorted(BUSINESS_ROLES),
            f"{prefix}org__isnull": False,
        }
    )


def _ranked(rows: QuerySet[Any], key: str, order: list[Any], *fields: str) -> Iterator[tuple]:
    """(key, count of its rows, *fields) for the first SAMPLES rows of each key in `order`: one
    query, the grouping and counting done by the database (window functions)."""
    partition = [F(key)]
    ranked = rows.annotate(
        n=Window(Count("pk"), partition_by=partition),
        rank=Window(RowNumber(), partition_by=partition, order_by=order),
    ).filter(rank__lte=SAMPLES)
    return iter(ranked.order_by().values_list(key, "n", *fields))


def _collect(rows: Iterable[tuple[int, Record]]) -> Reminders:
    result: Reminders = {}
    for uid, record in rows:
        result.setdefault(uid, Group()).add(record)
    return result


def _unit_users(org_ids: Iterable[int]) -> dict[int, list[int]]:
    """The accounts that act for each unit: its cadres and grid members. One query."""
    users: dict[int, list[int]] = {}
    rows = User.objects.filter(
        eligible_q(), role__in=sorted(WRITE_ROLES), org_id__in=set(org_ids)
    ).values_list("org_id", "pk")
    for org_id, pk in rows.order_by("org_id", "pk"):
        users.setdefault(org_id, []).append(pk)
    return users


# --- visits -----------------------------------------------------------------------------------


def overdue_households(*, day: dt.date) -> Reminders:
    """Households overdue for a visit, per the account of their 包保 executive; earliest due
    first. One query, grouped in the database (≈1,000,000 households at city scale)."""
    account = "executive__account__id"
    rows = HouseholdAssignment.objects.filter(
        eligible_q("executive__account__"),
        kind=HouseholdAssignment.Kind.RESPONSIBLE,
        end_date__isnull=True,
        household__is_active=True,
        household__visit_interval_days__isnull=False,
        household__visit_due_on__lt=day,
    )
    order = [F("household__visit_due_on").asc(), F("household__number").asc()]
    result: Reminders = {}
    for uid, n, pk, number, due in _ranked(
        rows, account, order, "household_id", "household__number", "household__visit_due_on"
    ):
        group = result.setdefault(uid, Group())
        group.count = n
        group.records.append(Record(pk, number, due))
    for group in result.values():
        group.records.sort(key=lambda r: (r.when, r.label))
    return result


# --- cases ------------------------------------------------------------------------------------


def _case_record(
    pk: int, number: str, title: str, due_at: dt.datetime, sensitive: bool, *paths: str
) -> Record:
    """`paths`: the person's unit's, then the handling and reporting units' (cases are seen
    where handled or reported: cases.selectors.case_scope_q). A sensitive case (涉及隐私, every
    domestic-violence case) is named by its number only: a digest may go out by SMS."""
    visible = not paths or any(path.startswith(paths[0]) for path in paths[1:])
    return Record(pk, number if sensitive else f"{number} {title}", due_at, visible=visible)


def cases_flagged(*, day: dt.date) -> tuple[Reminders, Reminders, Reminders]:
    """(warning, overdue, supervised): running cases at ≤ 30 % of their time and not yet due,
    and overdue ones, to their handler; overdue ones to the cadres one level up. Three queries."""
    at = moment(day)
    running = {"status__in": OPEN, "warn_at__lte": at}
    fields = ("pk", "number", "title", "due_at", "sensitive")
    paths = ("assignee__account__org__path", "org__path", "origin_org__path")
    assigned = Case.objects.filter(eligible_q("assignee__account__"), **running).values_list(
        "assignee__account__id", *fields, *paths
    )
    unit = "org__cases__"
    unassigned = User.objects.filter(
        eligible_q(),
        role=Role.CADRE,
        **{f"{unit}{k}": v for k, v in running.items()},
        org__cases__assignee__isnull=True,
    ).values_list("pk", *(unit + f for f in fields))
    warning: list[tuple[int, Record]] = []
    overdue: list[tuple[int, Record]] = []
    for uid, *case in [*assigned.order_by("due_at", "pk"), *unassigned.order_by(f"{unit}due_at")]:
        record = _case_record(*case)
        (overdue if case[3] < at else warning).append((uid, record))
    down = "org__children__cases__"
    supervised = User.objects.filter(
        eligible_q(),
        role=Role.CADRE,
        org__kind__in=list(TERRITORIAL_LEVEL),
        org__children__kind__in=list(TERRITORIAL_LEVEL),
        org__children__cases__status__in=OPEN,
        org__children__cases__due_at__lt=at,
    ).values_list("pk", *(down + f for f in fields))
    above = [(uid, _case_record(*case)) for uid, *case in supervised.order_by(f"{down}due_at")]
    return _collect(warning), _collect(overdue), _collect(above)


# --- meetings ---------------------------------------------------------------------------------


def meetings_tomorrow(*, day: dt.date) -> Reminders:
    """Planned meetings of the next day, to every invited attendee with an account. One query."""
    tomorrow = day + dt.timedelta(days=1)
    rows = (
        MeetingAttendee.objects.filter(
            eligible_q("person__account__"),
            meeting__status=Meeting.Status.PLANNED,
            meeting__planned_at__gte=_start_of(tomorrow),
            meeting__planned_at__lt=_start_of(tomorrow + dt.timedelta(days=1)),
        )
        .order_by("meeting__planned_at", "meeting_id")
        .values_list(
            "person__account__id",
            "meeting_id",
            "meeting__title",
            "meeting__planned_at",
            "person__account__org__path",
            "meeting__org__path",
        )
    )
    # Meetings are seen in the subtree of their unit (meetings.selectors.meeting_scope_q).
    return _collect(
        (uid, Record(pk, title, at, visible=where.startswith(mine)))
        for uid, pk, title, at, mine, where in rows
    )


# --- tasks and report rounds ------------------------------------------------------------------


def _due_soon(day: dt.date) -> tuple[dt.date, dt.date]:
    return day, day + dt.timedelta(days=DUE_SOON_DAYS)


def tasks_due(*, day: dt.date) -> Reminders:
    """Pending tasks due within two days, to the named user or to the recipient unit's cadres
    and grid members. Three queries."""
    rows = list(
        TaskRecipient.objects.filter(
            status=TaskRecipient.Status.PENDING,
            task__status=Task.Status.OPEN,
            task__deadline__range=_due_soon(day),
        )
        .order_by("task__deadline", "task_id")
        .values_list("task_id", "task__title", "task__deadline", "user_id", "org_id")
    )
    named = set(
        User.objects.filter(eligible_q(), pk__in={r[3] for r in rows if r[3]}).values_list(
            "pk", flat=True
        )
    )
    units = _unit_users(r[4] for r in rows if not r[3])

    def reached() -> Iterator[tuple[int, Record]]:
        for pk, title, deadline, user_id, org_id in rows:
            record = Record(pk, title, deadline)
            uids = ([user_id] if user_id in named else []) if user_id else units.get(org_id, [])
            yield from ((uid, record) for uid in uids)

    return _collect(reached())


def rounds_due(*, day: dt.date) -> Reminders:
    """Report rounds due within two days whose target unit has not answered (pending, or
    returned for changes), to the unit's cadres and grid members. Two queries."""
    rows = list(
        Target.objects.filter(
            status__in=[Target.Status.PENDING, Target.Status.RETURNED],
            round__status=Round.Status.OPEN,
            round__deadline__range=_due_soon(day),
        )
        .order_by("round__deadline", "round_id")
        .values_list("pk", "round__title", "round__deadline", "org_id")
    )
    units = _unit_users(r[3] for r in rows)
    return _collect(
        (uid, Record(pk, title, deadline))
        for pk, title, deadline, org_id in rows
        for uid in units.get(org_id, [])
    )


# --- wishes -----------------------------------------------------------------------------------


def wishes_unclaimed(*, day: dt.date) -> Reminders:
    """Wishes collected 14 or more days before the day and still unclaimed, counted per unit in
    the database, to the unit's cadres and grid members. Two queries."""
    before = _start_of(day - dt.timedelta(days=WISH_DAYS - 1))
    rows = Wish.objects.filter(status=Wish.Status.COLLECTED, created_at__lt=before)
    order = [F("created_at").asc(), F("pk").asc()]
    per_unit: dict[int, Group] = {}
    for org_id, n, pk, content, created in _ranked(
        rows, "org_id", order, "pk", "content", "created_at"
    ):
        group = per_unit.setdefault(org_id, Group())
        group.count = n
        group.records.append(Record(pk, content[:30], created, org_id))
    result: Reminders = {}
    for org_id, uids in _unit_users(per_unit).items():
        for uid in uids:
            group = result.setdefault(uid, Group())
            for record in sorted(per_unit[org_id].records, key=lambda r: (r.when, r.pk)):
                group.add(record, count=0)
            group.count += per_unit[org_id].count
    return result
