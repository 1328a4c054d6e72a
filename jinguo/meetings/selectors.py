"""Reads of meetings, topics and resolutions, always within the user's scope (the meeting's
org). The public notice page is the one read without a user: held meetings that are marked
公示, with no names and no minutes."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.figures import Figure, count_each, count_each_by, figure_url, list_url
from jinguo.meetings.models import (
    Meeting,
    MeetingAttendee,
    MeetingChange,
    MeetingKind,
    Resolution,
    ResolutionChange,
    Topic,
)
from jinguo.meetings.resolutions import ADOPTED_OR_LATER, FOLLOW_UP, FORWARDED_OR_LATER
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.selectors import may_write_at, org_children, scope_q, venues_usable_q

NOTICE_DAYS = 365
# What the public notice shows of a resolution: adopted ones and what became of them.
PUBLIC_STATUSES = ADOPTED_OR_LATER
STAGES: dict[str, tuple[str, ...]] = {
    "adopted": ADOPTED_OR_LATER,
    "forwarded": FORWARDED_OR_LATER,
    "done": (Resolution.Status.DONE,),
    "follow_up": FOLLOW_UP,
}


# --- meetings -----------------------------------------------------------------------------------


def meeting_scope_q(*, user: User) -> Q:
    return scope_q(user=user, field="org")


def meetings_visible(*, user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(meeting_scope_q(user=user))


def meeting_get_for_user(*, user: User, meeting_id: int, for_write: bool = False) -> Meeting:
    """Fetch-and-check: 404 when missing or out of scope; with for_write, 403 unless the user
    may write at the meeting's org."""
    meeting = (
        meetings_visible(user=user)
        .select_related("org", "place", "created_by")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=meeting.org):
        raise PermissionDenied
    return meeting


def _period_q(start: dt.date | None, end: dt.date | None) -> Q:
    """A meeting's day in the period: the held date once held, else the planned day."""
    q = Q()
    tz = timezone.get_current_timezone()
    if start is not None:
        lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
        q &= Q(held_on__gte=start) | Q(held_on__isnull=True, planned_at__gte=lo)
    if end is not None:
        hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        q &= Q(held_on__lte=end) | Q(held_on__isnull=True, planned_at__lt=hi)
    return q


def _meetings_filtered(
    *,
    user: User,
    org: OrgUnit | None = None,
    kind: str | None = None,
    status: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Meeting]:
    """The meetings a list shows, without annotations or ordering (for counting)."""
    meetings = meetings_visible(user=user)
    if org is not None:
        meetings = meetings.filter(org.subtree_q("org__"))
    if kind:
        meetings = meetings.filter(kind=kind)
    if status:
        meetings = meetings.filter(status=status)
    return meetings.filter(_period_q(start, end))


def meeting_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    kind: str | None = None,
    status: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Meeting]:
    """Visible meetings in org's subtree, filtered, each with its topic and resolution counts
    in the same query."""
    meetings = _meetings_filtered(
        user=user, org=org, kind=kind, status=status, start=start, end=end
    )
    return (
        meetings.select_related("org", "place")
        .annotate(
            topic_count=Count("topics", distinct=True),
            resolution_count=Count("resolutions", distinct=True),
        )
        .order_by("-planned_at", "-id")
    )


def meeting_attendees(*, meeting: Meeting) -> QuerySet[MeetingAttendee]:
    return meeting.attendees.select_related("person").order_by("role", "person__name", "id")


def meeting_history(*, meeting: Meeting) -> QuerySet[MeetingChange]:
    return meeting.changes.select_related("actor")


def meeting_topics(*, meeting: Meeting) -> QuerySet[Topic]:
    """The agenda, each topic with its resolutions (two queries however long)."""
    return meeting.topics.select_related("raised_by").prefetch_related(
        Prefetch("resolutions", queryset=Resolution.objects.order_by("id"))
    )


def meeting_venues(*, user: User, org: OrgUnit | None = None) -> QuerySet[Venue]:
    """Active venues the user may pick as a meeting's place (in her scope)."""
    if org is not None:
        venues = Venue.objects.filter(venues_usable_q(user=user, org=org))
    else:
        venues = Venue.objects.filter(scope_q(user=user, field="org"), is_active=True)
    return venues.select_related("org").order_by("org__path", "name")


# --- topics and resolutions ---------------------------------------------------------------------


def topic_get_for_user(*, user: User, topic_id: int, for_write: bool = False) -> Topic:
    topic = (
        Topic.objects.filter(scope_q(user=user, field="meeting__org"))
        .select_related("meeting__org", "raised_by")
        .filter(pk=topic_id)
        .first()
    )
    if topic is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=topic.meeting.org):
        raise PermissionDenied
    return topic


