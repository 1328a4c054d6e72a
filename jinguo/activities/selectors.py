"""Reads of activities, series and volunteer teams, always within the user's scope.

Activities, series and teams are visible when their org is in the user's scope. A membership
(and its service hours) is also visible to the volunteer's own executive: whoever may see the
person (a grid member sees the people of her grid), so she can record her volunteers' hours.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.activities.models import (
    Activity,
    ActivityChange,
    ActivityKind,
    ActivityParticipant,
    ActivitySeries,
    ServiceHours,
    VolunteerMembership,
    VolunteerTeam,
)
from jinguo.common.figures import Figure, count_each_by, figure_url, list_url
from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.selectors import may_write_at, scope_q, venues_usable_q
from jinguo.people.models import Person
from jinguo.people.selectors import person_list_visible, person_scope_q

Status = Activity.Status
T = TypeVar("T")


def _check(obj: T | None, *, user: User, for_write: bool) -> T:
    """404 when hidden or missing; with `for_write`, 403 unless the user may write at the
    record's unit."""
    if obj is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=obj.org):  # type: ignore[attr-defined]
        raise PermissionDenied
    return obj


# --- activities ---------------------------------------------------------------------------------


def activity_scope_q(*, user: User) -> Q:
    return scope_q(user=user, field="org")


def activities_visible(*, user: User) -> QuerySet[Activity]:
    return Activity.objects.filter(activity_scope_q(user=user))


@dataclass(frozen=True)
class ActivityFilters:
    kind: str | None = None
    status: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    org: OrgUnit | None = None
    series: int | None = None
    query: str = ""


def _filtered(*, user: User, filters: ActivityFilters | None) -> QuerySet[Activity]:
    f = filters or ActivityFilters()
    activities = activities_visible(user=user)
    if f.kind:
        activities = activities.filter(kind=f.kind)
    if f.status:
        activities = activities.filter(status=f.status)
    if f.start:
        activities = activities.filter(starts_on__gte=f.start)
    if f.end:
        activities = activities.filter(starts_on__lte=f.end)
    if f.org is not None:
        activities = activities.filter(f.org.subtree_q("org__"))
    if f.series:
        activities = activities.filter(series_id=f.series)
    if f.query:
        activities = activities.filter(title__icontains=f.query)
    return activities


def activity_list(*, user: User, filters: ActivityFilters | None = None) -> QuerySet[Activity]:
    """Activities by kind, status, period (activity date), org subtree, series and title;
    each with its number of registered and attended participants."""
    activities = _filtered(user=user, filters=filters)
    return (
        activities.select_related("org", "venue", "series")
        .annotate(
            registered=Count("participants", distinct=True),
            attended=Count("participants", filter=Q(participants__attended=True), distinct=True),
        )
        .order_by("-starts_on", "-id")
    )


def activity_get_for_user(*, user: User, activity_id: int, for_write: bool = False) -> Activity:
    activity = (
        activities_visible(user=user)
        .select_related("org", "venue", "series", "created_by")
        .filter(pk=activity_id)
        .first()
    )
    return _check(activity, user=user, for_write=for_write)


def activity_participants(*, activity: Activity) -> QuerySet[ActivityParticipant]:
    return activity.participants.select_related("person")


def participant_get_for_user(
    *, user: User, activity: Activity, participant_id: int
) -> ActivityParticipant:
    participant = activity.participants.filter(pk=participant_id).first()
    if participant is None:
        raise Http404
    participant.activity = activity
    return participant


def activity_organisers(*, activity: Activity) -> QuerySet[Person]:
    return activity.organisers.order_by("name")


def activity_changes(*, activity: Activity) -> QuerySet[ActivityChange]:
    return activity.changes.select_related("actor")


def venues_for_org(*, user: User, org: OrgUnit) -> QuerySet[Venue]:
    """Active venues the user may see at `org`, its ancestors or its descendants."""
    return (
        Venue.objects.filter(venues_usable_q(user=user, org=org))
        .select_related("org")
        .order_by("org__path", "kind", "name")
    )


