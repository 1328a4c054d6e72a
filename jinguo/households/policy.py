"""Who sees a household's sensitive categories (低保, 残疾, 困境儿童…) and its minors in clear.

Everyone else sees them masked (households.masking). Scope is not decided here: a user only
ever gets households through the selectors, which already leave out what she may not see.
"""

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role

# The grid's executives visit these families and need to know why: they see their households
# in clear. Cadres work on many grids: masked, revealed one household at a time with a stated
# reason, audited. Leaders and the three administrators never see them in clear.
CLEAR_ROLES = frozenset({Role.GRID_MEMBER})
REVEAL_ROLES = frozenset({Role.CADRE})


def sees_sensitive(user: User) -> bool:
    """Sensitive categories and minors' details in clear on every household she can see."""
    return user.is_active and user.role in CLEAR_ROLES


def may_reveal_sensitive(user: User) -> bool:
    """May reveal one household's sensitive details, with a reason (households.services)."""
    return user.is_active and user.role in REVEAL_ROLES


def audits_sensitive_list(user: User) -> bool:
    """A list filtered by a sensitive category tells who holds it: audited for all but those
    who see the categories anyway."""
    return not sees_sensitive(user)