def resolution_scope_q(*, user: User) -> Q:
    return scope_q(user=user, field="meeting__org")


def resolutions_visible(*, user: User) -> QuerySet[Resolution]:
    return Resolution.objects.filter(resolution_scope_q(user=user))


def resolution_get_for_user(
    *, user: User, resolution_id: int, for_write: bool = False
) -> Resolution:
    resolution = (
        resolutions_visible(user=user)
        .select_related("meeting__org", "topic")
        .filter(pk=resolution_id)
        .first()
    )
    if resolution is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=resolution.meeting.org):
        raise PermissionDenied
    return resolution


def resolution_history(*, resolution: Resolution) -> QuerySet[ResolutionChange]:
    return resolution.changes.select_related("actor")


def resolution_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    kind: str | None = None,
    status: str | None = None,
    stage: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Resolution]:
    """Visible resolutions of meetings in org's subtree. The period is the meeting's held date;
    stage "follow_up" (adopted, forwarded, in progress) lists the oldest first."""
    rows = resolutions_visible(user=user).select_related("meeting__org", "topic")
    if org is not None:
        rows = rows.filter(org.subtree_q("meeting__org__"))
    if kind:
        rows = rows.filter(meeting__kind=kind)
    if status:
        rows = rows.filter(status=status)
    if stage in STAGES:
        rows = rows.filter(status__in=STAGES[stage])
    if start is not None:
        rows = rows.filter(meeting__held_on__gte=start)
    if end is not None:
        rows = rows.filter(meeting__held_on__lte=end)
    if stage == "follow_up":
        return rows.order_by("meeting__held_on", "meeting__planned_at", "id")
    return rows.order_by("-meeting__planned_at", "-meeting_id", "id")


def topic_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    kind: str | None = None,
    status: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Topic]:
    """Topics of the meetings meeting_list would show with the same filters."""
    meetings = _meetings_filtered(
        user=user, org=org, kind=kind, status=status, start=start, end=end
    )
    return (
        Topic.objects.filter(meeting__in=meetings.values("pk"))
        .select_related("meeting__org", "raised_by")
        .annotate(resolution_count=Count("resolutions"))
        .order_by("-meeting__planned_at", "meeting_id", "id")
    )


# --- figures ------------------------------------------------------------------------------------


def meeting_figures(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Figure]:
    """Meetings held (and by kind), topics discussed, resolutions adopted, forwarded to 两委,
    done, and the implementation rate (done / adopted, %), all over the meetings held at a unit
    of org's subtree in the period. Each links to the list that shows exactly what it counts."""
    return meeting_figures_by(user=user, org=org, start=start, end=end, group=None)[0]


def meeting_figures_by(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, group: Any
) -> tuple[list[Figure], dict[Any, dict[str, int]]]:
    """meeting_figures, and the meetings held by kind per value of `group` (an expression over
    the meeting, e.g. which child of `org` holds it; None: no groups): one grouped query gives
    the by-kind figures and a dashboard's per-child table, the figures being the groups' sums."""
    held = held_meetings(user=user, org=org, start=start, end=end)
    by_kind, groups = count_each_by(held, HELD_BY_KIND, group=group)
    # One query for the counts over the held meetings' resolutions.
    res_counts = count_each(held_resolutions(user=user, org=org, start=start, end=end), RESOLVED)
    topics = held_topics(held).count()
    counts = MeetingCounts(by_kind=by_kind, topics=topics, **res_counts)
    return meeting_figures_of(counts, org=org, start=start, end=end), groups


# What meeting_figures counts over the held meetings, and over their resolutions.
HELD_BY_KIND: dict[str, Q] = {kind.value: Q(kind=kind.value) for kind in MeetingKind}
RESOLVED: dict[str, Q] = {
    "adopted": Q(status__in=ADOPTED_OR_LATER),
    "forwarded": Q(status__in=FORWARDED_OR_LATER),
    "done": Q(status=Resolution.Status.DONE),
}