# --- series -------------------------------------------------------------------------------------


def series_list(*, user: User, org: OrgUnit | None = None) -> QuerySet[ActivitySeries]:
    series = ActivitySeries.objects.filter(scope_q(user=user, field="org"))
    if org is not None:
        series = series.filter(org.subtree_q("org__"))
    return (
        series.select_related("org", "venue")
        .annotate(
            held=Count("occurrences", filter=Q(occurrences__status=Status.HELD)),
            planned=Count("occurrences", filter=Q(occurrences__status=Status.PLANNED)),
        )
        .order_by("org__path", "title", "id")
    )


def series_get_for_user(*, user: User, series_id: int, for_write: bool = False) -> ActivitySeries:
    series = series_list(user=user).filter(pk=series_id).first()
    return _check(series, user=user, for_write=for_write)


# --- volunteer teams ----------------------------------------------------------------------------


def _teams(
    *, user: User, org: OrgUnit | None = None, active: bool | None = None
) -> QuerySet[VolunteerTeam]:
    teams = VolunteerTeam.objects.filter(scope_q(user=user, field="org"))
    if org is not None:
        teams = teams.filter(org.subtree_q("org__"))
    if active is not None:
        teams = teams.filter(is_active=active)
    return teams


def team_list(
    *, user: User, org: OrgUnit | None = None, active: bool | None = None
) -> QuerySet[VolunteerTeam]:
    """Teams with their number of current volunteers and hours served (all time)."""
    teams = _teams(user=user, org=org, active=active)
    hours = (
        ServiceHours.objects.filter(membership__team=OuterRef("pk"))
        .order_by()
        .values("membership__team")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return (
        teams.select_related("org")
        .annotate(
            members=Count("memberships", filter=Q(memberships__left_on__isnull=True)),
            total_hours=hours,
        )
        .order_by("org__path", "name", "id")
    )


def team_get_for_user(*, user: User, team_id: int, for_write: bool = False) -> VolunteerTeam:
    team = team_list(user=user).filter(pk=team_id).first()
    return _check(team, user=user, for_write=for_write)


def membership_scope_q(*, user: User) -> Q:
    """The team's unit in scope, or the volunteer herself visible (her own executive)."""
    people = Person.objects.filter(person_scope_q(user=user)).values("pk")
    return scope_q(user=user, field="team__org") | Q(person__in=people)


def team_members(*, team: VolunteerTeam) -> QuerySet[VolunteerMembership]:
    return (
        team.memberships.select_related("person")
        .annotate(total_hours=Sum("hours__hours"))
        .order_by("left_on", "person__name", "id")
    )


def membership_get_for_user(
    *, user: User, membership_id: int, for_write: bool = False
) -> VolunteerMembership:
    membership = (
        VolunteerMembership.objects.filter(membership_scope_q(user=user))
        .select_related("team", "team__org", "person__org")
        .filter(pk=membership_id)
        .first()
    )
    membership = _check(membership, user=user, for_write=False)
    if for_write and not may_write_membership(user=user, membership=membership):
        raise PermissionDenied
    return membership


def may_write_membership(*, user: User, membership: VolunteerMembership) -> bool:
    """The write rule at the team's unit (its cadres) or at the volunteer's own (her executive)."""
    units = (membership.team.org, membership.person.org)
    return any(may_write_at(user=user, org=unit) for unit in units)


def open_memberships(*, user: User, org: OrgUnit | None = None) -> QuerySet[VolunteerMembership]:
    """Open memberships of active teams in scope (and under `org`): who volunteers now."""
    open_q = Q(left_on__isnull=True, team__is_active=True) & scope_q(user=user, field="team__org")
    if org is not None:
        open_q &= org.subtree_q("team__org__")
    return VolunteerMembership.objects.filter(open_q)


def volunteer_list(*, user: User, org: OrgUnit | None = None) -> QuerySet[Person]:
    """Distinct people with an open membership of an active team in scope (and under `org`),
    each with her open memberships prefetched."""
    memberships = open_memberships(user=user, org=org)
    people = Person.objects.filter(
        Exists(memberships.filter(person=OuterRef("pk")))
    ).select_related("org")
    return people.prefetch_related(
        Prefetch(
            "volunteer_memberships",
            queryset=memberships.select_related("team"),
            to_attr="open_memberships",
        )
    ).order_by("name", "pk")


def hours_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    team: VolunteerTeam | None = None,
) -> QuerySet[ServiceHours]:
    rows = ServiceHours.objects.filter(
        membership__in=VolunteerMembership.objects.filter(membership_scope_q(user=user))
    )
    if org is not None:
        rows = rows.filter(org.subtree_q("membership__team__org__"))
    if start:
        rows = rows.filter(served_on__gte=start)
    if end:
        rows = rows.filter(served_on__lte=end)
    if team is not None:
        rows = rows.filter(membership__team=team)
    return rows.select_related("membership__team", "membership__person", "activity", "recorded_by")


