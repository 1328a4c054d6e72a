"""The household roster as the file says it and as the database holds it.

HouseholdDraft is what the rows of one 户号 say (blank cells say nothing); HouseholdNow is the
stored household, loaded for the whole file in a few set-based queries.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from jinguo.households.models import (
    Category,
    Household,
    HouseholdAssignment,
    Resident,
    links_by_household,
)
from jinguo.imports import bulk, cells
from jinguo.imports.persons import PersonIn
from jinguo.imports.scope import Unit


@dataclass(slots=True)
class Member:
    row: int
    person: PersonIn
    relation: str


@dataclass(slots=True)
class HouseholdDraft:
    """A household as the rows of the file say it. Checking keeps only this (no member) for
    every household of the file: a county's third of a million households. Writing reads the
    rows again and fills in `members` and `head` one chunk of households at a time
    (households.HouseholdImport.complete)."""

    number: str
    first_row: int
    grid: Unit | None = None
    grid_written: bool = False
    living_grid: Unit | None = None
    address: str = ""
    living_address: str = ""
    note: str = ""
    categories: frozenset[int] | None = None  # None: no category written for this household
    executive: str = ""  # as written; resolved once the grid is known
    executive_id: int | None = None
    last_row: int = 0  # its last row in the file: complete once writing has read it
    head_row: int = 0  # the 户主's row, 0 when none is read
    head_hash: str = ""  # her ID number's blind index
    stored_grid: Unit | None = None  # the grid the database has, for a household stored
    head: Member | None = None  # when writing
    members: list[Member] = field(default_factory=list)  # when writing
    # Which row set each household column first, to name it when another row disagrees; only
    # rows other than the first are kept (most households say everything on their first row).
    set_on: dict[str, int] | None = None
    generated: bool = False  # no 户号 column: numbered once the database is read

    def mark(self, key: str, row: int) -> None:
        if row != self.first_row:
            if self.set_on is None:
                self.set_on = {}
            self.set_on[key] = row

    def row_of(self, key: str) -> int:
        return self.set_on.get(key, self.first_row) if self.set_on else self.first_row

    def let_go(self) -> None:
        """Written: its members leave memory (writing keeps a county's households, not rows)."""
        self.members.clear()
        self.head = None

    @property
    def executive_row(self) -> int:
        return self.row_of("executive")


@dataclass(slots=True)
class HouseholdNow:
    pk: int
    grid_id: int
    grid_path: str
    living_grid_id: int | None
    address: str
    living_address: str
    head_id: int | None
    note: str
    is_active: bool
    categories: set[int] = field(default_factory=set)
    assignment: tuple[int, int] | None = None  # the open 包保 row: (pk, executive pk)


def category_lookup() -> dict[str, int]:
    lookup: dict[str, int] = {}
    for pk, code, name in Category.objects.filter(is_active=True).values_list("pk", "code", "name"):
        lookup[cells.compact(name)] = pk  # split_list folds what the cell says the same way
        lookup[cells.compact(code)] = pk
    return lookup


def residences_of(person_ids: Iterable[int]) -> dict[int, tuple[int, int, str, str]]:
    """{person pk: (resident pk, household pk, household's grid path, relation)}."""
    wanted = sorted(set(person_ids))
    found: dict[int, tuple[int, int, str, str]] = {}
    for chunk in bulk.chunks(wanted):
        rows = Resident.objects.filter(person_id__in=chunk).values_list(
            "person_id", "pk", "household_id", "household__grid__path", "relation"
        )
        for person_id, pk, household_id, grid_path, relation in rows:
            found[person_id] = (pk, household_id, grid_path, relation)
    return found


def households_stored(drafts: dict[str, HouseholdDraft]) -> dict[str, tuple[int, str]]:
    """{number: (grid pk, grid path)} of the file's households already stored."""
    found: dict[str, tuple[int, str]] = {}
    for chunk in bulk.chunks(list(drafts)):
        rows = Household.objects.filter(number__in=chunk).values_list(
            "number", "grid_id", "grid__path"
        )
        found.update((number, (grid_id, path)) for number, grid_id, path in rows)
    return found


def households_now(drafts: dict[str, HouseholdDraft]) -> dict[str, HouseholdNow]:
    found: dict[str, HouseholdNow] = {}
    fields = (
        "number",
        "pk",
        "grid_id",
        "grid__path",
        "living_grid_id",
        "address",
        "living_address",
        "head_id",
        "note",
        "is_active",
    )
    for chunk in bulk.chunks(sorted(drafts)):
        for number, *values in Household.objects.filter(number__in=chunk).values_list(*fields):
            found[number] = HouseholdNow(*values)
    by_pk = {now.pk: now for now in found.values()}
    for chunk in bulk.chunks(sorted(by_pk)):
        for household_id, category_ids in links_by_household(chunk).items():
            by_pk[household_id].categories |= category_ids
        open_rows = HouseholdAssignment.objects.filter(
            household_id__in=chunk,
            kind=HouseholdAssignment.Kind.RESPONSIBLE,
            end_date__isnull=True,
        ).order_by("start_date", "pk")
        for pk, household_id, executive_id in open_rows.values_list(
            "pk", "household_id", "executive_id"
        ):
            by_pk[household_id].assignment = (pk, executive_id)
    return found
