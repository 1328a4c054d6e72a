"""Reads of people, executive seats and teams, always through orgs.selectors.scope_q.

A person belongs to the org in `Person.org`; seats and teams to their own org. Fetch-and-check
functions answer 404 for records out of scope (the same as missing ones) and 403 when a
read-only role asks to write.
"""

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    Exists,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common import crypto
from jinguo.households.models import GridAssignment, Household, HouseholdAssignment, Resident
from jinguo.households.scope import household_scope_q
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, org_breadcrumbs, scope_q
from jinguo.people.idcard import normalize_id
from jinguo.people.models import (
    ConcurrentPost,
    DutyRotation,
    ExecutiveSeat,
    Person,
    PersonChange,
    Team,
    TeamMembership,
)

M = TypeVar("M", bound=Model)

Education = Person.Education
Post = ExecutiveSeat.Post
CPKind = ConcurrentPost.Kind
POST_ORDER = [Post.CHAIR, Post.VICE_CHAIR, Post.STAFF, Post.MEMBER]

# Education groups used by the federation's reports ("大专及以上" …), and the roster filter.
EDUCATION_GROUPS: dict[str, tuple[Any, list[str]]] = {
    "college_plus": (
        _("大专及以上"),
        [Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE],
    ),
    "senior": (_("高中/中专"), [Education.SENIOR]),
    "junior_below": (_("初中及以下"), [Education.JUNIOR, Education.PRIMARY]),
    "unknown": (_("未填"), [Education.UNKNOWN]),
}


def _get_for_user(
    queryset: QuerySet[M], *, user: User, pk: int, scope: Q, for_write: bool, org: str = "org"
) -> M:
    """404 outside `scope`; with `for_write`, 403 unless the user may write at the record's
    unit (the attribute path `org`): a resident seen through a household is hers to read."""
    obj = queryset.filter(scope).filter(pk=pk).first()
    if obj is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=attrgetter(org)(obj)):
        raise PermissionDenied
    return obj


# --- persons ------------------------------------------------------------------------------------


def person_scope_q(*, user: User) -> Q:
    """Persons `user` may see: those of the orgs in her scope, and the residents of every
    household she may see (a relocated family covered where it lives, a household assigned to
    a grid member elsewhere), so whoever looks after a family can reach its members."""
    households = Household.objects.filter(household_scope_q(user=user))
    # Uncorrelated, so the database runs it once per query (a hashed set), not once per person.
    residents = Resident.objects.filter(household__in=households).values("person_id")
    return scope_q(user=user, field="org") | Q(pk__in=residents)


def person_list_visible(*, user: User) -> QuerySet[Person]:
    return Person.objects.filter(person_scope_q(user=user))


def whole_id_searched(query: str) -> str:
    """The whole ID number `query` searches for (person_list finds it through its blind
    index), or "" when it searches for something else."""
    text = unicodedata.normalize("NFKC", query).strip().replace(" ", "").upper()
    return normalize_id(text) if len(text) == 18 else ""


def _search_q(query: str) -> Q:
    """Name contains; pinyin initials start with; last four of the ID (X included) or phone;
    a whole ID number through its blind index."""
    text = unicodedata.normalize("NFKC", query).strip().replace(" ", "")
    q = Q(name__icontains=text)
    typed = query.strip().replace(" ", "")
    if typed != text:  # names are stored as typed: a full-width letter or bracket stays so
        q |= Q(name__icontains=typed)
    if text.isascii() and text.isalpha():
        q |= Q(name_initials__startswith=text.lower())
    upper = text.upper()
    if len(upper) == 4 and upper[:3].isdigit() and (upper[3].isdigit() or upper[3] == "X"):
        q |= Q(id_tail=upper)
        if upper.isdigit():
            q |= Q(phone_tail=upper)
    if len(upper) == 18:
        q |= Q(id_hash=crypto.blind_index(normalize_id(upper)))
    return q


