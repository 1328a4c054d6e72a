"""Reads of the household ledger, always through household_scope_q."""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.common import crypto
from jinguo.common.html import Options
from jinguo.common.refcache import cached_reference
from jinguo.households import masking
from jinguo.households.grid_coverage import assignments_on, grid_covered
from jinguo.households.models import (
    Category,
    GridAssignment,
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    HouseholdChange,
    Resident,
)
from jinguo.households.policy import sees_sensitive
from jinguo.households.tokens import (
    categories_by_token,
    categories_of_links,
    category_tokens,
    holding,
    token_case,
    with_categories,
)
from jinguo.orgs import tree
from jinguo.orgs.codes import clean_text, normalize_identifier
from jinguo.orgs.kinds import TERRITORIAL_LEVEL, Kind
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_get_for_user, scope_q
from jinguo.people.idcard import normalize_id
from jinguo.people.models import ExecutiveSeat, Person
from jinguo.people.selectors import person_list_visible

GRID_KINDS = (Kind.GRID, Kind.MICRO_GRID)
RESPONSIBLE = HouseholdAssignment.Kind.RESPONSIBLE
COVERING = HouseholdAssignment.Kind.COVERING
_ID_TAIL = re.compile(r"^\d{3}[\dXx]$")
_INITIALS = re.compile(r"^[A-Za-z]{1,20}$")


def household_scope_q(*, user: User) -> Q:
    """Households `user` may see: those of the grids in her scope, those living there now
    (relocated families covered where they live), and, for a grid member, every household
    she is currently assigned, wherever it is."""
    # Ids of the units in scope rather than a path range over joined units: the same rows,
    # but a hashed lookup instead of two joins, which the ledger's COUNT pays on every page.
    units = OrgUnit.objects.filter(scope_q(user=user, field="")).values("pk")
    q = Q(grid_id__in=units) | Q(living_grid_id__in=units)
    if user.is_active and user.role == Role.GRID_MEMBER and user.person_id:
        mine = HouseholdAssignment.objects.filter(
            household=OuterRef("pk"), executive_id=user.person_id, end_date__isnull=True
        )
        q |= Q(Exists(mine))
    return q


def households_visible(*, user: User) -> QuerySet[Household]:
    return Household.objects.filter(household_scope_q(user=user))


# --- building blocks: open assignments as correlated subqueries ------------------------------


def _open(kind: str, **extra: Any) -> QuerySet[HouseholdAssignment]:
    return HouseholdAssignment.objects.filter(
        household=OuterRef("pk"), kind=kind, end_date__isnull=True, **extra
    )


def _has_open(kind: str) -> Exists:
    return Exists(_open(kind))


def _has_two_responsible() -> Exists:
    # Two or more open 包保 rows: a handover that was typed in twice, or two cadres' lists merged.
    return Exists(_open(RESPONSIBLE).values("household").annotate(n=Count("id")).filter(n__gte=2))


def _relocated_q() -> Q:
    return Q(living_grid__isnull=False) & ~Q(living_grid=F("grid"))


def _uncovered_q() -> Q:
    return _relocated_q() & ~Q(_has_open(COVERING))


# --- the ledger list ---------------------------------------------------------------------------


def _search_q(query: str) -> Q:
    """Number, address, a resident's or head's name, pinyin initials ("wxh"), or ID tail."""
    person = Q(person__name__icontains=query)
    head = Q(head__name__icontains=query)
    if _INITIALS.match(query):
        person |= Q(person__name_initials__startswith=query.lower())
        head |= Q(head__name_initials__startswith=query.lower())
    if _ID_TAIL.match(query):
        person |= Q(person__id_tail=query.upper())
        head |= Q(head__id_tail=query.upper())
    residents = Resident.objects.filter(person, household=OuterRef("pk"))
    return (
        Q(number__icontains=query)
        | Q(address__icontains=query)
        | Q(living_address__icontains=query)
        | head
        | Q(Exists(residents))
    )


