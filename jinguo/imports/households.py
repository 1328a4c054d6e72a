"""Import of the households roster (家庭成员花名册): one row per resident.

Checking reads every row and compares the file with the database in a few set-based queries;
nothing is written until every row is correct. Writing then inserts and updates only what
differs, in one transaction, with executemany (see imports.bulk), and leaves the history the
services would: PersonChange and HouseholdChange rows, HouseholdAssignment rows for 包保 (a
changed executive ends the open row and opens another: a handover dated today), and one audit
record. Households are matched by 户号 and persons by ID number, so importing the same file
again changes nothing.

A blank cell keeps what is known; household columns (户号 … 备注) may be filled on one row of
the household only (or on all, alike).
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.common.crypto import blind_index
from jinguo.households.models import (
    Category,
    GridAssignment,
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    HouseholdChange,
    Resident,
    links_by_household,
)
from jinguo.households.plan import plan_refresh
from jinguo.households.tokens import category_token, category_tokens
from jinguo.imports import bulk, cells, persons
from jinguo.imports.persons import PersonIn
from jinguo.imports.rosters import HOUSEHOLD_COLUMNS, HOUSEHOLD_REQUIRED, RELATION_ALIASES
from jinguo.imports.scope import ImportScope, Unit
from jinguo.imports.sheet import Sheet, is_blank
from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import scope_q
from jinguo.people.models import ExecutiveSeat, PersonChange

COLUMNS = HOUSEHOLD_COLUMNS
REQUIRED = HOUSEHOLD_REQUIRED
PROGRESS_EVERY = 2000
_NAME_AND_TAIL = re.compile(r"^(.+?)[(（](\d{3}[\dX])[)）]$")
_TAIL = re.compile(r"^\d{3}[\dX]$")
_KEYS = tuple(column.key for column in COLUMNS)
# Headers name columns in messages: they are the file's own words, Chinese in every language.
_HEADERS = {column.key: column.header for column in COLUMNS}

Progress = Callable[[int], None]
Errors = dict[int, list[str]]


@dataclass(slots=True)
class _Member:
    row: int
    person: PersonIn
    relation: str


@dataclass
class _Household:
    number: str
    first_row: int
    grid: Unit | None = None
    grid_written: bool = False
    living_grid: Unit | None = None
    address: str = ""
    living_address: str = ""
    note: str = ""
    categories: set[int] | None = None  # None: no category written for this household
    executive: str = ""  # as written; resolved once the grid is known
    executive_row: int = 0
    executive_id: int | None = None
    head: _Member | None = None
    members: list[_Member] = field(default_factory=list)
    # Which row set each household column first, to name it when another row disagrees.
    set_on: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class _HouseholdNow:
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


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


class HouseholdImport:
    """check() finds every error without writing; write() applies a file that has none."""

    def __init__(self, *, sheet: Sheet, actor: User, root: OrgUnit, progress: Progress) -> None:
        self.sheet = sheet
        self.actor = actor
        self.scope = ImportScope(user=actor, root=root)
        self.progress = progress
        self.errors: Errors = {}
        self.households: dict[str, _Household] = {}
        self.rows = 0
        self.columns = sheet.layout.columns
        self._categories = _category_lookup()
        self._category_cache: dict[str, set[int] | str] = {}
        self._seen_ids: dict[str, int] = {}
        # Columns the file lacks read a blank cell appended at the end of each row.
        self._width = max(self.columns.values()) + 1
        self._pick_cells = itemgetter(*(self.columns.get(key, self._width) for key in _KEYS))

    # -----------------------------------------------------------------------------------------
    # Checking

    def error(self, row: int, message: str) -> None:
        self.errors.setdefault(row, []).append(message)

    def check(self) -> Errors:
        for number, values in self.sheet:
            if is_blank(values):
                continue
            self.rows += 1
            if len(values) != self._width:  # rows wider or shorter than the header
                values = [*values[: self._width], *[""] * (self._width - len(values))]
            values.append("")
            self._read_row(number, dict(zip(_KEYS, self._pick_cells(values), strict=True)))
            if self.rows % PROGRESS_EVERY == 0:
                self.progress(self.rows)
        self.progress(self.rows)
        if not self.rows:
            self.error(0, _("表格中没有数据行"))
            return self.errors
        self._load_database()
        self._check_executives()
        return self.errors

    def _read_row(self, number: int, values: dict[str, Any]) -> None:
        household_number = cells.compact(values["number"])
        if not household_number:
            self.error(number, _("请填写户号"))
            return
        household = self.households.get(household_number)
        if household is None:
            household = _Household(number=household_number, first_row=number)
            self.households[household_number] = household
        self._read_household_columns(number, values, household)
        member = self._read_member(number, values, household)
        if member is not None:
            household.members.append(member)

    def _read_household_columns(
        self, number: int, values: dict[str, Any], household: _Household
    ) -> None:
        grid = cells.compact(values["grid"])
        if grid:
            household.grid_written = True
            self._set_unit(number, household, "grid", grid)
        living = cells.compact(values["living_grid"])
        if living:
            self._set_unit(number, household, "living_grid", living)
        for key in ("address", "living_address"):
            text = cells.text(values[key])
            if text:
                self._set_text(number, household, key, text)
        note = cells.text(values["note"])
        if note and note not in household.note.split("；"):
            household.note = f"{household.note}；{note}" if household.note else note
        categories = self._read_categories(number, values["categories"])
        if categories is not None:
            household.categories = (household.categories or set()) | categories
        executive = cells.text(values["executive"])
        if executive:
            self._set_text(number, household, "executive", executive)
            household.executive_row = household.set_on["executive"]

    def _set_unit(self, number: int, household: _Household, key: str, raw: str) -> None:
        try:
            unit = self.scope.grid(raw)
        except cells.CellError as exc:
            self.error(number, str(exc))
            return
        current = getattr(household, key)
        if current is None:
            setattr(household, key, unit)
            household.set_on[key] = number
        elif current != unit:
            self._conflict(number, household, key)

    def _set_text(self, number: int, household: _Household, key: str, text: str) -> None:
        current = getattr(household, key)
        if not current:
            setattr(household, key, text)
            household.set_on[key] = number
        elif current != text:
            self._conflict(number, household, key)

    def _conflict(self, number: int, household: _Household, key: str) -> None:
        self.error(
            number,
            _("同一户号%(household)s的%(label)s与第%(row)d行不一致")
            % {"household": household.number, "label": _HEADERS[key], "row": household.set_on[key]},
        )

    def _read_categories(self, number: int, value: object) -> set[int] | None:
        raw = cells.text(value)
        if not raw:
            return None
        found = self._category_cache.get(raw)
        if found is None:
            found = self._parse_categories(raw)
            self._category_cache[raw] = found
        if isinstance(found, str):
            self.error(number, found)
            return None
        return found

    def _parse_categories(self, raw: str) -> set[int] | str:
        found: set[int] = set()
        for part in cells.split_list(raw):
            pk = self._categories.get(part)
            if pk is None:
                known = "、".join(sorted(set(self._categories_names())))
                return _("未知的重点类别“%(value)s”。可填写：%(known)s") % {
                    "value": part,
                    "known": known,
                }
            found.add(pk)
        return found

    def _categories_names(self) -> list[str]:
        return list(Category.objects.filter(is_active=True).values_list("name", flat=True))

    def _read_member(
        self, number: int, values: dict[str, Any], household: _Household
    ) -> _Member | None:
        name = cells.name(values["name"])
        raw_id = values["id_number"]
        if not name and cells.text(raw_id) == "":
            return None  # a row about the household only
        try:
            person = self._read_person(number, name, raw_id, values)
        except cells.CellError as exc:
            self.error(number, str(exc))
            return None
        if person is None:
            return None
        relation = self._relation(values["relation"])
        member = _Member(row=number, person=person, relation=relation)
        if relation == Resident.Relation.HEAD:
            if household.head is not None:
                self.error(
                    number,
                    _("户号%(household)s已有户主（第%(row)d行），一户只能有一位户主")
                    % {"household": household.number, "row": household.head.row},
                )
            else:
                household.head = member
        return member

    def _read_person(
        self, number: int, name: str, raw_id: object, values: dict[str, Any]
    ) -> PersonIn | None:
        clean_name, card = persons.read(
            row=number,
            name=name,
            id_number=raw_id,
            gender=values["gender"],
            birth_date=values["birth_date"],
        )
        first = self._seen_ids.setdefault(card.number, number)
        if first != number:
            raise cells.CellError(_("身份证号与第%(row)d行重复") % {"row": first})
        return PersonIn(
            row=number,
            id_number=card.number,
            id_hash=blind_index(card.number),
            name=clean_name,
            gender=card.gender,
            birth_date=card.birth_date,
            phone=cells.phone(values["phone"]),
        )

    def _relation(self, value: object) -> str:
        text = cells.compact(value)
        if not text:
            return Resident.Relation.OTHER
        return RELATION_ALIASES.get(text, Resident.Relation.OTHER)

    def _check_executives(self) -> None:
        resolver = _ExecutiveResolver(self.scope)
        for household in self.households.values():
            grid = self.grid_of(household)
            if household.executive and grid is not None:
                try:
                    household.executive_id = resolver.resolve(grid, household.executive)
                except cells.CellError as exc:
                    self.error(household.executive_row, str(exc))

    # -----------------------------------------------------------------------------------------
    # Comparing with the database

    def _load_database(self) -> None:
        self.known_persons = persons.load(
            m.person.id_hash for h in self.households.values() for m in h.members
        )
        self.residences = _residences(p.pk for p in self.known_persons.values())
        self.known_households = _households(self.households)
        for household in self.households.values():
            now = self.known_households.get(household.number)
            if now is not None and not self.scope.contains(now.grid_path):
                self.error(
                    household.first_row,
                    _("户号%(household)s已登记在您管辖范围以外的网格，不能在这里导入")
                    % {"household": household.number},
                )
            elif now is None and not household.grid_written:
                self.error(household.first_row, _("请填写所属网格"))
            for member in household.members:
                self._check_known_person(member)

    def _check_known_person(self, member: _Member) -> None:
        now = self.known_persons.get(member.person.id_hash)
        if now is None:
            return
        residence = self.residences.get(now.pk)
        path = residence[2] if residence is not None else now.org_path
        if not self.scope.user_sees(path):
            self.error(
                member.row,
                _("该身份证号已登记在您管辖范围以外的%(where)s，请联系上级妇联处理")
                % {"where": _("家庭") if residence is not None else _("组织")},
            )

    # -----------------------------------------------------------------------------------------
    # Writing

    def write(self) -> dict[str, Counts]:
        """Apply a checked file; the caller runs this in one transaction."""
        self._set_new_person_orgs()
        members = [m.person for h in self.households.values() for m in h.members]
        person_plan = persons.plan(members, self.known_persons)
        ids = {id_hash: now.pk for id_hash, now in self.known_persons.items()}
        ids.update(persons.write(result=person_plan, actor_id=self.actor.pk, note=_("导入")))
        household_counts, moved = _HouseholdWriter(self, ids).write()
        updated = {now.pk for _p, now, _old, _new in person_plan.changed} | moved
        person_counts = Counts(
            created=len(person_plan.new),
            updated=len(updated),
            unchanged=len(members) - len(person_plan.new) - len(updated),
        )
        return {"households": household_counts, "persons": person_counts}

    def _set_new_person_orgs(self) -> None:
        """New persons belong to their household's home grid (an existing person keeps hers)."""
        for household in self.households.values():
            grid = self.grid_of(household)
            for member in household.members:
                member.person.org_id = grid.pk if grid else 0

    def grid_of(self, household: _Household) -> Unit | None:
        """The household's home grid: as written, else as the database has it."""
        if household.grid is not None:
            return household.grid
        now = self.known_households.get(household.number)
        return self.scope.by_pk.get(now.grid_id) if now is not None else None


