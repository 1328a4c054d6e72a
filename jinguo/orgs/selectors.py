"""Reads of the organisation tree, and the one place that decides what a user may see and
where she may write.

`scope_q` is the visibility rule of the whole product: every selector of every app filters its
records through it. A user sees her org's subtree; a grid member's org is her grid, so she sees
her grid (and its micro-grids); administrators (三员) see no federation records at all.

`may_write_at` is the write rule, beside it: a writing role (cadre, grid member; with
`cadre_only`, a cadre) whose unit is `org` or one of its ancestors. Leaders read only; the 三员
write nowhere. `venue_usable_by` is the rule for the venues (阵地) a record may name.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.orgs import tree
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit, OrgUnitChange, Venue, path_range_q

_NOTHING = Q(pk__in=[])


def _has_scope(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.has_business_scope


def user_org(user: User) -> OrgUnit:
    """The unit of a user with a business scope (`has_business_scope` implies an org), for the
    callers that have checked the scope; PermissionDenied for a user without one."""
    if user.org is None:
        raise PermissionDenied
    return user.org


def scope_q(*, user: User, field: str = "org") -> Q:
    """Q over a model whose `field` points at an OrgUnit (field="" for OrgUnit itself)."""
    if not _has_scope(user):
        return _NOTHING
    return path_range_q(user_org(user), f"{field}__" if field else "")


def scope_covers(*, user: User, org: OrgUnit) -> bool:
    """Whether scope_q(user) holds for every unit of org's subtree: a selector filtering to
    that subtree may then leave the scope condition out."""
    return _has_scope(user) and user_org(user).contains(org)


def may_write_at(*, user: User, org: OrgUnit, cadre_only: bool = False) -> bool:
    """Whether `user` may change records kept at `org`: a writing role (only a cadre with
    `cadre_only`) whose unit is `org` or one of its ancestors. The one write rule: services
    raise PermissionDenied when it fails, views ask it before offering an action."""
    return may_write_at_path(user=user, path=org.path, cadre_only=cadre_only)


def may_write_at_path(*, user: User, path: str, cadre_only: bool = False) -> bool:
    """`may_write_at` for a unit known only by its path: the bulk checks of an import, which
    read thousands of rows as values rather than as OrgUnit instances."""
    if not (_has_scope(user) and user.can_write):
        return False
    if cadre_only and user.role != Role.CADRE:
        return False
    return tree.within(path, user_org(user).path)


def check_write_at(*, user: User | None, org: OrgUnit, cadre_only: bool = False) -> None:
    """PermissionDenied unless `may_write_at` holds (None: the system itself, e.g. cron)."""
    if user is not None and not may_write_at(user=user, org=org, cadre_only=cadre_only):
        raise PermissionDenied


def venue_usable_by(*, user: User | None, org: OrgUnit, venue: Venue) -> bool:
    """Whether a record kept at `org` may take place at `venue`: an active venue of `org`, of
    one of its ancestors or of a unit below it, and (for a user; None is the system itself) in
    the user's own subtree: a unit above her is not hers to book."""
    if not venue.is_active:
        return False
    if not (org.contains(venue.org) or venue.org.contains(org)):
        return False
    return user is None or (_has_scope(user) and user_org(user).contains(venue.org))


def venues_usable_q(*, user: User, org: OrgUnit) -> Q:
    """`venue_usable_by` as a Q over Venue, for the choices a form offers."""
    ancestors = Q(org__path__in=tree.ancestor_paths(org.path))
    return (
        scope_q(user=user, field="org") & (org.subtree_q("org__") | ancestors) & Q(is_active=True)
    )


def org_list_visible(*, user: User, include_inactive: bool = False) -> QuerySet[OrgUnit]:
    units = OrgUnit.objects.filter(scope_q(user=user, field=""))
    return units if include_inactive else units.filter(is_active=True)


def org_get_for_user(*, user: User, org_id: int, for_write: bool = False) -> OrgUnit:
    """Fetch-and-check: the org if `user` may see it (404 otherwise, the same as a missing
    one), and, with `for_write`, may change records there (403 for read-only roles)."""
    try:
        org = org_list_visible(user=user, include_inactive=True).get(pk=org_id)
    except OrgUnit.DoesNotExist:
        raise Http404 from None
    if for_write and not may_write_at(user=user, org=org):
        raise PermissionDenied
    return org


def org_breadcrumbs(*, user: User, org: OrgUnit) -> list[OrgUnit]:
    """Ancestors of `org` that `user` may see, root first, then `org` itself."""
    ids = tree.ids_in_path(org.path)
    visible = {
        o.pk: o for o in org_list_visible(user=user, include_inactive=True).filter(pk__in=ids)
    }
    return [visible[pk] for pk in ids if pk in visible]


def org_children(*, org: OrgUnit) -> QuerySet[OrgUnit]:
    """Active children, each with the number of its own active children (one query)."""
    return (
        org.children.filter(is_active=True)
        .annotate(child_count=Count("children", filter=Q(children__is_active=True)))
        .order_by("kind", "code", "name")
    )


def org_subtree_kind_counts(*, org: OrgUnit) -> dict[str, int]:
    """How many active units of each kind lie below `org` (itself excluded)."""
    rows = (
        OrgUnit.objects.filter(org.subtree_q(), is_active=True)
        .exclude(pk=org.pk)
        .values("kind")
        .annotate(n=Count("id"))
    )
    counts = {row["kind"]: row["n"] for row in rows}
    return {kind.value: counts[kind.value] for kind in Kind if counts.get(kind.value)}


def _filter_units(units: QuerySet[OrgUnit], *, kind: str, query: str) -> QuerySet[OrgUnit]:
    if kind:
        units = units.filter(kind=kind)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__startswith=query))
    return units


def org_subtree_units(
    *, user: User, org: OrgUnit, kind: str = "", query: str = ""
) -> QuerySet[OrgUnit]:
    """Visible units below `org` (itself excluded), by kind and name or code prefix."""
    units = org_list_visible(user=user).filter(org.subtree_q()).exclude(pk=org.pk)
    return _filter_units(units, kind=kind, query=query).select_related("parent")


def org_list_filtered(
    *, user: User, parent: OrgUnit | None = None, kind: str = "", query: str = ""
) -> QuerySet[OrgUnit]:
    """Visible units, optionally only the direct children of `parent`."""
    units = org_list_visible(user=user)
    if parent is not None:
        units = units.filter(parent=parent)
    return _filter_units(units, kind=kind, query=query)


def venue_list(*, org: OrgUnit) -> QuerySet[Venue]:
    return org.venues.filter(is_active=True)


def org_history(*, org: OrgUnit) -> QuerySet[OrgUnitChange]:
    return org.changes.select_related("actor")


def org_find_by_code(*, user: User, code: str) -> OrgUnit | None:
    """An active unit in `user`'s scope with this code, or None (missing and hidden alike)."""
    if not code:
        return None
    return org_list_visible(user=user).filter(code=code).first()