# The columns a ledger row and the API's list read: loading whole rows of households, heads,
# grids and executives cost more than the queries themselves (≈450 timestamps parsed a page).
LIST_COLUMNS = (
    *("number", "grid", "living_grid", "address", "living_address", "head"),
    *("head__name", "head__id_tail", "head__birth_date", "grid__name", "living_grid__name"),
)
ASSIGNMENT_COLUMNS = (
    *("household", "executive", "kind", "start_date", "end_date", "reason", "executive__name"),
)


def _with_list_relations(households: QuerySet[Household]) -> QuerySet[Household]:
    """What a ledger row shows, fetched in a fixed number of queries whatever the page size."""
    open_rows = (
        HouseholdAssignment.objects.filter(end_date__isnull=True)
        .select_related("executive")
        .only(*ASSIGNMENT_COLUMNS)
        .order_by("kind", "start_date", "id")
    )
    households = (
        households.select_related("head", "grid", "living_grid")
        .only(*LIST_COLUMNS)
        .prefetch_related(Prefetch("assignments", queryset=open_rows, to_attr="open_assignments"))
    )
    return with_categories(households)


# --- the ledger's rows, as values ----------------------------------------------------------------

# A ledger row's columns, read as plain values: a page of households with their heads, grids,
# 包保 rows and executives built as model instances (≈250 a page) cost more than its queries.
LEDGER_COLUMNS = (
    *("pk", "number", "grid_id", "living_grid_id", "address", "living_address", "head_id"),
    *("head__name", "head__id_tail", "head__birth_date", "grid__name", "living_grid__name"),
)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """What the ledger shows of a household (households/templatetags/ledger_tags.py renders
    it): the head's name and birth date unmasked, masked there for the viewer."""

    pk: int
    number: str
    grid_name: str
    living_grid_name: str | None  # where a relocated household lives now
    is_relocated: bool
    address: str
    living_address: str
    has_head: bool
    head_name: str
    head_id_tail: str
    head_birth_date: dt.date | None
    responsible: list[str]  # the open 包保 executives' names, oldest first
    covering: list[str]  # the open 就近联系 executives' names
    categories: list[Category]  # held, in sort order


def ledger_values(households: QuerySet[Household]) -> QuerySet[Any]:
    """households_filtered's (or my_households') households as tuples of LEDGER_COLUMNS, in the
    same order: what a page of the ledger reads, one query (ledger_rows completes it)."""
    plain = households.prefetch_related(None).select_related(None)
    return plain.values_list(*LEDGER_COLUMNS)


_LINK = ""  # the kind _names_and_links gives a category link (no assignment has it)


def _names_and_links(ids: list[int]) -> list[tuple[int, str, str]]:
    """(household id, kind, executive's name) of the households' open assignments, oldest
    first, then (household id, _LINK, token) of their category links: one statement, written
    out because its two fixed queries cost more to build and compile through the ORM (with
    50 ids, ≈0.7 ms a page) than to run. The same rows as
    HouseholdAssignment.objects.filter(household_id__in=ids, end_date__isnull=True) and
    households.tokens.held_links(ids) (tests hold them equal)."""
    if not ids:
        return []
    assignment, person = HouseholdAssignment._meta.db_table, Person._meta.db_table
    link, marks = HouseholdCategory._meta.db_table, ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT a.household_id, a.kind, p.name, a.start_date, a.id FROM {assignment} a"  # noqa: S608 (names from models, values bound)
        f" JOIN {person} p ON p.id = a.executive_id"
        f" WHERE a.end_date IS NULL AND a.household_id IN ({marks})"
        f" UNION ALL SELECT l.household_id, %s, l.token, NULL, 0 FROM {link} l"
        f" WHERE l.household_id IN ({marks})"
        " ORDER BY 2, 4, 5"
    )
    with connections[HouseholdAssignment.objects.db].cursor() as cursor:
        cursor.execute(sql, [*ids, _LINK, *ids])
        return [(household_id, kind, text) for household_id, kind, text, _on, _pk in cursor]


