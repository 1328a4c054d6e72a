"""Import of the households roster (家庭成员花名册): one row per resident.

Checking reads every row and compares the file with the database in a few set-based queries;
nothing is written until every row is correct. Checking keeps, for a county's million rows, no
row and no person: only each household (HouseholdDraft, without its members) and each ID
number's blind index with its row (imports.id_numbers). Writing reads the rows a second time
(Sheet.again: the reader child's output, kept for it), rebuilds a chunk of households with
their members at a time and writes it (see imports.writing). It inserts and updates only what
differs, with executemany (see imports.bulk), and leaves for every change the history
households.services and people.services leave for it (imports.history: a change row and an
audit row each, jinguo/imports/tests/test_history.py proves them equal), HouseholdAssignment
rows for 包保 (a changed executive ends the open row and opens another: a handover dated today),
and the job's own audit record. Households are matched by 户号 and persons by ID number, so
importing the same file again changes nothing.

A blank cell keeps what is known; household columns (户号 … 备注) may be filled on one row of
the household only (or on all, alike). A file without a 户号 column is read in groups, a 户主
row and the members below it, and its households are numbered (imports.household_numbers).
"""

from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter
from typing import Any

from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.common.crypto import blind_index
from jinguo.households.models import (
    Category,
    Resident,
)
from jinguo.imports import cells, persons
from jinguo.imports.counts import Counts
from jinguo.imports.history import History
from jinguo.imports.household_executives import ExecutiveResolver
from jinguo.imports.household_numbers import assign_numbers, placeholder
from jinguo.imports.household_state import (
    HouseholdDraft,
    Member,
    category_lookup,
    households_now,
    households_stored,
    residences_of,
)
from jinguo.imports.household_writer import HouseholdWriter
from jinguo.imports.id_numbers import IdNumbers
from jinguo.imports.normalised import Normalised
from jinguo.imports.persons import PersonIn
from jinguo.imports.rosters import HOUSEHOLD_COLUMNS, HOUSEHOLD_REQUIRED, RELATION_ALIASES
from jinguo.imports.scope import ImportScope, Unit
from jinguo.imports.sheet import Sheet, header_token, is_blank
from jinguo.orgs.models import OrgUnit

COLUMNS = HOUSEHOLD_COLUMNS
REQUIRED = HOUSEHOLD_REQUIRED
PROGRESS_EVERY = 2000
PERSON_CHUNK = 10_000  # persons compared with the database at a time
_KEYS = tuple(column.key for column in COLUMNS)
# Headers name columns in messages: they are the file's own words, Chinese in every language.
_HEADERS = {column.key: column.header for column in COLUMNS}

Progress = Callable[[int], None]
Errors = dict[int, list[str]]
Cells = dict[int, set[str]]  # row → the fields whose cells are at fault


