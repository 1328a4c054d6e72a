"""Writing a checked household roster: set-based inserts and updates, with the history rows.

Only what differs from the database is written, in one transaction (the caller's), with
executemany (see imports.bulk).
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.households.models import (
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    HouseholdChange,
    Resident,
)
from jinguo.households.plan import plan_refresh
from jinguo.households.tokens import category_token, category_tokens
from jinguo.imports import bulk, persons
from jinguo.imports.counts import Counts
from jinguo.imports.household_state import HouseholdDraft, HouseholdNow
from jinguo.imports.scope import Unit
from jinguo.people.models import PersonChange


class HouseholdWriter:
    """Writes the households of a checked file; `person_ids` maps every member's ID-number hash
    to her person (known or just inserted)."""

    def __init__(
        self,
        *,
        households: dict[str, HouseholdDraft],
        known_households: dict[str, HouseholdNow],
        residences: dict[int, tuple[int, int, str, str]],
        units: dict[int, Unit],
        actor_id: int,
        person_ids: dict[str, int],
    ) -> None:
        self.households = households
        self.known_households = known_households
        self.residences = residences
        self.units = units
        self.person_ids = person_ids
        self.actor_id = actor_id
        self.now = timezone.now()
        self.at = bulk.datetime_param(self.now)
        self.today = bulk.date_param(timezone.localdate())
        self.note = _("导入")
        self.history: list[tuple[Any, ...]] = []

    def write(self) -> tuple[Counts, set[int]]:
        counts = Counts()
        new = [h for h in self.households.values() if h.number not in self.known_households]
        ids = self._insert_households(new)
        counts.created = len(new)
        ids.update((number, now.pk) for number, now in self.known_households.items())
        changed: set[int] = set()
        self._update_households(changed)
        moved = self._residents(ids, changed)
        self._categories(ids, changed)
        self._assignments(ids, changed)
        for household in new:
            self.history.append(
                self._change(ids[household.number], {}, self._created_view(household))
            )
        bulk.insert(
            HouseholdChange,
            ("household", "actor", "at", "action", "old", "new", "note"),
            self.history,
        )
        counts.updated = len(changed)
        counts.unchanged = len(self.known_households) - len(changed)
        return counts, moved

    def _change(
        self, household_id: int, old: dict[str, Any], new: dict[str, Any]
    ) -> tuple[Any, ...]:
        return (
            household_id,
            self.actor_id,
            self.at,
            "import",
            bulk.json_param(old),
            bulk.json_param(new),
            self.note,
        )

    def _head_id(self, household: HouseholdDraft) -> int | None:
        return self.person_ids[household.head.person.id_hash] if household.head else None

    def _insert_households(self, new: list[HouseholdDraft]) -> dict[str, int]:
        fields = (
            "number",
            "grid",
            "living_grid",
            "address",
            "living_address",
            "head",
            "note",
            "is_active",
            "created_at",
            "updated_at",
        )
        rows = (
            (
                h.number,
                h.grid.pk if h.grid else None,
                h.living_grid.pk if h.living_grid else None,
                h.address,
                h.living_address,
                self._head_id(h),
                h.note[:500],
                True,
                self.at,
                self.at,
            )
            for h in new
        )
        return bulk.insert_keyed(
            Household, fields, rows, key="number", keys=[h.number for h in new]
        )

    def _created_view(self, household: HouseholdDraft) -> dict[str, Any]:
        view: dict[str, Any] = {"number": household.number}
        if household.grid:
            view["grid"] = household.grid.code or household.grid.name
        if household.living_grid:
            view["living_grid"] = household.living_grid.code or household.living_grid.name
        for key in ("address", "living_address", "note"):
            if getattr(household, key):
                view[key] = getattr(household, key)
        view["members"] = len(household.members)
        return view

    def _update_households(self, changed: set[int]) -> None:
        fields = (
            "grid",
            "living_grid",
            "address",
            "living_address",
            "head",
            "note",
            "is_active",
            "updated_at",
        )
        rows = []
        for household in self.households.values():
            now = self.known_households.get(household.number)
            if now is None:
                continue
            old, new, values = self._household_diff(household, now)
            if new:
                rows.append((*values, self.at, now.pk))
                self.history.append(self._change(now.pk, old, new))
                changed.add(now.pk)
        bulk.update(Household, fields, rows)

    def _household_diff(
        self, household: HouseholdDraft, now: HouseholdNow
    ) -> tuple[dict[str, Any], dict[str, Any], tuple[Any, ...]]:
        units = self.units
        grid_id = household.grid.pk if household.grid else now.grid_id
        living_id = household.living_grid.pk if household.living_grid else now.living_grid_id
        head_id = self._head_id(household) or now.head_id
        wanted = {
            "grid": grid_id,
            "living_grid": living_id,
            "address": household.address or now.address,
            "living_address": household.living_address or now.living_address,
            "head": head_id,
            "note": (household.note or now.note)[:500],
            "is_active": True,
        }
        current = {
            "grid": now.grid_id,
            "living_grid": now.living_grid_id,
            "address": now.address,
            "living_address": now.living_address,
            "head": now.head_id,
            "note": now.note,
            "is_active": now.is_active,
        }
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for key, value in wanted.items():
            if value != current[key]:
                old[key], new[key] = current[key], value
                if key in ("grid", "living_grid"):
                    old[key] = _unit_label(units, current[key])
                    new[key] = _unit_label(units, value)
        return old, new, tuple(wanted.values())

    def _residents(self, ids: dict[str, int], changed: set[int]) -> set[int]:
        """Insert residents, move those who now live in another household; the persons moved."""
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        moved: set[int] = set()
        moves: list[tuple[Any, ...]] = []
        residences = self.residences
        for household in self.households.values():
            household_id = ids[household.number]
            for member in household.members:
                person_id = self.person_ids[member.person.id_hash]
                current = residences.get(person_id)
                if current is None:
                    inserts.append((household_id, person_id, member.relation))
                    if household.number in self.known_households:
                        changed.add(household_id)  # a new member
                    continue
                resident_id, old_household, _path, relation = current
                if (old_household, relation) != (household_id, member.relation):
                    updates.append((household_id, member.relation, resident_id))
                    moved.add(person_id)
                    moves.append(
                        (
                            person_id,
                            self.actor_id,
                            self.at,
                            "import",
                            bulk.json_param({"household": old_household, "relation": relation}),
                            bulk.json_param(
                                {"household": household_id, "relation": member.relation}
                            ),
                            self.note,
                        )
                    )
                    if household.number in self.known_households:
                        changed.add(household_id)
        bulk.insert(Resident, ("household", "person", "relation"), inserts)
        bulk.update(Resident, ("household", "relation"), updates)
        bulk.insert(PersonChange, persons.CHANGE_FIELDS, moves)
        return moved

    def _categories(self, ids: dict[str, int], changed: set[int]) -> None:
        inserts: list[tuple[int, int]] = []
        removals: list[tuple[int, int]] = []
        for household in self.households.values():
            if household.categories is None:
                continue
            now = self.known_households.get(household.number)
            current = now.categories if now else set()
            household_id = ids[household.number]
            added = household.categories - current
            removed = current - household.categories
            inserts += [(household_id, category) for category in sorted(added)]
            removals += [(household_id, category) for category in sorted(removed)]
            if now is not None and (added or removed):
                changed.add(household_id)
                self.history.append(
                    self._change(
                        household_id,
                        {"categories": category_tokens(sorted(current))},
                        {"categories": category_tokens(sorted(household.categories))},
                    )
                )
        bulk.insert(
            HouseholdCategory,
            ("household", "token"),
            [(household_id, category_token(pk)) for household_id, pk in inserts],
        )
        _delete_pairs(removals)
        # The stored visit plan of every household whose categories changed: set-based, once
        # for the whole file (plan_refresh chunks the ids itself).
        touched = {household_id for household_id, _category in inserts + removals}
        if touched:
            plan_refresh(household_ids=touched)

    def _assignments(self, ids: dict[str, int], changed: set[int]) -> None:
        ended: list[tuple[Any, ...]] = []
        opened: list[tuple[Any, ...]] = []
        for household in self.households.values():
            if household.executive_id is None:
                continue
            now = self.known_households.get(household.number)
            current = now.assignment if now else None
            if current is not None and current[1] == household.executive_id:
                continue
            household_id = ids[household.number]
            reason = _("导入：包保交接") if current else _("导入：包保")
            if current is not None:
                ended.append((self.today, current[0]))
            opened.append(
                (
                    household_id,
                    household.executive_id,
                    HouseholdAssignment.Kind.RESPONSIBLE,
                    self.today,
                    self.actor_id,
                    reason,
                    self.at,
                )
            )
            if now is not None:
                changed.add(household_id)
                self.history.append(
                    self._change(
                        household_id,
                        {"executive": current[1] if current else None},
                        {"executive": household.executive_id},
                    )
                )
        bulk.update(HouseholdAssignment, ("end_date",), ended)
        bulk.insert(
            HouseholdAssignment,
            ("household", "executive", "kind", "start_date", "assigned_by", "reason", "created_at"),
            opened,
        )


def _unit_label(units: dict[int, Unit], pk: object) -> str | None:
    if not isinstance(pk, int):
        return None
    unit = units.get(pk)
    return (unit.code or unit.name) if unit else str(pk)


def _delete_pairs(pairs: list[tuple[int, int]]) -> None:
    by_household: dict[int, list[int]] = {}
    for household_id, category_id in pairs:
        by_household.setdefault(household_id, []).append(category_id)
    for household_id, categories in by_household.items():
        HouseholdCategory.objects.filter(
            household_id=household_id, token__in=category_tokens(categories)
        ).delete()