def ledger_rows(
    values: Iterable[tuple[Any, ...]], *, categories: list[Category]
) -> list[LedgerRow]:
    """A page of ledger_values as LedgerRows, with the open 包保 and 就近联系 executives' names
    and the held categories: one more query whatever the page size. `categories`: every
    category (held ones are matched by token)."""
    values = list(values)
    ids = [v[0] for v in values]
    names: dict[tuple[int, str], list[str]] = defaultdict(list)
    links: list[tuple[int, str]] = []
    for household_id, kind, text in _names_and_links(ids):
        if kind == _LINK:
            links.append((household_id, text))
        else:
            names[household_id, kind].append(text)
    held = categories_of_links(ids, links, categories=categories)
    return [
        LedgerRow(
            pk=pk,
            number=number,
            grid_name=grid_name,
            living_grid_name=living_grid_name,
            # Household.is_relocated, on the values
            is_relocated=living_grid_id is not None and living_grid_id != grid_id,
            address=address,
            living_address=living_address,
            has_head=head_id is not None,
            head_name=head_name or "",
            head_id_tail=head_id_tail or "",
            head_birth_date=head_birth_date,
            responsible=names.get((pk, RESPONSIBLE), []),
            covering=names.get((pk, COVERING), []),
            categories=held.get(pk, []),
        )
        for (
            pk,
            number,
            grid_id,
            living_grid_id,
            address,
            living_address,
            head_id,
            head_name,
            head_id_tail,
            head_birth_date,
            grid_name,
            living_grid_name,
        ) in values
    ]


PLAN_FILTERS: dict[str, Callable[[], Q]] = {
    "key": lambda: Q(visit_interval_days__isnull=False),
    "on_time": lambda: Q(visit_interval_days__isnull=False, visit_due_on__gte=timezone.localdate()),
    "overdue": lambda: Q(visit_interval_days__isnull=False, visit_due_on__lt=timezone.localdate()),
}


def household_list(*, user: User, **filters: Any) -> QuerySet[Household]:
    """households_filtered with head, grids, categories and current executives prefetched (no
    query per row), for the API and the visit picker; the ledger reads its page as values
    instead (ledger_values)."""
    return _with_list_relations(households_filtered(user=user, **filters))


def households_filtered(
    *,
    user: User,
    query: str = "",
    grid: OrgUnit | None = None,
    category: Category | None = None,
    relocated: bool | None = None,
    unassigned: bool | None = None,
    org: OrgUnit | None = None,
    double: bool = False,
    uncovered: bool = False,
    over_quota: bool = False,
    executive_id: int | None = None,
    plan: str | None = None,
) -> QuerySet[Household]:
    """Active households `user` may see, filtered, by number. `org` limits to households
    whose home grid lies in its subtree: the same households its coverage figures count.
    `plan`: "key" (on a visit plan: an active key category), "on_time" (… and not yet due) or
    "overdue" (due before today), as the dashboard counts them."""
    households = households_visible(user=user).filter(is_active=True)
    if org is not None:
        households = households.filter(org.subtree_q("grid__"))
    if grid is not None:  # a grid with its micro-grids
        households = households.filter(grid.subtree_q("grid__"))
    if category is not None:
        households = households.filter(holding(category.pk))
    if executive_id is not None:
        households = households.filter(Exists(_open(RESPONSIBLE, executive_id=executive_id)))
    if relocated is not None:
        households = households.filter(_relocated_q() if relocated else ~_relocated_q())
    if unassigned is not None:
        has = _has_open(RESPONSIBLE)
        households = households.filter(~Q(has) if unassigned else Q(has))
    if double:
        households = households.filter(_has_two_responsible())
    if uncovered:
        households = households.filter(_uncovered_q())
    if over_quota:
        households = households.filter(_over_quota_q(user=user, org=org))
    if plan in PLAN_FILTERS:
        households = households.filter(PLAN_FILTERS[plan]())
    typed = clean_text(query)
    if typed:
        # Numbers and ID tails typed in full width from a phone keyboard are found half-width;
        # addresses and names are stored as typed (「，」 kept), so the query is tried as typed too.
        folded = normalize_identifier(typed)
        search = _search_q(folded)
        if folded != typed:
            search |= _search_q(typed)
        households = households.filter(search)
    return households.order_by("number")


