"""Writing a checked household roster: set-based inserts and updates, with the history rows.

Only what differs from the database is written, in one transaction (the caller's), with
executemany (see imports.bulk).
"""

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jinguo.households.models import (
    Category,
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    Resident,
)
from jinguo.households.plan import plan_refresh
from jinguo.households.tokens import category_token, category_tokens
from jinguo.imports import bulk
from jinguo.imports.counts import Counts
from jinguo.imports.history import History
from jinguo.imports.household_state import HouseholdDraft, HouseholdNow
from jinguo.imports.scope import Unit
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person

RESPONSIBLE = HouseholdAssignment.Kind.RESPONSIBLE


class HouseholdWriter:
    """Writes the households of a checked file; `person_ids` maps every member's ID-number hash
    to her person (known or just inserted). Every change leaves in `history` the rows the
    households.services function making it would leave."""

    def __init__(
        self,
        *,
        households: dict[str, HouseholdDraft],
        known_households: dict[str, HouseholdNow],
        residences: dict[int, tuple[int, int, str, str]],
        units: dict[int, Unit],
        history: History,
        person_ids: dict[str, int],
    ) -> None:
        self.households = households
        self.known_households = known_households
        self.residences = residences
        self.units = units
        self.person_ids = person_ids
        self.history = history
        self.actor_id = history.actor.pk
        self.at = history.at
        self.today = timezone.localdate()
        self.numbers: dict[int, str] = {}

    def write(self) -> tuple[Counts, set[int]]:
        counts = Counts()
        new = [h for h in self.households.values() if h.number not in self.known_households]
        ids = self._insert_households(new)
        counts.created = len(new)
        ids.update((number, now.pk) for number, now in self.known_households.items())
        self.numbers = {pk: number for number, pk in ids.items()}
        for household in new:
            self._record(ids[household.number], "create", {}, self._created_view(household))
        changed: set[int] = set()
        self._update_households(changed)
        moved = self._residents(ids, changed)
        self._categories(ids, changed)
        self._assignments(ids, changed)
        counts.updated = len(changed)
        # Of the stored households this writer was given (a chunk of the file: imports.writing).
        known = sum(1 for number in self.households if number in self.known_households)
        counts.unchanged = known - len(changed)
        return counts, moved

    def _record(
        self,
        household_id: int,
        action: str,
        old: dict[str, Any],
        new: dict[str, Any],
        note: str | None = None,
    ) -> None:
        self.history.household(
            pk=household_id,
            number=self.numbers[household_id],
            action=action,
            old=old,
            new=new,
            note=note,
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

    def _unit_name(self, pk: int | None) -> str | None:
        if pk is None:
            return None
        unit = self.units.get(pk)
        if unit is None:  # a living grid outside the importing scope: rare, read it
            return OrgUnit.objects.values_list("name", flat=True).get(pk=pk)
        return unit.name

    def _snapshot(self, number: str, values: dict[str, Any]) -> dict[str, Any]:
        """households.history.household_snapshot of a household with these column values."""
        living_id = values["living_grid"]
        return {
            "number": number,
            "grid": self._unit_name(values["grid"]),
            "address": values["address"],
            "living_grid": self._unit_name(living_id),
            "living_address": values["living_address"],
            "note": values["note"],
        }

    def _created_view(self, household: HouseholdDraft) -> dict[str, Any]:
        return self._snapshot(
            household.number,
            {
                "grid": household.grid.pk if household.grid else None,
                "living_grid": household.living_grid.pk if household.living_grid else None,
                "address": household.address,
                "living_address": household.living_address,
                "note": household.note[:500],
            },
        )

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
            current, wanted = self._household_values(household, now)
            if wanted == current:
                continue
            rows.append((*wanted.values(), self.at, now.pk))
            changed.add(now.pk)
            self._record_update(now.pk, household.number, current, wanted)
        bulk.update(Household, fields, rows)

    def _record_update(
        self, household_id: int, number: str, current: dict[str, Any], wanted: dict[str, Any]
    ) -> None:
        """As household_update (home grid, address, note) and then household_relocate (where
        the family lives): the whole snapshot before and after each, when it differs. A new
        head alone is told by the resident_add row."""
        home = {**current, **{k: wanted[k] for k in ("grid", "address", "note", "is_active")}}
        old = self._snapshot(number, current)
        middle = self._snapshot(number, home)
        if current["is_active"] != wanted["is_active"]:
            old["is_active"], middle["is_active"] = current["is_active"], wanted["is_active"]
        if old != middle:
            self._record(household_id, "update", old, middle)
        new = self._snapshot(number, wanted)
        if "is_active" in middle:
            new["is_active"] = middle["is_active"]
        if new != middle:
            self._record(household_id, "relocate", middle, new)

    def _household_values(
        self, household: HouseholdDraft, now: HouseholdNow
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The stored columns now, and as the file wants them (a blank cell keeps what is)."""
        grid_id = household.grid.pk if household.grid else now.grid_id
        living_id = household.living_grid.pk if household.living_grid else now.living_grid_id
        wanted = {
            "grid": grid_id,
            "living_grid": living_id,
            "address": household.address or now.address,
            "living_address": household.living_address or now.living_address,
            "head": self._head_id(household) or now.head_id,
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
        return current, wanted

    def _residents(self, ids: dict[str, int], changed: set[int]) -> set[int]:
        """Insert residents, move those who now live in another household; the persons moved.
        History as the services tell it: resident_add, and for a move (or a new relation)
        resident_remove from the household left first."""
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        moved: set[int] = set()
        removed: list[tuple[int, str, str]] = []  # (household left, person's name, relation)
        added: list[tuple[int, str, str]] = []
        for household in self.households.values():
            household_id = ids[household.number]
            for member in household.members:
                person_id = self.person_ids[member.person.id_hash]
                current = self.residences.get(person_id)
                if current is None:
                    inserts.append((household_id, person_id, member.relation))
                    added.append((household_id, member.person.name, member.relation))
                    if household.number in self.known_households:
                        changed.add(household_id)  # a new member
                    continue
                resident_id, old_household, _path, relation = current
                if (old_household, relation) != (household_id, member.relation):
                    updates.append((household_id, member.relation, resident_id))
                    moved.add(person_id)
                    removed.append((old_household, member.person.name, relation))
                    added.append((household_id, member.person.name, member.relation))
                    if household.number in self.known_households:
                        changed.add(household_id)
        bulk.insert(Resident, ("household", "person", "relation"), inserts)
        bulk.update(Resident, ("household", "relation"), updates)
        self._learn_numbers(pk for pk, _name, _relation in removed)
        for household_id, name, relation in removed:
            self._record(household_id, "resident_remove", _resident_view(name, relation), {})
        for household_id, name, relation in added:
            self._record(household_id, "resident_add", {}, _resident_view(name, relation))
        return moved

    def _learn_numbers(self, household_ids: Iterable[int]) -> None:
        """The 户号 of households the file does not name (left by a member who moved)."""
        missing = sorted({pk for pk in household_ids if pk not in self.numbers})
        for chunk in bulk.chunks(missing):
            self.numbers.update(Household.objects.filter(pk__in=chunk).values_list("pk", "number"))

    def _categories(self, ids: dict[str, int], changed: set[int]) -> None:
        inserts: list[tuple[int, int]] = []
        removals: list[tuple[int, int]] = []
        order = dict(Category.objects.values_list("pk", "sort_order"))

        def tokens(pks: Iterable[int]) -> list[str]:  # households.tokens.in_order's order
            return category_tokens(sorted(pks, key=lambda pk: (order.get(pk, 0), pk)))

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
            if added or removed:
                if now is not None:
                    changed.add(household_id)
                # As household_set_categories: tokens, never names.
                self._record(
                    household_id,
                    "categories",
                    {"categories": tokens(current)},
                    {"categories": tokens(household.categories)},
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
        told: list[tuple[int, int | None, int, str]] = []  # household, ended, opened, reason
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
                ended.append((bulk.date_param(self.today), current[0]))
            opened.append(
                (
                    household_id,
                    household.executive_id,
                    RESPONSIBLE,
                    bulk.date_param(self.today),
                    self.actor_id,
                    reason,
                    self.at,
                )
            )
            told.append(
                (household_id, current[1] if current else None, household.executive_id, reason)
            )
            if now is not None:
                changed.add(household_id)
        bulk.update(HouseholdAssignment, ("end_date",), ended)
        bulk.insert(
            HouseholdAssignment,
            ("household", "executive", "kind", "start_date", "assigned_by", "reason", "created_at"),
            opened,
        )
        names = _names({pk for _h, was, new, _r in told for pk in (was, new) if pk is not None})
        for household_id, was, executive_id, reason in told:
            # As household_assign: the names ended and opened, the start date, the reason.
            self._record(
                household_id,
                "handover" if was is not None else "assign",
                {"kind": RESPONSIBLE, "executive": [names[was]] if was is not None else []},
                {
                    "kind": RESPONSIBLE,
                    "executive": [names[executive_id]],
                    "start_date": self.today.isoformat(),
                },
                note=reason,
            )


def _resident_view(name: str, relation: str) -> dict[str, Any]:
    return {"person": name, "relation": _relation_label(relation, get_language())}


@lru_cache(maxsize=64)
def _relation_label(relation: str, language: str | None) -> str:
    """The relation's label in the active language (translated once, not once a resident)."""
    return str(Resident.Relation(relation).label)


def _names(person_ids: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in bulk.chunks(sorted(person_ids)):
        found.update(Person.objects.filter(pk__in=chunk).values_list("pk", "name"))
    return found


def _delete_pairs(pairs: list[tuple[int, int]]) -> None:
    by_household: dict[int, list[int]] = {}
    for household_id, category_id in pairs:
        by_household.setdefault(household_id, []).append(category_id)
    for household_id, categories in by_household.items():
        HouseholdCategory.objects.filter(
            household_id=household_id, token__in=category_tokens(categories)
        ).delete()
