"""Import of the executives roster (执委花名册): one row per seat on a federation's committee.

A row names a person (matched by ID number), the federation (所属妇联, by code) and the post.
An open seat at that federation with another post is ended today and a new one opened (a
换届 or a change of post keeps its history); the concurrent posts (兼任职务) and grids (负责网格)
written on the row become the person's open ones there, those no longer listed are ended today.
Blank cells keep what is known. Rosters of executives are small (hundreds of rows), so this
module favours plain code over speed, but still reads the database in a few queries.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.common.crypto import blind_index
from jinguo.households.models import GridAssignment, Resident
from jinguo.imports import bulk, cells, persons
from jinguo.imports.counts import Counts
from jinguo.imports.history import CHANGE_FIELDS, History
from jinguo.imports.normalised import Normalised
from jinguo.imports.persons import PersonIn
from jinguo.imports.rosters import (
    CONCURRENT_ALIASES,
    EDUCATION_ALIASES,
    EXECUTIVE_COLUMNS,
    EXECUTIVE_REQUIRED,
    FULL_TIME_ALIASES,
    PARTY_ALIASES,
    POST_ALIASES,
    POST_LABELS,
)
from jinguo.imports.scope import ImportScope, Unit
from jinguo.imports.sheet import Sheet, cell, is_blank
from jinguo.orgs.models import OrgUnit
from jinguo.people.ages import is_under_age
from jinguo.people.models import ConcurrentPost, ExecutiveSeat, PersonChange

COLUMNS = EXECUTIVE_COLUMNS
REQUIRED = EXECUTIVE_REQUIRED
PROGRESS_EVERY = 2000

Progress = Callable[[int], None]
Errors = dict[int, list[str]]
Cells = dict[int, set[str]]  # row → the fields whose cells are at fault
Problems = list[tuple[str, str | None]]  # (message, field at fault)


@dataclass
class _Seat:
    row: int
    person: PersonIn
    org: Unit
    post: str
    full_time: bool | None
    term_start: dt.date | None
    term_end: dt.date | None
    concurrent: set[str] | None
    grids: set[int] | None


@dataclass
class _Known:
    seats: dict[tuple[int, int], tuple[int, str, bool, dt.date, dt.date | None]] = field(
        default_factory=dict
    )  # (person, org) → (pk, post, full_time, term_start, term_end)
    posts: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict)
    grids: dict[int, dict[int, int]] = field(default_factory=dict)  # person → {grid: pk}


class ExecutiveImport:
    def __init__(self, *, sheet: Sheet, actor: User, root: OrgUnit, progress: Progress) -> None:
        self.sheet = sheet
        self.actor = actor
        self.scope = ImportScope(user=actor, root=root)
        self.progress = progress
        self.columns = sheet.layout.columns
        self.errors: Errors = {}
        self.cells: Cells = {}
        self.normalised = Normalised({column.key: column.header for column in COLUMNS})
        self.seats: list[_Seat] = []
        self.people: dict[str, PersonIn] = {}  # by blind index, the first row's values
        self._keys: dict[tuple[str, int], int] = {}
        self.rows = 0

    def error(self, row: int, message: str, key: str | None = None) -> None:
        """Record a row's error; `key` names the field whose cell is at fault."""
        self.errors.setdefault(row, []).append(message)
        if key is not None:
            self.cells.setdefault(row, set()).add(key)

    def _value(self, values: list[Any], key: str) -> Any:
        return cell(values, self.columns.get(key))

    # -----------------------------------------------------------------------------------------
    # Checking

    def check(self) -> Errors:
        for number, values in self.sheet:
            if is_blank(values):
                continue
            self.rows += 1
            self._note_normalised(number, values)
            try:
                self._read_row(number, values)
            except cells.CellError as exc:
                self.error(number, str(exc), key=exc.key)
            if self.rows % PROGRESS_EVERY == 0:
                self.progress(self.rows)
        self.progress(self.rows)
        if not self.rows:
            self.error(0, _("表格中没有数据行"))
            return self.errors
        self._check_database()
        return self.errors

    def _read_row(self, number: int, values: list[Any]) -> None:
        name, card = persons.read(
            row=number,
            name=self._value(values, "name"),
            id_number=self._value(values, "id_number"),
            gender=self._value(values, "gender"),
            birth_date=self._value(values, "birth_date"),
        )
        problems: Problems = []
        org = self._guard(problems, "org", lambda: self._org(values))
        post = self._guard(
            problems, "post", lambda: self._choice(values, "post", POST_ALIASES, True)
        )
        person = PersonIn(
            row=number,
            id_number=card.number,
            id_hash=blind_index(card.number),
            name=name,
            gender=card.gender,
            birth_date=card.birth_date,
            phone=self._guard(problems, "phone", lambda: cells.phone(self._value(values, "phone")))
            or "",
            education=self._guard(
                problems, "education", lambda: self._choice(values, "education", EDUCATION_ALIASES)
            ),
            party_member=self._guard(problems, "politics", lambda: self._politics(values)),
            org_id=org.pk if org else 0,
        )
        seat = _Seat(
            row=number,
            person=person,
            org=org,
            post=post or "",
            full_time=self._guard(problems, "full_time", lambda: self._full_time(values)),
            term_start=self._guard(
                problems, "term_start", lambda: cells.date(self._value(values, "term_start"))
            ),
            term_end=self._guard(
                problems, "term_end", lambda: cells.date(self._value(values, "term_end"))
            ),
            concurrent=self._guard(problems, "concurrent", lambda: self._concurrent(values)),
            grids=self._guard(problems, "grids", lambda: self._grids(values)),
        )
        if seat.term_start and seat.term_end and seat.term_end < seat.term_start:
            problems.append((_("任期结束日期早于任期开始日期"), "term_end"))
        if is_under_age(card.birth_date, seat.term_start or None):
            problems.append((_("未满18周岁的人不能担任执委"), "id_number"))
        if org is not None:
            first = self._keys.setdefault((person.id_hash, org.pk), number)
            if first != number:
                problems.append(
                    (
                        _("与%(row)s重复：同一人在同一妇联只能有一个职务")
                        % {"row": self.sheet.row_name(first)},
                        "id_number",
                    )
                )
        for problem, key in problems:
            self.error(number, problem, key=key)
        if not problems and org is not None:
            self._add(seat)

    def _note_normalised(self, number: int, values: list[Any]) -> None:
        note = self.normalised
        for key in ("phone", "org"):
            note.identifier(number, key, self._value(values, key))
        note.id_number(number, self._value(values, "id_number"))
        note.name(number, "name", self._value(values, "name"))
        for key in ("term_start", "term_end"):
            note.date(number, key, self._value(values, key))

    def _guard(self, problems: Problems, key: str, read: Callable[[], Any]) -> Any:
        try:
            return read()
        except cells.CellError as exc:
            problems.append((str(exc), exc.key or key))
            return None

    def _add(self, seat: _Seat) -> None:
        person = seat.person
        earlier = self.people.setdefault(person.id_hash, person)
        if earlier is not person and earlier.name != person.name:
            self.error(
                seat.row,
                _("姓名与%(row)s不一致") % {"row": self.sheet.row_name(earlier.row)},
                key="name",
            )
            return
        seat.person = earlier
        self.seats.append(seat)

    def _org(self, values: list[Any]) -> Unit:
        raw = cells.compact(self._value(values, "org"))
        if not raw:
            raise cells.CellError(_("请填写所属妇联（组织编码）"))
        return self.scope.unit(raw)

    def _choice(
        self, values: list[Any], key: str, aliases: dict[str, Any], required: bool = False
    ) -> Any:
        raw = cells.compact(self._value(values, key))
        if not raw:
            if required:
                raise cells.CellError(_("请填写%(column)s") % {"column": _column_header(key)})
            return None
        if raw not in aliases:
            known = "、".join(dict.fromkeys(aliases))
            raise cells.CellError(
                _("%(column)s“%(value)s”无法识别，可填写：%(known)s")
                % {"column": _column_header(key), "value": raw, "known": known}
            )
        return aliases[raw]

    def _politics(self, values: list[Any]) -> bool | None:
        return self._choice(values, "politics", PARTY_ALIASES)

    def _full_time(self, values: list[Any]) -> bool | None:
        return self._choice(values, "full_time", FULL_TIME_ALIASES)

    def _concurrent(self, values: list[Any]) -> set[str] | None:
        parts = cells.split_list(self._value(values, "concurrent"))
        if not parts:
            return None
        found: set[str] = set()
        for part in parts:
            if part in ("无", "/", "-"):
                continue
            if part not in CONCURRENT_ALIASES:
                known = "、".join(dict.fromkeys(CONCURRENT_ALIASES))
                raise cells.CellError(
                    _("兼任职务“%(value)s”无法识别，可填写：%(known)s")
                    % {"value": part, "known": known}
                )
            found.add(CONCURRENT_ALIASES[part])
        return found

    def _grids(self, values: list[Any]) -> set[int] | None:
        parts = cells.split_list(self._value(values, "grids"))
        if not parts:
            return None
        return {self.scope.grid(part).pk for part in parts if part not in ("无", "/", "-")}

    def _check_database(self) -> None:
        self.known_persons = persons.load(self.people)
        known_ids = [now.pk for now in self.known_persons.values()]
        residences = _residence_paths(known_ids)
        for id_hash, now in self.known_persons.items():
            path = residences.get(now.pk, now.org_path)
            if not self.scope.may_write(path) and not self.scope.may_write(now.org_path):
                self.error(
                    self.people[id_hash].row,
                    _("该身份证号已登记在您管辖范围以外的组织，请联系上级妇联处理"),
                    key="id_number",
                )
        self.known = _load_known(known_ids)

    # -----------------------------------------------------------------------------------------
    # Writing

    def write(self) -> dict[str, Counts]:
        person_plan = persons.plan(self.people.values(), self.known_persons)
        ids = {id_hash: now.pk for id_hash, now in self.known_persons.items()}
        history = History(actor=self.actor, note=_("导入"))
        ids.update(persons.write(result=person_plan, history=history))
        history.write()
        writer = _SeatWriter(self, ids)
        touched = writer.write()
        updated = {now.pk for _p, now, _o, _n in person_plan.changed}
        updated |= {pk for pk in touched if pk in {now.pk for now in self.known_persons.values()}}
        person_counts = Counts(
            created=len(person_plan.new),
            updated=len(updated),
            unchanged=len(self.people) - len(person_plan.new) - len(updated),
        )
        return {"persons": person_counts, "seats": writer.counts}


