"""Reads of one household, of categories, and of grids and their executives, always through
household_scope_q (households.scope). The ledger list is households.ledger, the 不漏一户
figures households.coverage."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jinguo.accounts.models import User
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
    HouseholdChange,
    Resident,
    categories_by_token,
)
from jinguo.households.policy import sees_sensitive
from jinguo.households.scope import households_visible, may_write_household
from jinguo.orgs import tree
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, scope_q
from jinguo.people.idcard import normalize_id
from jinguo.people.models import ExecutiveSeat, Person
from jinguo.people.selectors import person_list_visible

GRID_KINDS = (Kind.GRID, Kind.MICRO_GRID)


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
    if for_write and not may_write_household(user=user, household=household):
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
    if for_write and not may_write_at(user=user, org=grid):
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