# ---------------------------------------------------------------------------------------------


def _category_lookup() -> dict[str, int]:
    lookup: dict[str, int] = {}
    for pk, code, name in Category.objects.filter(is_active=True).values_list("pk", "code", "name"):
        lookup[cells.compact(name)] = pk  # split_list folds what the cell says the same way
        lookup[cells.compact(code)] = pk
    return lookup


def _residences(person_ids: Iterable[int]) -> dict[int, tuple[int, int, str, str]]:
    """{person pk: (resident pk, household pk, household's grid path, relation)}."""
    wanted = sorted(set(person_ids))
    found: dict[int, tuple[int, int, str, str]] = {}
    for chunk in bulk.chunks(wanted):
        rows = Resident.objects.filter(person_id__in=chunk).values_list(
            "person_id", "pk", "household_id", "household__grid__path", "relation"
        )
        for person_id, *values in rows:
            found[person_id] = tuple(values)  # type: ignore[assignment]
    return found


def _households(drafts: dict[str, _Household]) -> dict[str, _HouseholdNow]:
    found: dict[str, _HouseholdNow] = {}
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
            found[number] = _HouseholdNow(*values)
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


class _ExecutiveResolver:
    """包保执委 as written (a name, the ID number's last four, or 姓名(后四位)) → the person, among
    the executives of the household's grid: those assigned to the grid, and those holding a
    seat at the grid or a federation above it within the importing user's scope."""

    def __init__(self, scope: ImportScope) -> None:
        self.scope = scope
        self.by_grid: dict[int, list[tuple[int, str, str]]] = {}
        grid_ids = [unit.pk for unit in scope.units if unit.is_grid]
        for chunk in bulk.chunks(grid_ids):
            open_rows = GridAssignment.objects.filter(grid_id__in=chunk, end_date__isnull=True)
            for grid_id, *person in open_rows.values_list(
                "grid_id", "executive_id", "executive__name", "executive__id_tail"
            ):
                self.by_grid.setdefault(grid_id, []).append(tuple(person))  # type: ignore[arg-type]
        # Seats in the user's scope at the job's unit, below it (a grid's own) or above it.
        root = scope.root
        seats = ExecutiveSeat.objects.filter(
            root.subtree_q("org__") | Q(org__path__in=tree.ancestor_paths(root.path)),
            scope_q(user=scope.user, field="org"),
            ended_on__isnull=True,
        ).values_list("org__path", "person_id", "person__name", "person__id_tail")
        self.seats = [(path, (pk, name, tail)) for path, pk, name, tail in seats]
        self._cache: dict[tuple[int, str], int | str] = {}

    def candidates(self, grid: Unit) -> dict[int, tuple[int, str, str]]:
        found = {person[0]: person for person in self.by_grid.get(grid.pk, [])}
        for path, person in self.seats:
            if grid.path.startswith(path):
                found.setdefault(person[0], person)
        return found

    def resolve(self, grid: Unit, written: str) -> int:
        key = (grid.pk, written)
        found = self._cache.get(key)
        if found is None:
            found = self._match(grid, written)
            self._cache[key] = found
        if isinstance(found, str):
            raise cells.CellError(found)
        return found

    def _match(self, grid: Unit, written: str) -> int | str:
        # Names are compared folded on both sides (cells.compact): stored as typed, written
        # in a cell perhaps with other widths.
        text = cells.compact(written).upper()
        both = _NAME_AND_TAIL.match(text)
        people = [
            (pk, cells.compact(name).upper(), tail)
            for pk, name, tail in self.candidates(grid).values()
        ]
        if both:
            matches = [p for p in people if p[1] == both.group(1) and p[2] == both.group(2)]
        elif _TAIL.match(text):
            matches = [p for p in people if p[2] == text]
        else:
            matches = [p for p in people if p[1] == text]
        if len(matches) == 1:
            return matches[0][0]
        if matches:
            return _("包保执委“%(name)s”有重名，请写成“姓名(身份证号后四位)”") % {"name": written}
        return _(
            "未找到包保执委“%(name)s”：须是%(grid)s的网格执委，或在该网格所属妇联任职的执委"
        ) % {"name": written, "grid": grid.name}