def person_list(*, user: User, query: str = "", org: OrgUnit | None = None) -> QuerySet[Person]:
    """Visible persons, optionally in `org`'s subtree, searched as a volunteer types."""
    people = person_list_visible(user=user)
    if org is not None:
        people = people.filter(org.subtree_q("org__"))
    if query.strip():
        people = people.filter(_search_q(query))
    return people.select_related("org").order_by("name", "id")


def person_get_for_user(*, user: User, person_id: int, for_write: bool = False) -> Person:
    return _get_for_user(
        Person.objects.select_related("org"),
        user=user,
        pk=person_id,
        scope=person_scope_q(user=user),
        for_write=for_write,
    )


def person_seats(*, person: Person) -> QuerySet[ExecutiveSeat]:
    """Every seat, current and past: the committee history of this person."""
    return person.seats.select_related("org").order_by("ended_on", "-term_start")


def person_concurrent_posts(*, person: Person) -> QuerySet[ConcurrentPost]:
    return person.concurrent_posts.select_related("org").order_by("end_date", "-start_date")


def person_team_memberships(*, person: Person) -> QuerySet[TeamMembership]:
    return TeamMembership.objects.filter(person=person).select_related("team").order_by("end_date")


def person_grid_assignments(*, person: Person) -> QuerySet[GridAssignment]:
    return person.grid_assignments.filter(end_date__isnull=True).select_related("grid")


def person_history(*, person: Person) -> QuerySet[PersonChange]:
    return person.changes.select_related("actor")


def person_seat_orgs(*, user: User, person: Person) -> list[OrgUnit]:
    """Where `person` may hold a seat: her own org and the visible orgs above it."""
    return org_breadcrumbs(user=user, org=person.org)


def person_post_orgs(*, user: User, person: Person) -> list[OrgUnit]:
    """Where a concurrent post of `person` may be: her org's subtree, within the user's scope."""
    units = OrgUnit.objects.filter(scope_q(user=user, field=""), is_active=True)
    return list(units.filter(person.org.subtree_q()).order_by("path")[:200])


# --- executive seats ----------------------------------------------------------------------------


def seat_get_for_user(*, user: User, seat_id: int, for_write: bool = False) -> ExecutiveSeat:
    return _get_for_user(
        ExecutiveSeat.objects.select_related("person", "org"),
        user=user,
        pk=seat_id,
        scope=scope_q(user=user, field="org"),
        for_write=for_write,
    )


def concurrent_post_get_for_user(
    *, user: User, post_id: int, for_write: bool = False
) -> ConcurrentPost:
    return _get_for_user(
        ConcurrentPost.objects.select_related("person", "org"),
        user=user,
        pk=post_id,
        scope=scope_q(user=user, field="person__org"),
        for_write=for_write,
        org="person.org",
    )


@dataclass(frozen=True)
class RosterFilters:
    """Filters of the executive roster; the figures link to the roster with these."""

    post: str = ""
    education: str = ""
    party: bool | None = None
    concurrent: str = ""  # a ConcurrentPost kind, or "any"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "RosterFilters":
        """Unknown values are ignored, as a hand-edited link should still show a list."""
        post = params.get("post", "")
        education = params.get("education", "")
        party = params.get("party", "")
        concurrent = params.get("concurrent", "")
        return cls(
            post=post if post in Post.values else "",
            education=education if education in EDUCATION_GROUPS else "",
            party={"1": True, "0": False}.get(party),
            concurrent=concurrent if concurrent in [*CPKind.values, "any"] else "",
        )

    def params(self) -> dict[str, str]:
        out = {"post": self.post, "education": self.education, "concurrent": self.concurrent}
        if self.party is not None:
            out["party"] = "1" if self.party else "0"
        return {k: v for k, v in out.items() if v}


def _open_posts(**kinds: Any) -> Exists:
    return Exists(
        ConcurrentPost.objects.filter(person=OuterRef("person_id"), end_date__isnull=True, **kinds)
    )


