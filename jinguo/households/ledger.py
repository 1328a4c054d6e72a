"""The household ledger (台账): its list, filtered as the ledger's filters and the dashboard's
figures ask, and its page read as plain values (LedgerRow), always through household_scope_q
(households.scope)."""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.households.coverage import (
    has_open,
    has_two_responsible,
    open_assignments,
    over_quota_q,
    relocated_q,
    uncovered_q,
)
from jinguo.households.models import (
    Category,
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    Resident,
    categories_of_links,
    holding,
    with_categories,
)
from jinguo.households.scope import households_visible
from jinguo.households.selectors import category_get, grid_get_for_user
from jinguo.orgs.codes import clean_text, normalize_identifier
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_get_for_user, scope_q
from jinguo.people.models import Person

RESPONSIBLE = HouseholdAssignment.Kind.RESPONSIBLE
COVERING = HouseholdAssignment.Kind.COVERING
_ID_TAIL = re.compile(r"^\d{3}[\dXx]$")
_INITIALS = re.compile(r"^[A-Za-z]{1,20}$")


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
    *("visit_interval_days", "visit_due_on"),
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
    *("visit_interval_days", "visit_due_on"),
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
    visit_due: dt.date | None = None  # a key household's next visit (PLAN_FILTERS), else None


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
    households.models.held_links(ids) (tests hold them equal)."""
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
            visit_due=visit_due_on if interval is not None else None,
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
            interval,
            visit_due_on,
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
    conditions = (
        _in_unit(org),
        _in_unit(grid),  # a grid with its micro-grids
        _holding(category),
        _responsible_of(executive_id),
        _relocated(relocated),
        _unassigned(unassigned),
        _two_responsible(double),
        _uncovered(uncovered),
        _over_quota(over_quota, user=user, org=org),
        _on_plan(plan),
        _searched(query),
    )
    households = households_visible(user=user).filter(is_active=True)
    for condition in conditions:  # one filter() each, in this order: the SQL stays the same
        if condition is not None:
            households = households.filter(condition)
    return households.order_by("number")


# households_filtered's filters: each the condition one argument adds, or None when it is unset.


def _in_unit(unit: OrgUnit | None) -> Q | None:
    return None if unit is None else unit.subtree_q("grid__")


def _holding(category: Category | None) -> Q | None:
    return None if category is None else holding(category.pk)


def _responsible_of(executive_id: int | None) -> Exists | None:
    if executive_id is None:
        return None
    return Exists(open_assignments(RESPONSIBLE, executive_id=executive_id))


def _relocated(relocated: bool | None) -> Q | None:
    if relocated is None:
        return None
    return relocated_q() if relocated else ~relocated_q()


def _unassigned(unassigned: bool | None) -> Q | None:
    if unassigned is None:
        return None
    has = has_open(RESPONSIBLE)
    return ~Q(has) if unassigned else Q(has)


def _two_responsible(double: bool) -> Exists | None:
    return has_two_responsible() if double else None


def _uncovered(uncovered: bool) -> Q | None:
    return uncovered_q() if uncovered else None


def _over_quota(over_quota: bool, *, user: User, org: OrgUnit | None) -> Q | None:
    return over_quota_q(user=user, org=org) if over_quota else None


def _on_plan(plan: str | None) -> Q | None:
    return PLAN_FILTERS[plan]() if plan in PLAN_FILTERS else None


def _searched(query: str) -> Q | None:
    typed = clean_text(query)
    if not typed:
        return None
    # Numbers and ID tails typed in full width from a phone keyboard are found half-width;
    # addresses and names are stored as typed (「，」 kept), so the query is tried as typed too.
    folded = normalize_identifier(typed)
    search = _search_q(folded)
    if folded != typed:
        search |= _search_q(typed)
    return search


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
