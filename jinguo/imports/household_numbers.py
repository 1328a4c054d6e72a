"""Household numbers (户号) for a roster without a 户号 column.

Such a file is read in groups: a row whose relation is 户主 starts a household and the rows
below it are its members (households.HouseholdImport). Each group is keyed by a placeholder
until the database is read; then it takes a number:

* the number of the stored household its head lives in as its head, so that importing the
  same file again finds the same households and changes nothing;
* otherwise the next free number of its grid, as the new-household form offers it
  (households.numbers.household_next_number: the grid's series, e.g. WS-003), continued in
  file order for the grid's other new households; never a stored number nor one given to
  another household of the file. A grid without a series to continue starts «<grid code>-001».
"""

from collections.abc import Iterable

from jinguo.households.models import Household, Resident
from jinguo.households.numbers import household_next_number, split_number
from jinguo.imports import bulk
from jinguo.imports.household_state import HouseholdDraft
from jinguo.imports.persons import PersonNow
from jinguo.orgs.models import OrgUnit

_NEW_WIDTH = 3


def placeholder(row: int) -> str:
    """The key of the household started on `row` until it has a number: cells.compact removes
    every space, so no 户号 read from a cell can be one."""
    return f"row {row}"


def assign_numbers(
    drafts: dict[str, HouseholdDraft],
    *,
    known_persons: dict[str, PersonNow],
    residences: dict[int, tuple[int, int, str, str]],
) -> dict[str, HouseholdDraft]:
    """The drafts keyed by their numbers, in file order. A draft that can have none (no head
    read, no grid read: its row has an error already) keeps its placeholder."""
    stored = _stored_numbers(drafts.values(), known_persons, residences)
    claimed: set[str] = set()
    waiting: dict[int, list[HouseholdDraft]] = {}  # grid pk → its new households, in file order
    for draft in drafts.values():
        number = stored.get(draft.first_row)
        if number is not None and number not in claimed:
            draft.number = number
            claimed.add(number)
        elif draft.grid is not None:
            waiting.setdefault(draft.grid.pk, []).append(draft)
    grids = OrgUnit.objects.in_bulk(list(waiting))
    for grid_pk, new in waiting.items():
        for draft, number in zip(
            new, _free_numbers(grids[grid_pk], len(new), claimed), strict=True
        ):
            draft.number = number
    return {draft.number: draft for draft in drafts.values()}


def _stored_numbers(
    drafts: Iterable[HouseholdDraft],
    known_persons: dict[str, PersonNow],
    residences: dict[int, tuple[int, int, str, str]],
) -> dict[int, str]:
    """{draft's first row: the number of the stored household its head heads}."""
    household_of: dict[int, int] = {}
    for draft in drafts:
        if not draft.head_hash:
            continue
        person = known_persons.get(draft.head_hash)
        residence = residences.get(person.pk) if person is not None else None
        if residence is not None and residence[3] == Resident.Relation.HEAD:
            household_of[draft.first_row] = residence[1]
    numbers: dict[int, str] = {}
    for chunk in bulk.chunks(sorted(set(household_of.values()))):
        numbers.update(Household.objects.filter(pk__in=chunk).values_list("pk", "number"))
    return {row: numbers[pk] for row, pk in household_of.items()}


def _free_numbers(grid: OrgUnit, count: int, taken: set[str]) -> list[str]:
    """`count` numbers continuing the grid's series, none stored nor in `taken` (which grows)."""
    parts = split_number(household_next_number(grid=grid))
    prefix, serial, width = parts or (f"{grid.code or grid.pk}-", 1, _NEW_WIDTH)
    found: list[str] = []
    while len(found) < count:
        batch: list[str] = []
        while len(batch) < count - len(found):
            candidate = f"{prefix}{serial:0{width}d}"
            serial += 1
            if candidate not in taken:
                batch.append(candidate)
        stored: set[str] = set()
        for chunk in bulk.chunks(batch):
            stored.update(
                Household.objects.filter(number__in=chunk).values_list("number", flat=True)
            )
        for candidate in batch:
            if candidate not in stored:
                found.append(candidate)
                taken.add(candidate)
    return found
