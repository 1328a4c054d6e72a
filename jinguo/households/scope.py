"""Which households a user may see, the one read scope of the ledger, and where she may
change one (the write rule at the units it belongs to).

Below both households.selectors and people.selectors (a person is visible through the
households she lives in), so that neither has to import the other to read it.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.households.models import Household, HouseholdAssignment
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, scope_q


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


def may_write_household(*, user: User, household: Household) -> bool:
    """The write rule at the units a household belongs to (its grid, the grid it lives in),
    or, for the grid member it is assigned to now, at her own unit, wherever it is."""
    units = (household.grid, household.living_grid)
    if any(unit is not None and may_write_at(user=user, org=unit) for unit in units):
        return True
    if user.role != Role.GRID_MEMBER or user.org is None or not user.person_id:
        return False
    assigned = HouseholdAssignment.objects.filter(
        household=household, executive_id=user.person_id, end_date__isnull=True
    )
    return may_write_at(user=user, org=user.org) and assigned.exists()
