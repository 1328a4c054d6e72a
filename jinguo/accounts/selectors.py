from django.db.models import Count, QuerySet

from jinguo.accounts.models import AccountRequest, User
from jinguo.accounts.roles import Role
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import scope_q


def user_list_in_scope(*, user: User, org: OrgUnit | None = None) -> QuerySet[User]:
    """Accounts whose org lies in `user`'s scope (and below `org`, if given)."""
    users = User.objects.filter(scope_q(user=user)).select_related("org")
    if org is not None:
        users = users.filter(org.subtree_q("org__"))
    return users


def user_list_all(*, user: User) -> QuerySet[User]:
    """Every account, for the system and security administrators only."""
    if user.role not in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        return User.objects.none()
    return User.objects.select_related("org")


def user_role_counts(*, user: User) -> dict[str, int]:
    rows = user_list_all(user=user).values("role").annotate(n=Count("id"))
    return {row["role"]: row["n"] for row in rows}


def account_requests_pending(*, user: User) -> QuerySet[AccountRequest]:
    """Requests waiting for the security administrator, oldest first."""
    if user.role != Role.SECURITY_ADMIN:
        return AccountRequest.objects.none()
    return (
        AccountRequest.objects.filter(status=AccountRequest.Status.PENDING)
        .select_related("user", "org", "old_org", "requested_by")
        .order_by("requested_at", "id")
    )