def _filter_seats(seats: QuerySet[ExecutiveSeat], f: RosterFilters) -> QuerySet[ExecutiveSeat]:
    if f.post:
        seats = seats.filter(post=f.post)
    if f.education:
        seats = seats.filter(person__education__in=EDUCATION_GROUPS[f.education][1])
    if f.party is not None:
        seats = seats.filter(person__party_member=f.party)
    if f.concurrent == "any":
        seats = seats.filter(_open_posts())
    elif f.concurrent:
        seats = seats.filter(_open_posts(kind=f.concurrent))
    return seats


def open_seats(*, org: OrgUnit | None = None, user: User | None = None) -> QuerySet[ExecutiveSeat]:
    """Seats held now (not ended): in `org`'s subtree (anywhere without one), within `user`'s
    scope (without one, the system's own rules: who may handle a case, a ranking's earners)."""
    seats = ExecutiveSeat.objects.filter(ended_on__isnull=True)
    if user is not None:
        seats = seats.filter(scope_q(user=user, field="org"))
    if org is not None:
        seats = seats.filter(org.subtree_q("org__"))
    return seats


def active_seats(
    *, user: User, org: OrgUnit, filters: RosterFilters | None = None
) -> QuerySet[ExecutiveSeat]:
    """Seats held now (not ended) in `org`'s subtree, within the user's scope."""
    return _filter_seats(open_seats(org=org, user=user), filters or RosterFilters())


# 主席, 副主席, 专干, 执委: the order a committee is listed in.
_POST_RANK = Case(
    *(When(post=post, then=Value(rank)) for rank, post in enumerate(POST_ORDER)),
    default=Value(len(POST_ORDER)),
)


def executive_roster(
    *, user: User, org: OrgUnit, filters: RosterFilters | None = None
) -> QuerySet[ExecutiveSeat]:
    """Active seats with person, post, open concurrent posts (`person.open_posts`), current
    grids (`person.open_grids`) and the number of households she is responsible for now
    (`household_count`): a fixed number of queries whatever the length."""
    open_households = Q(
        person__household_assignments__end_date__isnull=True,
        person__household_assignments__kind=HouseholdAssignment.Kind.RESPONSIBLE,
    )
    return (
        active_seats(user=user, org=org, filters=filters)
        .select_related("person", "org")
        .prefetch_related(
            Prefetch(
                "person__concurrent_posts",
                queryset=ConcurrentPost.objects.filter(end_date__isnull=True).select_related("org"),
                to_attr="open_posts",
            ),
            Prefetch(
                "person__grid_assignments",
                queryset=GridAssignment.objects.filter(end_date__isnull=True).select_related(
                    "grid"
                ),
                to_attr="open_grids",
            ),
        )
        .annotate(household_count=Count("person__household_assignments", filter=open_households))
        .order_by("org__path", _POST_RANK, "person__name", "id")
    )


def roster_person_count(seats: QuerySet[ExecutiveSeat]) -> int:
    """How many people hold the seats (one person may hold seats at two levels)."""
    return seats.order_by().values("person_id").distinct().count()


@dataclass(frozen=True)
class Figure:
    label: Any
    value: int
    filters: RosterFilters