class _HouseholdWriter:
    def __init__(self, job: HouseholdImport, person_ids: dict[str, int]) -> None:
        self.job = job
        self.person_ids = person_ids
        self.actor_id = job.actor.pk
        self.now = timezone.now()
        self.at = bulk.datetime_param(self.now)
        self.today = bulk.date_param(timezone.localdate())
        self.note = _("导入")
        self.history: list[tuple[Any, ...]] = []

    def write(self) -> tuple[Counts, set[int]]:
        counts = Counts()
        new = [h for h in self.job.households.values() if h.number not in self.job.known_households]
        ids = self._insert_households(new)
        counts.created = len(new)
        ids.update((number, now.pk) for number, now in self.job.known_households.items())
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
        counts.unchanged = len(self.job.known_households) - len(changed)
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

    def _head_id(self, household: _Household) -> int | None:
        return self.person_ids[household.head.person.id_hash] if household.head else None

    def _insert_households(self, new: list[_Household]) -> dict[str, int]:
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

    def _created_view(self, household: _Household) -> dict[str, Any]:
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
        for household in self.job.households.values():
            now = self.job.known_households.get(household.number)
            if now is None:
                continue
            old, new, values = self._household_diff(household, now)
            if new:
                rows.append((*values, self.at, now.pk))
                self.history.append(self._change(now.pk, old, new))
                changed.add(now.pk)
        bulk.update(Household, fields, rows)

    def _household_diff(
        self, household: _Household, now: _HouseholdNow
    ) -> tuple[dict[str, Any], dict[str, Any], tuple[Any, ...]]:
        units = self.job.scope.by_pk
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
        residences = self.job.residences
        for household in self.job.households.values():
            household_id = ids[household.number]
            for member in household.members:
                person_id = self.person_ids[member.person.id_hash]
                current = residences.get(person_id)
                if current is None:
                    inserts.append((household_id, person_id, member.relation))
                    if household.number in self.job.known_households:
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
                    if household.number in self.job.known_households:
                        changed.add(household_id)
        bulk.insert(Resident, ("household", "person", "relation"), inserts)
        bulk.update(Resident, ("household", "relation"), updates)
        bulk.insert(PersonChange, persons.CHANGE_FIELDS, moves)
        return moved

    def _categories(self, ids: dict[str, int], changed: set[int]) -> None:
        inserts: list[tuple[int, int]] = []
        removals: list[tuple[int, int]] = []
        for household in self.job.households.values():
            if household.categories is None:
                continue
            now = self.job.known_households.get(household.number)
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
        for household in self.job.households.values():
            if household.executive_id is None:
                continue
            now = self.job.known_households.get(household.number)
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
