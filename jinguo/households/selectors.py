"""Reads of the household ledger, always through household_scope_q."""

from django.db.models import Exists, OuterRef, Q

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.households.models import HouseholdAssignment
from jinguo.orgs.selectors import scope_q


def household_scope_q(*, user: User) -> Q:
    """Households `user` may see: those of the grids in her scope, those living there now
    (relocated families covered where they live), and, for a grid member, every household
    she is currently assigned, wherever it is."""
    q = scope_q(user=user, field="grid") | scope_q(user=user, field="living_grid")
    if user.is_active and user.role == Role.GRID_MEMBER and user.person_id:
        mine = HouseholdAssignment.objects.filter(
            household=OuterRef("pk"), executive_id=user.person_id, end_date__isnull=True
        )
        q |= Q(Exists(mine))
    return q