@dataclass
class ExecutiveFigures:
    """The figures a report asks about an executive committee, computed from the seats."""

    total: Figure
    groups: list[tuple[Any, list[Figure]]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """{"total": 9, "post": {"chair": 1, …}, "education": {…}, "party_members": 4, …}"""
        out: dict[str, Any] = {"total": self.total.value}
        for _label, figures in self.groups:
            for fig in figures:
                group, key = _figure_key(fig.filters)
                if group == "party":
                    out["party_members"] = fig.value
                else:
                    out.setdefault(group, {})[key] = fig.value
        return out


def _figure_key(f: RosterFilters) -> tuple[str, str]:
    for name in ("post", "education", "concurrent"):
        if getattr(f, name):
            return name, getattr(f, name)
    return "party", "1" if f.party else "0"


def executive_figures(*, user: User, org: OrgUnit) -> ExecutiveFigures:
    """Counts of people (not seats) for `org`'s subtree in one query, each with the roster
    filters that list exactly them."""
    candidates: list[RosterFilters] = [
        *(RosterFilters(post=p) for p in POST_ORDER),
        *(RosterFilters(education=g) for g in EDUCATION_GROUPS),
        RosterFilters(party=True),
        *(RosterFilters(concurrent=k) for k in CPKind.values),
        RosterFilters(concurrent="any"),
    ]
    seats = active_seats(user=user, org=org)
    aggregates = {
        "total": Count("pk"),
        **{
            f"f{i}": Count("pk", filter=Q(pk__in=_filter_seats(seats, f).values("person_id")))
            for i, f in enumerate(candidates)
        },
    }
    row = Person.objects.filter(pk__in=seats.values("person_id")).aggregate(**aggregates)
    figures = [Figure(_figure_label(f), row[f"f{i}"], f) for i, f in enumerate(candidates)]

    def group(name: str) -> list[Figure]:
        return [fig for fig in figures if _figure_key(fig.filters)[0] == name]

    return ExecutiveFigures(
        total=Figure(_("执委"), row["total"], RosterFilters()),
        groups=[
            (_("职务"), group("post")),
            (_("文化程度"), group("education")),
            (_("政治面貌"), group("party")),
            (_("双向任职"), group("concurrent")),
        ],
    )


def _figure_label(f: RosterFilters) -> Any:
    if f.post:
        return Post(f.post).label
    if f.education:
        return EDUCATION_GROUPS[f.education][0]
    if f.concurrent == "any":
        return _("有兼任职务")
    if f.concurrent:
        return CPKind(f.concurrent).label
    return _("中共党员")


# --- teams --------------------------------------------------------------------------------------


def team_get_for_user(*, user: User, team_id: int, for_write: bool = False) -> Team:
    return _get_for_user(
        Team.objects.select_related("org"),
        user=user,
        pk=team_id,
        scope=scope_q(user=user, field="org"),
        for_write=for_write,
    )


def membership_get_for_user(
    *, user: User, membership_id: int, for_write: bool = False
) -> TeamMembership:
    return _get_for_user(
        TeamMembership.objects.select_related("team__org", "person"),
        user=user,
        pk=membership_id,
        scope=scope_q(user=user, field="team__org"),
        for_write=for_write,
        org="team.org",
    )


def team_list(*, user: User, org: OrgUnit, today: dt.date | None = None) -> QuerySet[Team]:
    """Teams in `org`'s subtree with current members (`current_members`) and the rotations
    from a month ago on (`calendar`), a fixed number of queries."""
    today = today or timezone.localdate()
    return (
        Team.objects.filter(scope_q(user=user, field="org"), org.subtree_q("org__"))
        .select_related("org")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=TeamMembership.objects.filter(end_date__isnull=True)
                .select_related("person")
                .order_by("-is_leader", "person__name"),
                to_attr="current_members",
            ),
            Prefetch(
                "rotations",
                queryset=DutyRotation.objects.filter(
                    end_date__gte=today - dt.timedelta(days=31)
                ).select_related("person"),
                to_attr="calendar",
            ),
        )
        .order_by("org__path", "name")
    )


def team_member_candidates(*, user: User, team: Team) -> QuerySet[Person]:
    """Executives with a seat now in the team's org subtree, not already in the team."""
    seats = active_seats(user=user, org=team.org)
    current = team.memberships.filter(end_date__isnull=True).values("person_id")
    return (
        Person.objects.filter(pk__in=seats.values("person_id"))
        .exclude(pk__in=current)
        .order_by("name", "id")
    )


def team_current_members(*, team: Team) -> QuerySet[Person]:
    current = team.memberships.filter(end_date__isnull=True).values("person_id")
    return Person.objects.filter(pk__in=current).order_by("name", "id")