def people_for_picker(*, user: User) -> QuerySet[Person]:
    return person_list_visible(user=user)


@dataclass(frozen=True)
class ChildFigures:
    org: OrgUnit
    held: int
    person_times: int
    url: str


def activities_by_child(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date
) -> list[ChildFigures]:
    """Activities held and person-times per direct child unit of `org` in the period (one
    grouped query over the child segment of the activity's org path, one for the children);
    activities at `org` itself are in the totals, not in a child's row."""
    held = _filtered(
        user=user, filters=ActivityFilters(status=Status.HELD, start=start, end=end, org=org)
    )
    rows = (
        held.exclude(org=org)
        .annotate(segment=Substr("org__path", len(org.path) + 1, tree.SEGMENT))
        .values("segment")
        .annotate(n=Count("id"), people=Sum("headcount"))
        .order_by()
    )
    per_segment = {row["segment"]: (row["n"], row["people"] or 0) for row in rows}
    children = (
        OrgUnit.objects.filter(scope_q(user=user, field=""))
        .filter(parent=org, is_active=True)
        .order_by("code", "name")
    )
    result = []
    for child in children:
        n, people = per_segment.get(tree.segment(child.pk), (0, 0))
        url = figure_url(
            list_url("activities:list"), status=Status.HELD, org=child.pk, start=start, end=end
        )
        result.append(ChildFigures(child, n, people, url))
    return result


# --- figures ------------------------------------------------------------------------------------


def activities_figures(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Figure]:
    """Activities held (and by kind), person-times, occurrences held per series, volunteer
    teams, volunteers, volunteer activities and service hours, for `org`'s subtree and the
    period; each linking to the list of exactly the records it counts."""
    return activities_figures_by(user=user, org=org, start=start, end=end, group=None)[0]


def activities_figures_by(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, group: Any
) -> tuple[list[Figure], dict[Any, dict[str, int]]]:
    """activities_figures, and with `group` (an expression over the activity, e.g. which child
    of `org` held it) the activities held by kind and their person-times per group, from the
    same one grouped query: the figures are the sums of the groups."""
    held = held_activities(user=user, org=org, start=start, end=end)
    counts, groups = count_each_by(held, HELD_BY_KIND, group=group, extra=PERSON_TIMES)
    person_times = counts.pop("person_times")
    series = [(r["series"], r["series__title"], r["n"]) for r in series_held(held)]
    hours = hours_list(user=user, org=org, start=start, end=end).aggregate(n=Sum("hours"))["n"]
    counted = ActivityCounts(
        by_kind=counts,
        person_times=person_times or 0,
        series=series,
        teams=active_teams(user=user, org=org).count(),
        volunteers=volunteer_list(user=user, org=org).count(),
        hours=hours,
    )
    return activities_figures_of(counted, org=org, start=start, end=end), groups


