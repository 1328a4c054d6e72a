"""Who may see personal numbers whole. Everyone else sees them masked (people.masking)."""

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role

# Cadres and grid members work with the families and sometimes need a full number (to phone a
# family, to fill a subsidy form); they unmask one record at a time, with a stated reason, and
# each unmasking is audited. Leaders and administrators never see full numbers.
UNMASK_ROLES = frozenset({Role.CADRE, Role.GRID_MEMBER})
# Full numbers in an export: cadres only, with a reason, audited.
FULL_EXPORT_ROLES = frozenset({Role.CADRE})


def may_unmask(user: User) -> bool:
    return user.is_active and user.role in UNMASK_ROLES


def may_export_full_numbers(user: User) -> bool:
    return user.is_active and user.role in FULL_EXPORT_ROLES
