"""The history of a household: each change to the ledger leaves a HouseholdChange row and its
audit row (households.services, households.assignments)."""

from typing import Any

from jinguo.accounts.models import User
from jinguo.audit import history
from jinguo.households.models import Household, HouseholdChange


def household_snapshot(household: Household) -> dict[str, Any]:
    # Grid names, not ids: the history is read by people (the tree keeps its own history).
    return {
        "number": household.number,
        "grid": household.grid.name,
        "address": household.address,
        "living_grid": household.living_grid.name if household.living_grid else None,
        "living_address": household.living_address,
        "note": household.note,
    }


def record_change(
    *,
    household: Household,
    action: str,
    actor: User | None,
    old: dict[str, Any],
    new: dict[str, Any],
    note: str = "",
) -> None:
    history.record_change(
        HouseholdChange,
        target=household,
        actor=actor,
        action=action,
        audit_action=f"household.{action}",
        note=note,
        old=old,
        new=new,
    )