class HouseholdImport:
    """check() finds every error without writing; write() applies a file that has none."""

    def __init__(
        self,
        *,
        sheet: Sheet,
        actor: User,
        root: OrgUnit,
        progress: Progress,
    ) -> None:
        self.sheet = sheet  # opened with keep=True: writing reads its rows again (Sheet.again)
        self.actor = actor
        self.scope = ImportScope(user=actor, root=root, values=sheet.layout.values)
        self.progress = progress
        self.errors: Errors = {}
        self.cells: Cells = {}
        self.normalised = Normalised(_HEADERS)
        self.households: dict[str, HouseholdDraft] = {}
        self.rows = 0
        self.columns = sheet.layout.columns
        # Categories as the file writes them, as confirmed (imports.preview), beside our own.
        self._categories = category_lookup() | sheet.layout.values.get("categories", {})
        self._category_cache: dict[str, frozenset[int] | str] = {}
        self._names: dict[str, str] = {}  # executives' names as written, each kept once
        # Every person of the file: her ID number's blind index and row, in little memory.
        self._seen_ids = IdNumbers()
        # Columns the file lacks read a blank cell appended at the end of each row.
        self._width = max(self.columns.values()) + 1
        self._pick_cells = itemgetter(*(self.columns.get(key, self._width) for key in _KEYS))
        # No 户号 column: a 户主 row starts a household, the rows below it are its members.
        self._numbered = "number" in self.columns
        self._group: HouseholdDraft | None = None
        # A ledger of one row per household: «户主姓名» and no 与户主关系 column, or neither
        # 户号 nor 与户主关系. Each row's person is its household's head (not «其他»).
        self._heads_only = "relation" not in self.columns and (
            not self._numbered or header_token("户主姓名") in sheet.layout.headers.get("name", ())
        )

    # -----------------------------------------------------------------------------------------
    # Checking

    def error(self, row: int, message: str, key: str | None = None) -> None:
        """Record a row's error; `key` names the field whose cell is at fault."""
        self.errors.setdefault(row, []).append(message)
        if key is not None:
            self.cells.setdefault(row, set()).add(key)

    def _rows(self, sheet: Sheet) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row key, {field: cell}) of every row that is not blank."""
        for number, values in sheet:
            if is_blank(values):
                continue
            if len(values) != self._width:  # rows wider or shorter than the header
                values = [*values[: self._width], *[""] * (self._width - len(values))]
            values.append("")
            yield number, dict(zip(_KEYS, self._pick_cells(values), strict=True))

    def check(self) -> Errors:
        for number, row in self._rows(self.sheet):
            self.rows += 1
            self._note_normalised(number, row)
            self._read_row(number, row)
            if self.rows % PROGRESS_EVERY == 0:
                self.progress(self.rows)
        self.progress(self.rows)
        if not self.rows:
            self.error(0, _("表格中没有数据行"))
            return self.errors
        for repeat, first in self._seen_ids.duplicates():
            self.error(
                repeat,
                _("身份证号与%(row)s重复") % {"row": self.sheet.row_name(first)},
                key="id_number",
            )
        self._load_database()
        self._check_executives()
        return self.errors

    def _read_row(self, number: int, values: dict[str, Any]) -> None:
        household = self._household_of(number, values)
        if household is None:
            return
        household.last_row = number
        self._read_household_columns(number, values, household)
        self._read_member(number, values, household)

    def _note_normalised(self, number: int, values: dict[str, Any]) -> None:
        note = self.normalised
        for key in ("number", "grid", "living_grid", "phone"):
            note.identifier(number, key, values[key])
        note.id_number(number, values["id_number"])
        note.name(number, "name", values["name"])
        note.date(number, "birth_date", values["birth_date"])

    def _household_of(self, number: int, values: dict[str, Any]) -> HouseholdDraft | None:
        """The household a row belongs to: by its 户号, or, in a file without one, the group a
        户主 row starts (None, with the row's error, when there is none)."""
        if not self._numbered:
            if self._member_relation(values) == Resident.Relation.HEAD:
                self._group = HouseholdDraft(
                    number=placeholder(number), first_row=number, generated=True
                )
                self.households[self._group.number] = self._group
            elif self._group is None:
                self.error(
                    number,
                    _("没有户号列时，家庭成员应排在本户户主的下面，但该行前面没有户主"),
                    key="relation",
                )
            return self._group
        household_number = cells.compact(values["number"])
        if not household_number:
            self.error(number, _("请填写户号"), key="number")
            return None
        household = self.households.get(household_number)
        if household is None:
            household = HouseholdDraft(number=household_number, first_row=number)
            self.households[household_number] = household
        return household

    def _read_household_columns(
        self, number: int, values: dict[str, Any], household: HouseholdDraft
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
            household.categories = (
                categories if household.categories is None else household.categories | categories
            )
        executive = cells.text(values["executive"])
        if executive:  # one string per name, not one per household (a county's memory)
            self._set_text(
                number, household, "executive", self._names.setdefault(executive, executive)
            )

    def _set_unit(self, number: int, household: HouseholdDraft, key: str, raw: str) -> None:
        try:
            unit = self.scope.grid(raw)
        except cells.CellError as exc:
            self.error(number, str(exc), key=key)
            return
        current = getattr(household, key)
        if current is None:
            setattr(household, key, unit)
            household.mark(key, number)
        elif current != unit:
            self._conflict(number, household, key)

    def _set_text(self, number: int, household: HouseholdDraft, key: str, text: str) -> None:
        current = getattr(household, key)
        if not current:
            setattr(household, key, text)
            household.mark(key, number)
        elif current != text:
            self._conflict(number, household, key)

    def _conflict(self, number: int, household: HouseholdDraft, key: str) -> None:
        if household.generated:
            message = _("%(head)s户主一户的%(label)s与%(row)s不一致") % {
                "head": self.sheet.row_name(household.first_row),
                "label": _HEADERS[key],
                "row": self.sheet.row_name(household.row_of(key)),
            }
        else:
            message = _("同一户号%(household)s的%(label)s与%(row)s不一致") % {
                "household": household.number,
                "label": _HEADERS[key],
                "row": self.sheet.row_name(household.row_of(key)),
            }
        self.error(number, message, key=key)

    def _read_categories(self, number: int, value: object) -> frozenset[int] | None:
        raw = cells.text(value)
        if not raw:
            return None
        found = self._category_cache.get(raw)
        if found is None:
            found = self._parse_categories(raw)
            self._category_cache[raw] = found
        if isinstance(found, str):
            self.error(number, found, key="categories")
            return None
        return found

    def _parse_categories(self, raw: str) -> frozenset[int] | str:
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
        return frozenset(found)

    def _categories_names(self) -> list[str]:
        return list(Category.objects.filter(is_active=True).values_list("name", flat=True))

    def _read_member(self, number: int, values: dict[str, Any], household: HouseholdDraft) -> None:
        """Check the row's person; keep of her only her blind index (and a head's row)."""
        name = cells.name(values["name"])
        raw_id = values["id_number"]
        if not name and cells.text(raw_id) == "":
            return  # a row about the household only
        try:
            _name, card = self._read_card(number, name, raw_id, values)
            id_hash = blind_index(card.number)
            self._seen_ids.add(id_hash, number)  # repeats: once every row is read
            cells.phone(values["phone"])
        except cells.CellError as exc:
            self.error(number, str(exc), key=exc.key)
            return
        if self._member_relation(values) != Resident.Relation.HEAD:
            return
        if household.head_row:
            self.error(
                number,
                _("户号%(household)s已有户主（%(row)s），一户只能有一位户主")
                % {"household": household.number, "row": self.sheet.row_name(household.head_row)},
                key="relation",
            )
        else:
            household.head_row = number
            if not self._numbered:  # to find the number of the household she heads already
                household.head_hash = id_hash

    def _member_relation(self, values: dict[str, Any]) -> str:
        if self._heads_only:
            return Resident.Relation.HEAD
        return self._relation(values["relation"])

    def _read_card(
        self, number: int, name: str, raw_id: object, values: dict[str, Any]
    ) -> tuple[str, Any]:
        return persons.read(
            row=number,
            name=name,
            id_number=raw_id,
            gender=values["gender"],
            birth_date=values["birth_date"],
        )

    def _read_person(
        self, number: int, name: str, raw_id: object, values: dict[str, Any]
    ) -> PersonIn:
        clean_name, card = self._read_card(number, name, raw_id, values)
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
        resolver = ExecutiveResolver(self.scope)
        for household in self.households.values():
            if not household.executive:
                continue
            grid = self.grid_of(household)
            try:
                if grid is not None:
                    household.executive_id = resolver.resolve(grid, household.executive)
                else:  # the grid's own error is reported; the executive is checked all the same
                    resolver.check_in_scope(household.executive)
            except cells.CellError as exc:
                self.error(household.executive_row, str(exc), key="executive")

    # -----------------------------------------------------------------------------------------
    # Comparing with the database (in chunks: no stored person or household is kept)

    def _load_database(self) -> None:
        if not self._numbered:
            heads = [h.head_hash for h in self.households.values() if h.head_hash]
            known_heads = persons.load(heads)
            self.households = assign_numbers(
                self.households,
                known_persons=known_heads,
                residences=residences_of(p.pk for p in known_heads.values()),
            )
        stored = households_stored(self.households)
        for household in self.households.values():
            now = stored.get(household.number)
            if now is not None:
                grid_id, path = now
                household.stored_grid = self.scope.by_pk.get(grid_id)
                if not self.scope.contains(path):
                    self.error(
                        household.first_row,
                        _("户号%(household)s已登记在您管辖范围以外的网格，不能在这里导入")
                        % {"household": household.number},
                        key="number",
                    )
            elif not household.grid_written:
                self.error(household.first_row, _("请填写所属网格"), key="grid")
        del stored
        self._check_known_persons()

    def _check_known_persons(self) -> None:
        """A person already registered outside the importer's scope is an error on her row."""
        for seen in self._seen_ids.chunks(PERSON_CHUNK):
            known = persons.load(seen)
            residences = residences_of(p.pk for p in known.values())
            for id_hash, now in known.items():
                residence = residences.get(now.pk)
                path = residence[2] if residence is not None else now.org_path
                if not self.scope.may_write(path):
                    self.error(
                        seen[id_hash],
                        _("该身份证号已登记在您管辖范围以外的%(where)s，请联系上级妇联处理")
                        % {"where": _("家庭") if residence is not None else _("组织")},
                        key="id_number",
                    )
        self._seen_ids.clear()  # checked: writing reads the rows again

    # -----------------------------------------------------------------------------------------
    # Writing

    def complete(self) -> Iterator[HouseholdDraft]:
        """Every household of a checked file with its members, read from the file again
        (Sheet.again), in the order its last row comes: a household is handed out once its last
        row is read, and its members should be let go once written (HouseholdDraft.let_go)."""
        group: Iterator[HouseholdDraft] = iter(self.households.values())
        household: HouseholdDraft | None = None
        by_number = self.households
        for number, values in self._rows(self.sheet.again()):
            if self._numbered:
                household = by_number[cells.compact(values["number"])]
            elif self._member_relation(values) == Resident.Relation.HEAD:
                household = next(group)
            assert household is not None  # noqa: S101 (checked: no member before a head)
            self._add_member(number, values, household)
            if number == household.last_row:
                yield household

    def _add_member(self, number: int, values: dict[str, Any], household: HouseholdDraft) -> None:
        name = cells.name(values["name"])
        raw_id = values["id_number"]
        if not name and cells.text(raw_id) == "":
            return
        relation = self._member_relation(values)
        member = Member(
            row=number, person=self._read_person(number, name, raw_id, values), relation=relation
        )
        household.members.append(member)
        if relation == Resident.Relation.HEAD:
            household.head = member

    def write(self, chunk: Iterable[HouseholdDraft]) -> dict[str, Counts]:
        """Write checked households, their members read (complete()); the caller runs this in
        one transaction."""
        drafts = {household.number: household for household in chunk}
        self._set_new_person_orgs(drafts)
        members = [m.person for h in drafts.values() for m in h.members]
        known_persons = persons.load(p.id_hash for p in members)
        residences = residences_of(p.pk for p in known_persons.values())
        person_plan = persons.plan(members, known_persons)
        ids = {id_hash: now.pk for id_hash, now in known_persons.items()}
        history = History(actor=self.actor, note=_("导入"))
        ids.update(persons.write(result=person_plan, history=history))
        household_counts, moved = HouseholdWriter(
            households=drafts,
            known_households=households_now(drafts),
            residences=residences,
            units=self.scope.by_pk,
            history=history,
            person_ids=ids,
        ).write()
        history.write()
        updated = {now.pk for _p, now, _old, _new in person_plan.changed} | moved
        person_counts = Counts(
            created=len(person_plan.new),
            updated=len(updated),
            unchanged=len(members) - len(person_plan.new) - len(updated),
        )
        return {"households": household_counts, "persons": person_counts}

    def _set_new_person_orgs(self, drafts: dict[str, HouseholdDraft]) -> None:
        """New persons belong to their household's home grid (an existing person keeps hers)."""
        for household in drafts.values():
            grid = self.grid_of(household)
            for member in household.members:
                member.person.org_id = grid.pk if grid else 0

    def grid_of(self, household: HouseholdDraft) -> Unit | None:
        """The household's home grid: as written, else as the database has it."""
        return household.grid if household.grid is not None else household.stored_grid
