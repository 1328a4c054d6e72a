"""Reads of notices and tasks, always within the user's scope: a unit sees what it (or a unit
of its subtree) sent, and what was sent to a unit of its subtree (or to her by name). The
sender's receipt pages count from the rows themselves in one grouped query and show one page
of units at a time, so a notice to every unit of a city answers as fast as one to ten.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.inbox.models import Delivery
from jinguo.inbox.selectors import recipient_states
from jinguo.notices.models import (
    Notice,
    NoticeAttachment,
    NoticeChange,
    NoticeTarget,
    Task,
    TaskChange,
    TaskPhoto,
    TaskRecipient,
)
from jinguo.orgs.selectors import may_write_at, scope_covers, scope_q
from jinguo.rounds.selectors import my_tasks

PER_PAGE = 50


def deadline_end(deadline: dt.date) -> dt.datetime:
    """The first moment after the deadline day (local time)."""
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


# --- notices ----------------------------------------------------------------------------------


def notices_visible(*, user: User) -> QuerySet[Notice]:
    """Notices sent in the user's subtree, or to a unit of it."""
    received = NoticeTarget.objects.filter(scope_q(user=user, field="org"), notice=OuterRef("pk"))
    return Notice.objects.filter(scope_q(user=user, field="org") | Q(Exists(received)))


def notice_get_for_user(*, user: User, notice_id: int, for_write: bool = False) -> Notice:
    """The notice if visible (404); with `for_write`, if she is a cadre of the sending unit or
    above it (403)."""
    notice = (
        notices_visible(user=user).select_related("org", "created_by").filter(pk=notice_id).first()
    )
    if notice is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=notice.org, cadre_only=True):
        raise PermissionDenied
    return notice


def notices_received(*, user: User) -> QuerySet[Notice]:
    """Notices to the user's own unit, unread first, newest first; `unit_read_at` annotated."""
    if not user.has_business_scope:
        return Notice.objects.none()
    mine = NoticeTarget.objects.filter(notice=OuterRef("pk"), org_id=user.org_id)
    return (
        Notice.objects.filter(Exists(mine))
        .annotate(unit_read_at=Subquery(mine.values("read_at")[:1]))
        .select_related("org")
        .order_by(F("unit_read_at").asc(nulls_first=True), "-created_at", "-id")
    )


def notices_sent(*, user: User) -> QuerySet[Notice]:
    """Notices sent by units of the user's subtree, newest first, with their counts."""
    return (
        Notice.objects.filter(scope_q(user=user, field="org"))
        .select_related("org")
        .annotate(
            expected=Count("targets"),
            read=Count("targets", filter=Q(targets__read_at__isnull=False)),
        )
        .order_by("-created_at", "-id")
    )


def unread_notices(*, user: User) -> QuerySet[Notice]:
    """The notices her unit has not read yet (the home page)."""
    if not user.has_business_scope:
        return Notice.objects.none()
    return notices_received(user=user).filter(Q(unit_read_at__isnull=True))


def notice_target_of(*, user: User, notice: Notice) -> NoticeTarget | None:
    if not user.has_business_scope:
        return None
    return (
        NoticeTarget.objects.filter(notice=notice, org_id=user.org_id)
        .select_related("read_by")
        .first()
    )


def notice_attachments(*, notice: Notice) -> QuerySet[NoticeAttachment]:
    return notice.attachments.order_by("id")