def _column_header(key: str) -> str:
    return next(column.header for column in COLUMNS if column.key == key)


def _residence_paths(person_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in bulk.chunks(person_ids):
        rows = Resident.objects.filter(person_id__in=chunk)
        found.update(rows.values_list("person_id", "household__grid__path"))
    return found


def _load_known(person_ids: list[int]) -> _Known:
    known = _Known()
    for chunk in bulk.chunks(person_ids):
        seats = ExecutiveSeat.objects.filter(person_id__in=chunk, ended_on__isnull=True)
        for pk, person, org, post, full_time, start, end in seats.values_list(
            "pk", "person_id", "org_id", "post", "full_time", "term_start", "term_end"
        ):
            known.seats[(person, org)] = (pk, post, full_time, start, end)
        posts = ConcurrentPost.objects.filter(person_id__in=chunk, end_date__isnull=True)
        for pk, person, org, kind in posts.values_list("pk", "person_id", "org_id", "kind"):
            known.posts.setdefault((person, org), {})[kind] = pk
        grids = GridAssignment.objects.filter(executive_id__in=chunk, end_date__isnull=True)
        for pk, person, grid in grids.values_list("pk", "executive_id", "grid_id"):
            known.grids.setdefault(person, {})[grid] = pk
    return known


class _SeatWriter:
    def __init__(self, job: ExecutiveImport, ids: dict[str, int]) -> None:
        self.job = job
        self.ids = ids
        self.actor_id = job.actor.pk
        self.at = bulk.datetime_param(timezone.now())
        self.today = timezone.localdate()
        self.counts = Counts()
        self.history: list[tuple[Any, ...]] = []
        self.new_seats: list[tuple[Any, ...]] = []
        self.ended_seats: list[tuple[Any, ...]] = []
        self.seat_updates: list[tuple[Any, ...]] = []
        self.new_posts: list[tuple[Any, ...]] = []
        self.ended_posts: list[tuple[Any, ...]] = []
        self.new_grids: list[tuple[Any, ...]] = []
        self.ended_grids: list[tuple[Any, ...]] = []

    def write(self) -> set[int]:
        """Write seats, posts and grids; the persons whose seats, posts or grids changed."""
        touched: set[int] = set()
        for seat in self.job.seats:
            person_id = self.ids[seat.person.id_hash]
            old: dict[str, Any] = {}
            new: dict[str, Any] = {}
            self._seat(seat, person_id, old, new)
            self._posts(seat, person_id, old, new)
            self._grids(seat, person_id, old, new)
            if new or old:
                touched.add(person_id)
                self.history.append(
                    (
                        person_id,
                        self.actor_id,
                        self.at,
                        "import",
                        bulk.json_param(old),
                        bulk.json_param(new),
                        _("导入执委花名册"),
                    )
                )
        self._flush()
        return touched

    def _seat(self, seat: _Seat, person_id: int, old: dict[str, Any], new: dict[str, Any]) -> None:
        current = self.job.known.seats.get((person_id, seat.org.pk))
        label = f"{seat.org.name} {POST_LABELS[seat.post]}"
        if current is not None and current[1] == seat.post:
            pk, _post, full_time, start, end = current
            wanted = (
                full_time if seat.full_time is None else seat.full_time,
                start if seat.term_start is None else seat.term_start,
                end if seat.term_end is None else seat.term_end,
            )
            if wanted != (full_time, start, end):
                self.seat_updates.append(
                    (wanted[0], bulk.date_param(wanted[1]), bulk.date_param(wanted[2]), pk)
                )
                old["seat"] = _seat_view(label, full_time, start, end)
                new["seat"] = _seat_view(label, *wanted)
                self.counts.updated += 1
            else:
                self.counts.unchanged += 1
            return
        if current is not None:  # another post at the same federation: end it, open the new one
            self.ended_seats.append((bulk.date_param(self.today), _("导入：职务变更"), current[0]))
            old["seat"] = f"{seat.org.name} {POST_LABELS[current[1]]}"
        start = seat.term_start or self.today
        self.new_seats.append(
            (
                person_id,
                seat.org.pk,
                seat.post,
                bool(seat.full_time),
                bulk.date_param(start),
                bulk.date_param(seat.term_end),
            )
        )
        new["seat"] = _seat_view(label, bool(seat.full_time), start, seat.term_end)
        self.counts.created += 1

    def _posts(self, seat: _Seat, person_id: int, old: dict[str, Any], new: dict[str, Any]) -> None:
        if seat.concurrent is None:
            return
        current = self.job.known.posts.get((person_id, seat.org.pk), {})
        start = bulk.date_param(seat.term_start or self.today)
        added = sorted(seat.concurrent - set(current))
        removed = sorted(set(current) - seat.concurrent)
        self.new_posts += [(person_id, kind, seat.org.pk, start) for kind in added]
        self.ended_posts += [(bulk.date_param(self.today), current[kind]) for kind in removed]
        if added or removed:
            old["concurrent"], new["concurrent"] = sorted(current), sorted(seat.concurrent)

    def _grids(self, seat: _Seat, person_id: int, old: dict[str, Any], new: dict[str, Any]) -> None:
        if seat.grids is None:
            return
        current = self.job.known.grids.get(person_id, {})
        # Only grids inside the import's scope are the file's business.
        mine = {grid: pk for grid, pk in current.items() if grid in self.job.scope.by_pk}
        added = sorted(seat.grids - set(mine))
        removed = sorted(set(mine) - seat.grids)
        today = bulk.date_param(self.today)
        reason = _("导入执委花名册")
        self.new_grids += [(person_id, grid, today, self.actor_id, reason) for grid in added]
        self.ended_grids += [(today, mine[grid]) for grid in removed]
        # Recorded so that a second row for the same person does not add the grid again.
        for grid in added:
            current[grid] = 0
        self.job.known.grids[person_id] = current
        if added or removed:
            old["grids"] = [_code(self.job.scope, g) for g in sorted(mine)]
            new["grids"] = [_code(self.job.scope, g) for g in sorted(seat.grids)]

    def _flush(self) -> None:
        bulk.update(ExecutiveSeat, ("ended_on", "ended_reason"), self.ended_seats)
        bulk.update(ExecutiveSeat, ("full_time", "term_start", "term_end"), self.seat_updates)
        bulk.insert(
            ExecutiveSeat,
            ("person", "org", "post", "full_time", "term_start", "term_end"),
            self.new_seats,
        )
        bulk.update(ConcurrentPost, ("end_date",), self.ended_posts)
        bulk.insert(ConcurrentPost, ("person", "kind", "org", "start_date"), self.new_posts)
        bulk.update(GridAssignment, ("end_date",), self.ended_grids)
        bulk.insert(
            GridAssignment,
            ("executive", "grid", "start_date", "assigned_by", "reason"),
            self.new_grids,
        )
        bulk.insert(PersonChange, ("person", *CHANGE_FIELDS), self.history)


def _seat_view(label: str, full_time: bool, start: dt.date, end: dt.date | None) -> str:
    term = f"{start.isoformat()}—{end.isoformat() if end else ''}"
    return f"{label}（{'专职' if full_time else '兼职'}，{term}）"


def _code(scope: ImportScope, pk: int) -> str:
    unit = scope.by_pk.get(pk)
    return (unit.code or unit.name) if unit else str(pk)