# What activities_figures counts over the held activities: by kind, and their person-times.
HELD_BY_KIND: dict[str, Q] = {kind: Q(kind=kind) for kind in ActivityKind.values}
PERSON_TIMES = {"person_times": Sum("headcount")}


def held_activities(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date
) -> QuerySet[Activity]:
    """The activities held in org's subtree in the period, unordered (for counting)."""
    filters = ActivityFilters(status=Status.HELD, start=start, end=end, org=org)
    return _filtered(user=user, filters=filters).order_by()


def series_held(held: QuerySet[Activity], *by: str) -> QuerySet[Any]:
    """Occurrences held per series (and per `by` fields), in the figures' order."""
    return (
        held.filter(series__isnull=False)
        .values(*by, "series", "series__title")
        .annotate(n=Count("id"))
        .order_by("series__title", "series")
    )


def active_teams(*, user: User, org: OrgUnit) -> QuerySet[VolunteerTeam]:
    return _teams(user=user, org=org, active=True)


@dataclass(frozen=True)
class ActivityCounts:
    """The counts behind activities_figures, of one unit's subtree."""

    by_kind: dict[str, int]
    person_times: int
    series: list[tuple[int, str, int]]  # (series id, title, occurrences held), in order
    teams: int
    volunteers: int
    hours: Decimal | None


def activities_figures_of(
    counts: ActivityCounts, *, org: OrgUnit, start: dt.date, end: dt.date
) -> list[Figure]:
    """activities_figures from its counts (one unit's, or each target's of a grouped read)."""
    base = list_url("activities:list")
    period = {"org": org.pk, "start": start, "end": end}
    by_kind = counts.by_kind
    held_url = figure_url(base, status=Status.HELD, **period)
    figures = [
        Figure("activities.held", _("举办活动"), sum(by_kind.values()), held_url, _("场")),
        Figure("activities.person_times", _("活动参与"), counts.person_times, held_url, _("人次")),
    ]
    for kind in ActivityKind:
        url = figure_url(base, status=Status.HELD, kind=kind.value, **period)
        count = by_kind.get(kind.value, 0)
        figures.append(Figure(f"activities.held.{kind.value}", kind.label, count, url, _("场")))
    for series, title, n in counts.series:
        url = figure_url(base, status=Status.HELD, series=series, **period)
        label = _("%(title)s（次）") % {"title": title}
        figures.append(Figure(f"activities.series.{series}", label, n, url, _("次")))
    volunteer_activities = by_kind.get(ActivityKind.VOLUNTEER_SERVICE.value, 0)
    figures += [
        Figure(
            "activities.teams",
            _("巾帼志愿者服务队"),
            counts.teams,
            figure_url(base + "teams/", org=org.pk),
            _("支"),
        ),
        Figure(
            "activities.volunteers",
            _("志愿者"),
            counts.volunteers,
            figure_url(base + "volunteers/", org=org.pk),
            _("人"),
        ),
        Figure(
            "activities.volunteer_activities",
            _("志愿服务活动"),
            volunteer_activities,
            figure_url(base, status=Status.HELD, kind=ActivityKind.VOLUNTEER_SERVICE, **period),
            _("场"),
        ),
        Figure(
            "activities.service_hours",
            _("志愿服务时长"),
            float(counts.hours or Decimal(0)),
            figure_url(base + "hours/", **period),
            _("小时"),
        ),
    ]
    return figures


def activities_between(*, user: User, start: dt.date, end: dt.date) -> QuerySet[Activity]:
    """Visible activities of the period (the activity list's ?start=&end=), soonest first: her
    home page's activities of the week."""
    activities = _filtered(user=user, filters=ActivityFilters(start=start, end=end))
    return activities.select_related("org").order_by("starts_on", "pk")