def attachment_get_for_user(*, user: User, attachment_id: int) -> NoticeAttachment:
    """An attachment of a notice the user may see (404 otherwise)."""
    attachment = (
        NoticeAttachment.objects.filter(notice__in=notices_visible(user=user))
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def notice_history(*, notice: Notice) -> QuerySet[NoticeChange]:
    return notice.changes.select_related("actor", "target__org").order_by("-at", "-id")


@dataclass
class Person:
    name: str
    message_read_at: Any = None
    # (channel, state, state's label, error) of each outward delivery of her message
    deliveries: list[tuple[str, str, str, str]] = field(default_factory=list)


@dataclass
class Receipts:
    """The counts (from the rows, one query) and one page of rows, each with its people and
    the states of their messages."""

    counts: dict[str, int]
    page: Page[Any]
    people: dict[int, list[Person]]
    state: str


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _people_of(org_ids: list[int], source: str) -> dict[int, list[Person]]:
    """org id → its active people with their messages' states (three queries)."""
    rows = list(
        User.objects.filter(is_active=True, org_id__in=org_ids)
        .order_by("pk")
        .values_list("pk", "org_id", "full_name", "username")
    )
    states = recipient_states(source=source, recipient_ids=[row[0] for row in rows])
    out: dict[int, list[Person]] = {}
    for pk, org_id, full_name, username in rows:
        state = states.get(pk)
        deliveries = [
            (_label(Delivery.Channel, channel), state_code, _label(Delivery.State, state_code), err)
            for channel, state_code, err in (state.deliveries if state else [])
        ]
        out.setdefault(org_id, []).append(
            Person(
                name=full_name or username,
                message_read_at=state.read_at if state else None,
                deliveries=deliveries,
            )
        )
    return out


def _visible_targets(user: User, notice: Notice) -> QuerySet[NoticeTarget]:
    targets = NoticeTarget.objects.filter(notice=notice)
    if scope_covers(user=user, org=notice.org):
        return targets
    return targets.filter(scope_q(user=user, field="org"))


NOTICE_STATES = {"read": Q(read_at__isnull=False), "unread": Q(read_at=None)}


def notice_receipts(
    *, user: User, notice: Notice, state: str = "", page: int | str | None = 1
) -> Receipts:
    """Per unit read or not (who read it, when), the counts, and each unit's people's message
    states; the units the user may see (all of them for the sending unit). `page` as the query
    string gives it: Paginator.get_page reads anything else as the first page."""
    targets = _visible_targets(user, notice)
    counts = targets.aggregate(total=Count("pk"), read=Count("pk", filter=NOTICE_STATES["read"]))
    counts["unread"] = counts["total"] - counts["read"]
    rows = targets.filter(NOTICE_STATES[state]) if state in NOTICE_STATES else targets
    rows = rows.select_related("org", "read_by").order_by("org__path")
    current = Paginator(rows, PER_PAGE).get_page(page)
    org_ids = [t.org_id for t in current.object_list]
    people = _people_of(org_ids, f"notice:{notice.pk}")
    for target in current.object_list:
        target.people = people.get(target.org_id, [])
    return Receipts(counts=counts, page=current, people=people, state=state)


# --- tasks ------------------------------------------------------------------------------------


def tasks_visible(*, user: User) -> QuerySet[Task]:
    """Tasks sent in the user's subtree, to a unit of it, or to her by name."""
    to_scope = TaskRecipient.objects.filter(scope_q(user=user, field="org"), task=OuterRef("pk"))
    return Task.objects.filter(scope_q(user=user, field="org") | Q(Exists(to_scope)))


def task_get_for_user(*, user: User, task_id: int, for_write: bool = False) -> Task:
    task = tasks_visible(user=user).select_related("org", "created_by").filter(pk=task_id).first()
    if task is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=task.org, cadre_only=True):
        raise PermissionDenied
    return task


def recipients_visible(*, user: User) -> QuerySet[TaskRecipient]:
    issued = Task.objects.filter(scope_q(user=user, field="org"))
    return TaskRecipient.objects.filter(scope_q(user=user, field="org") | Q(task__in=issued))


def recipient_get_for_user(*, user: User, recipient_id: int) -> TaskRecipient:
    recipient = (
        recipients_visible(user=user)
        .select_related("task__org", "org", "user", "done_by")
        .filter(pk=recipient_id)
        .first()
    )
    if recipient is None:
        raise Http404
    return recipient


def my_recipients(*, user: User) -> QuerySet[TaskRecipient]:
    """What the user must do: her unit's tasks and those named to her, pending first, the
    earliest deadline first."""
    if not user.has_business_scope:
        return TaskRecipient.objects.none()
    return (
        TaskRecipient.objects.filter(Q(org_id=user.org_id, user=None) | Q(user_id=user.pk))
        .select_related("task__org")
        .order_by("-status", "task__deadline", "task_id")  # "pending" after "done" desc
    )


def pending_tasks(*, user: User) -> QuerySet[TaskRecipient]:
    return my_recipients(user=user).filter(
        status=TaskRecipient.Status.PENDING, task__status=Task.Status.OPEN
    )


def my_recipient_of(*, user: User, task: Task) -> TaskRecipient | None:
    return my_recipients(user=user).filter(task=task).first()


def tasks_sent(*, user: User) -> QuerySet[Task]:
    return (
        Task.objects.filter(scope_q(user=user, field="org"))
        .select_related("org")
        .annotate(
            expected=Count("recipients"),
            done=Count("recipients", filter=Q(recipients__status=TaskRecipient.Status.DONE)),
        )
        .order_by("-created_at", "-id")
    )


