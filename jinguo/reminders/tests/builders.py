"""Records at the edges of the reminder rules, for a fixed day D: the clocks and plans are set
on the stored columns the rules read (the apps' services keep them right in production)."""

import datetime as dt

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.cases.models import Case
from jinguo.cases.tests.factories import report
from jinguo.households.assignments import household_assign
from jinguo.households.models import Household
from jinguo.households.tests.factories import household
from jinguo.meetings import services as meeting_services
from jinguo.notices.models import Audience, Task, TaskRecipient
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
from jinguo.reminders.readers import moment
from jinguo.rounds.models import Round, Target
from jinguo.visits.models import Wish

D = dt.date(2026, 3, 10)
AT = moment(D)


def _org_of(user: User) -> OrgUnit:
    assert user.org is not None
    return user.org


def days(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def planned(grid: OrgUnit, number: str, *, due: dt.date, executive: Person | None) -> Household:
    """A household due for a visit on `due`, in the 包保 of `executive`."""
    h = household(grid, number)
    Household.objects.filter(pk=h.pk).update(visit_interval_days=30, visit_due_on=due)
    if executive is not None:
        household_assign(actor=None, household=h, executive=executive, start_date=days(-100))
    return h


def clocked(
    org: OrgUnit, *, left: float, assignee: Person | None = None, span_days: int = 10
) -> Case:
    """A running case with `left` share of its time left at AT (negative: overdue)."""
    case = report(org)
    span = dt.timedelta(days=span_days)
    due_at = AT + span * left
    Case.objects.filter(pk=case.pk).update(
        clock_started_at=due_at - span,
        due_at=due_at,
        warn_at=due_at - span * 0.3,
        assignee=assignee,
        status=Case.Status.IN_PROGRESS if assignee else Case.Status.REPORTED,
    )
    case.refresh_from_db()
    return case


def meeting_on(org: OrgUnit, day: dt.date, people: list[Person], title: str = "妇女议事会"):
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
    meeting = meeting_services.meeting_create(
        actor=None,
        org=org,
        kind="women_council",
        title=title,
        planned_at=timezone.now() + dt.timedelta(days=1),
        executives=people,
    )
    type(meeting).objects.filter(pk=meeting.pk).update(planned_at=at)
    return meeting


def task_due(
    sender: User,
    deadline: dt.date,
    *,
    org: OrgUnit,
    user: User | None = None,
    title: str = "报送材料",
) -> TaskRecipient:
    task = Task.objects.create(
        org=_org_of(sender),
        title=title,
        body="按时完成",
        deadline=deadline,
        audience=Audience.PEOPLE if user else Audience.CHOSEN,
        created_by=sender,
    )
    return TaskRecipient.objects.create(task=task, org=org, user=user)


def round_due(sender: User, deadline: dt.date, *, org: OrgUnit, status: str = "pending") -> Target:
    round_ = Round.objects.create(
        org=_org_of(sender),
        title="一季度工作报送",
        kind=Round.Kind.WORK_REPORT,
        start=days(-90),
        end=days(-1),
        deadline=deadline,
        created_by=sender,
    )
    return Target.objects.create(round=round_, org=org, status=status)


def wish_collected(org: OrgUnit, on: dt.date, content: str = "想要一个书包") -> Wish:
    wish = Wish.objects.create(org=org, content=content, category=Wish.Category.STUDY)
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(16, 0)))
    Wish.objects.filter(pk=wish.pk).update(created_at=at)
    return wish