def held_meetings(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> QuerySet[Meeting]:
    """The meetings held at a unit of org's subtree in the period (what meeting_figures counts)."""
    return _meetings_filtered(user=user, org=org, status=Meeting.Status.HELD, start=start, end=end)


def held_resolutions(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date
) -> QuerySet[Resolution]:
    """The resolutions of the meetings held in org's subtree in the period."""
    return resolution_list(user=user, org=org, start=start, end=end).filter(
        meeting__status=Meeting.Status.HELD
    )


def held_topics(held: QuerySet[Meeting]) -> QuerySet[Topic]:
    return Topic.objects.filter(meeting__in=held.values("pk"))


@dataclass(frozen=True)
class MeetingCounts:
    """The counts behind meeting_figures, of one unit's subtree."""

    by_kind: dict[str, int]
    topics: int
    adopted: int
    forwarded: int
    done: int


def meeting_figures_of(
    counts: MeetingCounts, *, org: OrgUnit, start: dt.date, end: dt.date
) -> list[Figure]:
    """meeting_figures from its counts (one unit's, or each target's of a grouped read)."""
    period = {"org": org.pk, "start": start, "end": end}
    meetings_url = list_url("meetings:list")
    res_url = list_url("meetings:resolutions")
    times, items = _("次"), _("项")
    figures = [
        Figure(
            key="meetings.held",
            label=_("召开议事会议"),
            value=sum(counts.by_kind.values()),
            url=figure_url(meetings_url, status=Meeting.Status.HELD, **period),
            unit=times,
        )
    ]
    for kind in MeetingKind:
        figures.append(
            Figure(
                key=f"meetings.held.{kind.value}",
                label=kind.label,
                value=counts.by_kind.get(kind.value, 0),
                url=figure_url(meetings_url, status=Meeting.Status.HELD, kind=kind.value, **period),
                unit=times,
            )
        )
    adopted, done = counts.adopted, counts.done
    figures += [
        Figure(
            key="meetings.topics",
            label=_("议题"),
            value=counts.topics,
            url=figure_url(list_url("meetings:topics"), status=Meeting.Status.HELD, **period),
            unit=items,
        ),
        Figure(
            key="meetings.adopted",
            label=_("通过决议"),
            value=adopted,
            url=figure_url(res_url, stage="adopted", **period),
            unit=items,
        ),
        Figure(
            key="meetings.forwarded",
            label=_("提交两委"),
            value=counts.forwarded,
            url=figure_url(res_url, stage="forwarded", **period),
            unit=items,
        ),
        Figure(
            key="meetings.done",
            label=_("已落实（解决问题）"),
            value=done,
            url=figure_url(res_url, stage="done", **period),
            unit=items,
        ),
        Figure(
            key="meetings.implementation_rate",
            label=_("决议落实率"),
            value=round(done * 100 / adopted, 1) if adopted else 0.0,
            url=figure_url(res_url, stage="adopted", **period),
            unit="%",
        ),
    ]
    return figures


@dataclass(frozen=True)
class ChildRow:
    org: OrgUnit
    held: int
    url: str


def meeting_breakdown(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[ChildRow]:
    """Meetings held under each child unit of `org` in the period (one query for the counts)."""
    children = list(org_children(org=org))
    if not children:
        return []
    held = _meetings_filtered(user=user, org=org, status=Meeting.Status.HELD, start=start, end=end)
    counts = held.aggregate(
        **{f"c{c.pk}": Count("id", filter=c.subtree_q("org__")) for c in children}
    )
    return [
        ChildRow(
            org=c,
            held=counts[f"c{c.pk}"],
            url=figure_url(
                list_url("meetings:list"),
                status=Meeting.Status.HELD,
                org=c.pk,
                start=start,
                end=end,
            ),
        )
        for c in children
    ]


# --- the public notice --------------------------------------------------------------------------


def notice_org(*, code: str) -> OrgUnit:
    """The active unit with this code, for the public notice page (404 otherwise)."""
    org = OrgUnit.objects.filter(code=code, is_active=True).exclude(code="").first()
    if org is None:
        raise Http404
    return org


def notice_meetings(*, org: OrgUnit, today: dt.date | None = None) -> QuerySet[Meeting]:
    """The org's own held meetings marked 公示 of the last 12 months, each with its adopted
    resolutions. Only columns the notice shows are read: no minutes, no people."""
    today = today or timezone.localdate()
    resolutions = Resolution.objects.filter(status__in=PUBLIC_STATUSES).only(
        "id", "meeting_id", "content", "status", "forwarded_on", "done_on", "result"
    )
    return (
        Meeting.objects.filter(
            org=org,
            status=Meeting.Status.HELD,
            is_public=True,
            held_on__gte=today - dt.timedelta(days=NOTICE_DAYS),
            held_on__lte=today,
        )
        .only("id", "kind", "title", "held_on", "public_summary", "org_id")
        .prefetch_related(Prefetch("resolutions", queryset=resolutions.order_by("id")))
        .order_by("-held_on", "-id")
    )


def meetings_between(*, user: User, start: dt.date, end: dt.date) -> QuerySet[Meeting]:
    """Visible meetings of the period (the meeting list's ?start=&end=), soonest first: her
    home page's meetings of the week."""
    meetings = _meetings_filtered(user=user, start=start, end=end)
    return meetings.select_related("org").order_by("planned_at", "pk")