def task_states(task: Task, now: dt.datetime) -> dict[str, Q]:
    """done (on time), late (done after the deadline, or not done past it), not started."""
    due = deadline_end(task.deadline)
    done = Q(status=TaskRecipient.Status.DONE)
    pending = Q(status=TaskRecipient.Status.PENDING)
    if now >= due:
        return {
            "done": done & Q(done_at__lt=due),
            "late": (done & Q(done_at__gte=due)) | pending,
            "pending": Q(pk__in=[]),
        }
    return {
        "done": done & Q(done_at__lt=due),
        "late": done & Q(done_at__gte=due),
        "pending": pending,
    }


def recipient_state(recipient: TaskRecipient, now: dt.datetime | None = None) -> str:
    due = deadline_end(recipient.task.deadline)
    if recipient.status == TaskRecipient.Status.DONE:
        return "done" if recipient.done_at and recipient.done_at < due else "late"
    return "late" if (now or timezone.now()) >= due else "pending"


def task_receipts(
    *,
    user: User,
    task: Task,
    state: str = "",
    page: int | str | None = 1,
    now: dt.datetime | None = None,
) -> Receipts:
    """Per recipient done / late / not started, with its return; counts in one query."""
    now = now or timezone.now()
    recipients = TaskRecipient.objects.filter(task=task)
    if not scope_covers(user=user, org=task.org):
        recipients = recipients.filter(scope_q(user=user, field="org"))
    states = task_states(task, now)
    counts = recipients.aggregate(
        total=Count("pk"), **{name: Count("pk", filter=q) for name, q in states.items()}
    )
    rows = recipients.filter(states[state]) if state in states else recipients
    rows = rows.select_related("org", "user", "done_by").order_by("org__path", "id")
    current = Paginator(rows, PER_PAGE).get_page(page)
    for r in current.object_list:
        r.state = recipient_state(r, now)
        r.task = task
    return Receipts(counts=counts, page=current, people={}, state=state)


def recipient_photos(*, recipient: TaskRecipient) -> QuerySet[TaskPhoto]:
    return recipient.photos.order_by("uploaded_at", "id")


def photos_of(recipient_ids: list[int]) -> dict[int, list[TaskPhoto]]:
    out: dict[int, list[TaskPhoto]] = {}
    for photo in TaskPhoto.objects.filter(recipient_id__in=recipient_ids).order_by("id"):
        out.setdefault(photo.recipient_id, []).append(photo)
    return out


def task_photo_get_for_user(*, user: User, photo_id: int) -> TaskPhoto:
    photo = (
        TaskPhoto.objects.filter(recipient__in=recipients_visible(user=user))
        .filter(pk=photo_id)
        .first()
    )
    if photo is None:
        raise Http404
    return photo


def task_history(*, task: Task) -> QuerySet[TaskChange]:
    return task.changes.select_related("actor", "recipient__org").order_by("-at", "-id")


# --- the recipient's list: tasks and report rounds together --------------------------------------


@dataclass(frozen=True)
class TaskItem:
    """A line of the recipient's task list: a task, or a report round (报送任务)."""

    kind: str  # "task" or "round"
    title: str
    org_name: str
    deadline: dt.date
    status: str
    status_label: str
    url: str
    reminded: bool
    pending: bool


def task_items(*, user: User, limit: int = 100) -> list[TaskItem]:
    """Her tasks (pending first) and her unit's report rounds still waiting on it, read through
    the rounds' own selector; pending ones first, the earliest deadline first."""
    items = [
        TaskItem(
            kind="task",
            title=r.task.title,
            org_name=r.task.org.name,
            deadline=r.task.deadline,
            status=r.status,
            status_label=str(r.get_status_display()),
            url=reverse("notices:task", args=[r.task_id]),
            reminded=r.reminded_at is not None,
            pending=r.status == TaskRecipient.Status.PENDING and r.task.status == Task.Status.OPEN,
        )
        for r in my_recipients(user=user)[:limit]
    ]
    items += [
        TaskItem(
            kind="round",
            title=t.round.title,
            org_name=t.round.org.name,
            deadline=t.round.deadline,
            status=t.status,
            status_label=str(t.get_status_display()),
            url=reverse("rounds:target", args=[t.pk]),
            reminded=t.reminded_at is not None,
            pending=True,
        )
        for t in my_tasks(user=user)[:limit]
    ]
    return sorted(items, key=lambda i: (not i.pending, i.deadline))