def ledger_filters(
    *,
    user: User,
    org_id: int | None = None,
    grid_id: int | None = None,
    category_id: int | None = None,
    **flags: Any,
) -> dict[str, Any]:
    """The ledger's filters as household_list arguments, each unit fetched and checked (a hidden
    org or grid is a 404, as everywhere). `flags` pass through: query, executive_id,
    unassigned, relocated, double, uncovered, over_quota."""
    filters: dict[str, Any] = {k: v for k, v in flags.items() if v is not None}
    if org_id is not None:
        filters["org"] = org_get_for_user(user=user, org_id=org_id)
    if grid_id is not None:
        filters["grid"] = grid_get_for_user(user=user, grid_id=grid_id)
    if category_id is not None:
        filters["category"] = category_get(category_id=category_id)
        if filters["category"] is None:
            raise Http404
    return filters


def my_households(*, user: User) -> QuerySet[Household]:
    """The households she looks after: those assigned to her person (包保 or 就近联系) and,
    for a grid member, every household of her grid or living in it."""
    mine = Q(pk__in=[])
    if user.person_id:
        mine = Q(
            Exists(
                HouseholdAssignment.objects.filter(
                    household=OuterRef("pk"), executive_id=user.person_id, end_date__isnull=True
                )
            )
        )
    if user.role == Role.GRID_MEMBER:
        mine |= scope_q(user=user, field="grid") | scope_q(user=user, field="living_grid")
    households = households_visible(user=user).filter(mine, is_active=True)
    return _with_list_relations(households).order_by("number")


# --- one household -----------------------------------------------------------------------------


def household_get_for_user(*, user: User, household_id: int, for_write: bool = False) -> Household:
    """Fetch-and-check: 404 when hidden or missing, 403 when a read-only role would write."""
    try:
        household = (
            households_visible(user=user)
            .select_related("grid", "living_grid", "head", "grid__parent")
            .get(pk=household_id)
        )
    except Household.DoesNotExist:
        raise Http404 from None
    if for_write and not user.can_write:
        raise PermissionDenied
    return household


def household_residents(*, household: Household) -> QuerySet[Resident]:
    return household.residents.select_related("person").order_by("relation", "person__name")


def person_find_by_id_number(*, user: User, id_number: str) -> Person | None:
    """The registered person with this ID number, if `user` may see her (people's own rule)."""
    digest = crypto.blind_index(normalize_id(id_number))
    if not digest:
        return None
    return person_list_visible(user=user).filter(id_hash=digest).first()


def household_assignments(*, household: Household) -> QuerySet[HouseholdAssignment]:
    """Every assignment: open ones first (包保 before 就近联系), then past ones, newest first."""
    # "responsible" sorts after "covering": descending puts 包保 before 就近联系.
    return household.assignments.select_related("executive", "assigned_by").order_by(
        F("end_date").desc(nulls_first=True), "-kind", "-start_date", "-id"
    )


def household_assignment_get(*, household: Household, assignment_id: int) -> HouseholdAssignment:
    try:
        return household.assignments.get(pk=assignment_id)
    except HouseholdAssignment.DoesNotExist:
        raise Http404 from None


def household_history(*, household: Household) -> QuerySet[HouseholdChange]:
    return household.changes.select_related("actor")


def household_categories(*, household: Household) -> list[Category]:
    return household.held_categories


def has_hidden_details(
    *, user: User, categories: Iterable[Category], residents: Iterable[Resident]
) -> bool:
    """Whether the household shows `user` something masked (a sensitive category or a
    minor): where the detail page offers 「查看」."""
    if sees_sensitive(user):
        return False
    today = timezone.localdate()
    return any(c.sensitive for c in categories) or any(
        masking.is_minor(r.person.birth_date, today) for r in residents
    )


def history_masks(
    *, user: User, household: Household, residents: Iterable[Resident]
) -> dict[str, str]:
    """How the household's history shows stored values to `user` (stored → shown), for
    household_tags.change_lines: categories are stored as tokens (households.tokens) and shown
    by name, or as 「敏感类别」 when sensitive and `user` does not see them in clear; minors'
    names are masked likewise: the household's residents, and those its history names as added
    or removed (a minor who left keeps her name masked)."""
    clear = sees_sensitive(user)
    label = masking.sensitive_label()
    categories = categories_by_token(Category.objects.only("pk", "name", "sensitive"))
    masks = {
        token: label if c.sensitive and not clear else c.name for token, c in categories.items()
    }
    if clear:
        return masks
    today = timezone.localdate()
    people = [r.person for r in residents]
    named: set[str] = set()
    members = household.changes.filter(action__in=["resident_add", "resident_remove"])
    for old, new in members.values_list("old", "new"):
        named.update(v for v in (old.get("person"), new.get("person")) if isinstance(v, str))
    named -= {p.name for p in people}
    if named:
        # Birth dates are encrypted (the database cannot compare them): is_minor decides.
        people += Person.objects.filter(name__in=named, birth_date__isnull=False).only(
            "name", "birth_date"
        )
    for person in people:
        if masking.is_minor(person.birth_date, today):
            masks[person.name] = masking.mask_name(person.name)
    return masks


