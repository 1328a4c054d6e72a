"""The common frame of the assessments writes (services, appeals, allowances): who may write,
the history row and the audit row of a change, and amounts in yuan."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.audit.history import record_change
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at

CENT = Decimal("0.01")


def yuan(value: Decimal | int | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


# --- the common frame ------------------------------------------------------------------------


def _check_actor(actor: User | None, org: OrgUnit) -> None:
    """The actor may write at `org` (None: the system itself)."""
    check_write_at(user=actor, org=org)


def _check_cadre(actor: User | None, org: OrgUnit) -> None:
    """Schemes, rounds, scores and statements: a cadre of `org` or above."""
    _check_actor(actor, org)
    if actor is not None and actor.role != Role.CADRE:
        raise PermissionDenied


def _audit(
    *,
    actor: User | None,
    action: str,
    target: Model,
    history: Any,
    link: dict[str, Model],
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    note: str = "",
) -> None:
    old, new = old or {}, new or {}
    (owner,) = link.values()
    record_change(
        history,
        target=owner,
        actor=actor,
        action=action,
        audit_action=f"assessments.{action}",
        note=note,
        old=old,
        new=new,
        changes={key: [old.get(key), new.get(key)] for key in sorted({*old, *new})},
        audit_target=target,
    )


def _nearest(rows: Iterable[Any], org_path_of: Any) -> Any:
    """The row whose org is deepest (nearest ancestor of the unit)."""
    return max(rows, key=lambda row: len(org_path_of(row)), default=None)