def category_list(*, active_only: bool = True) -> QuerySet[Category]:
    categories = Category.objects.all()
    return categories.filter(is_active=True) if active_only else categories


def grid_options(*, user: User, org: OrgUnit | None, limit: int = 300) -> Options:
    """A grid filter's options (pk and name of the first `limit` grids the user sees, under
    `org`), rendered once and kept a while in this process, per user and scope (refcache)."""
    key = f"grid-options:{user.pk}:{user.org_id}:{user.role}:{org.pk if org else ''}:{limit}"

    def load() -> Options:
        return Options.of(grid_list_visible(user=user, org=org).values_list("pk", "name")[:limit])

    return cached_reference(key, load)


def category_get(*, category_id: int) -> Category | None:
    return Category.objects.filter(pk=category_id).first()


# --- grids and executives ----------------------------------------------------------------------


def grid_list_visible(*, user: User, org: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    grids = OrgUnit.objects.filter(
        scope_q(user=user, field=""), kind__in=GRID_KINDS, is_active=True
    )
    if org is not None:
        grids = grids.filter(org.subtree_q())
    return grids.select_related("parent").order_by("path")


def grid_get_for_user(*, user: User, grid_id: int, for_write: bool = False) -> OrgUnit:
    """A grid or micro-grid in `user`'s scope (404 otherwise, also for other kinds of unit)."""
    grid = grid_list_visible(user=user).filter(pk=grid_id).first()
    if grid is None:
        raise Http404
    if for_write and not user.can_write:
        raise PermissionDenied
    return grid


def grid_list_with_executives(
    *,
    user: User,
    org: OrgUnit | None = None,
    unstaffed: bool | None = None,
    on: dt.date | None = None,
) -> QuerySet[OrgUnit]:
    """Grids with the executive assignments in force on the day `on` (today by default) and
    household counts, for the grid list; `unstaffed` True: only those without an executive
    that day, False: only those covered (grid_coverage.grid_covered, the one definition)."""
    has_exec = grid_covered(on)
    grids = grid_list_visible(user=user, org=org)
    if unstaffed is not None:
        grids = grids.filter(~Q(has_exec) if unstaffed else Q(has_exec))
    open_rows = assignments_on(on).select_related("executive")
    household_count = Count("households", filter=Q(households__is_active=True), distinct=True)
    return grids.annotate(household_count=household_count).prefetch_related(
        Prefetch("executive_assignments", queryset=open_rows, to_attr="open_assignments")
    )


def grid_assignments(*, grid: OrgUnit) -> QuerySet[GridAssignment]:
    return (
        GridAssignment.objects.filter(grid=grid)
        .select_related("executive", "assigned_by")
        .order_by(F("end_date").desc(nulls_first=True), "-start_date", "-id")
    )


def grid_assignment_get(*, grid: OrgUnit, assignment_id: int) -> GridAssignment:
    row = GridAssignment.objects.filter(grid=grid, pk=assignment_id).first()
    if row is None:
        raise Http404
    return row


def grid_executive_choices(*, user: User, grid: OrgUnit) -> QuerySet[Person]:
    """Executives `user` may put into `grid`: people in her scope with an open seat on the
    executive committee of the grid, its village or a unit above, not already in the grid."""
    seats = ExecutiveSeat.objects.filter(
        person=OuterRef("pk"), ended_on__isnull=True, org_id__in=tree.ids_in_path(grid.path)
    )
    already = GridAssignment.objects.filter(
        executive=OuterRef("pk"), grid=grid, end_date__isnull=True
    )
    return (
        Person.objects.filter(scope_q(user=user, field="org"))
        .filter(Exists(seats))
        .exclude(Exists(already))
        .order_by("name", "id")
    )


def household_executive_choices(*, household: Household) -> QuerySet[Person]:
    """Executives who may take a household over: those assigned (open) to its home grid or the
    grid it lives in, or to a grid containing either (a micro-grid's executives)."""
    grid_ids = tree.ids_in_path(household.grid.path)
    if household.living_grid is not None:
        grid_ids += tree.ids_in_path(household.living_grid.path)
    assigned = GridAssignment.objects.filter(
        executive=OuterRef("pk"),
        grid_id__in=grid_ids,
        grid__kind__in=GRID_KINDS,
        end_date__isnull=True,
    )
    return Person.objects.filter(Exists(assigned)).order_by("name", "id")


# --- 不漏一户: coverage figures ------------------------------------------------------------------


@dataclass
class CoverageCounts:
    households: int = 0
    unassigned: int = 0
    double: int = 0
    unstaffed_grids: int = 0
    uncovered: int = 0
    over_quota: int = 0
    grids: int = 0

    @property
    def covered_grids(self) -> int:
        """覆盖网格: grids with an executive (households.grid_coverage)."""
        return self.grids - self.unstaffed_grids


@dataclass
class OverQuota:
    executive_id: int
    executive_name: str
    category_id: int
    category_name: str
    households: int
    limit: int


@dataclass
class Coverage:
    org: OrgUnit
    total: CoverageCounts
    children: list[tuple[OrgUnit, CoverageCounts]] = field(default_factory=list)
    over_quota: list[OverQuota] = field(default_factory=list)


def _child_segment(org: OrgUnit, path_field: str) -> Substr:
    """The path segment of the direct child of `org` a row's unit lies under ("" for `org`)."""
    return Substr(path_field, len(org.path) + 1, tree.SEGMENT)


def _subtree_households(*, user: User, org: OrgUnit) -> QuerySet[Household]:
    return households_visible(user=user).filter(org.subtree_q("grid__"), is_active=True)


def _household_counts(*, user: User, org: OrgUnit) -> dict[str, dict[str, int]]:
    """One grouped query: per child segment, households and the three household figures."""
    rows = (
        _subtree_households(user=user, org=org)
        .annotate(segment=_child_segment(org, "grid__path"))
        .values("segment")
        .annotate(
            households=Count("id"),
            unassigned=Count("id", filter=~Q(_has_open(RESPONSIBLE))),
            double=Count("id", filter=Q(_has_two_responsible())),
            uncovered=Count("id", filter=_uncovered_q()),
        )
        .order_by()
    )
    return {row.pop("segment"): row for row in rows}


def _unstaffed_grids(*, user: User, org: OrgUnit, on: dt.date | None = None) -> QuerySet[OrgUnit]:
    return grid_list_visible(user=user, org=org).filter(~Q(grid_covered(on)))


def _grid_counts(
    *, user: User, org: OrgUnit, on: dt.date | None = None
) -> dict[str, tuple[int, int]]:
    """One grouped query: per child segment, (grids, grids without an executive on `on`)."""
    rows = (
        grid_list_visible(user=user, org=org)
        .annotate(segment=_child_segment(org, "path"))
        .values("segment")
        .annotate(n=Count("id"), unstaffed=Count("id", filter=~Q(grid_covered(on))))
        .order_by()
    )
    return {row["segment"]: (row["n"], row["unstaffed"]) for row in rows}


def _quota_rows(*, user: User, org: OrgUnit) -> list[dict[str, Any]]:
    """Per child segment, executive and capped category: how many of her 包保 households.
    A link holds a category's token (households.tokens), so rows carry `category_id` from a
    CASE over the capped categories' tokens."""
    capped = {c.pk: c for c in Category.objects.filter(max_per_executive__isnull=False)}
    if not capped:
        return []
    subtree = _subtree_households(user=user, org=org)
    rows = (
        HouseholdAssignment.objects.filter(
            kind=RESPONSIBLE,
            end_date__isnull=True,
            household__in=subtree.values("pk"),
            household__category_links__token__in=category_tokens(capped),
        )
        .annotate(
            segment=_child_segment(org, "household__grid__path"),
            category_id=token_case(
                {pk: pk for pk in capped}, field="household__category_links__token"
            ),
        )
        .values("segment", "executive_id", "executive__name", "category_id")
        .annotate(n=Count("household", distinct=True))
        .order_by()
    )
    return [
        {
            **row,
            "category_name": capped[row["category_id"]].name,
            "limit": capped[row["category_id"]].max_per_executive,
        }
        for row in rows
    ]


def _over_quota(rows: list[dict[str, Any]]) -> tuple[list[OverQuota], dict[str, int]]:
    """Executive × category pairs over the cap across the subtree, and, per child, the pairs
    over the cap within that child."""
    totals: dict[tuple[int, int], OverQuota] = {}
    per_child: dict[str, int] = defaultdict(int)
    for row in rows:
        limit = row["limit"]
        key = (row["executive_id"], row["category_id"])
        pair = totals.setdefault(
            key,
            OverQuota(
                executive_id=key[0],
                executive_name=row["executive__name"],
                category_id=key[1],
                category_name=row["category_name"],
                households=0,
                limit=limit,
            ),
        )
        pair.households += row["n"]
        if row["segment"] and row["n"] > limit:
            per_child[row["segment"]] += 1
    over = [p for p in totals.values() if p.households > p.limit]
    over.sort(key=lambda p: (p.category_id, -p.households, p.executive_name))
    return over, per_child


def _over_quota_q(*, user: User, org: OrgUnit | None) -> Q:
    """Households of an over-quota pair: in the pair's category, held by the pair's executive."""
    root = org if org is not None else user.org
    if root is None:
        return Q(pk__in=[])
    pairs, _per_child = _over_quota(_quota_rows(user=user, org=root))
    q = Q(pk__in=[])
    for pair in pairs:
        q |= holding(pair.category_id) & Q(
            Exists(_open(RESPONSIBLE, executive_id=pair.executive_id))
        )
    return q


def _coverage_children(*, user: User, org: OrgUnit) -> QuerySet[OrgUnit]:
    # Only territorial units hold grids; enterprise and other federations would be rows of 0.
    return (
        OrgUnit.objects.filter(scope_q(user=user, field=""))
        .filter(parent=org, is_active=True, kind__in=list(TERRITORIAL_LEVEL))
        .order_by("code", "name")
    )


def coverage_counts(*, user: User, org: OrgUnit, on: dt.date | None = None) -> Coverage:
    """不漏一户 for `org`'s subtree: households without a 包保 executive, with two or more,
    grids without an executive on the day `on` (today by default; grid_coverage, the one
    definition of 覆盖), relocated households without a covering executive, and
    executive × category pairs over the category's cap; the same per direct child of `org`.
    Four queries whatever the size of the subtree."""
    households = _household_counts(user=user, org=org)
    grids = _grid_counts(user=user, org=org, on=on)
    over, over_per_child = _over_quota(_quota_rows(user=user, org=org))
    total = CoverageCounts(
        grids=sum(n for n, _u in grids.values()),
        unstaffed_grids=sum(u for _n, u in grids.values()),
        over_quota=len(over),
    )
    for row in households.values():
        total.households += row["households"]
        total.unassigned += row["unassigned"]
        total.double += row["double"]
        total.uncovered += row["uncovered"]
    children = []
    for child in _coverage_children(user=user, org=org):
        segment = tree.segment(child.pk)
        row = households.get(segment, {})
        counts = CoverageCounts(
            households=row.get("households", 0),
            unassigned=row.get("unassigned", 0),
            double=row.get("double", 0),
            uncovered=row.get("uncovered", 0),
            grids=grids.get(segment, (0, 0))[0],
            unstaffed_grids=grids.get(segment, (0, 0))[1],
            over_quota=over_per_child.get(segment, 0),
        )
        children.append((child, counts))
    return Coverage(org=org, total=total, children=children, over_quota=over)


def unstaffed_grids(*, user: User, org: OrgUnit, on: dt.date | None = None) -> QuerySet[OrgUnit]:
    return _unstaffed_grids(user=user, org=org, on=on)
