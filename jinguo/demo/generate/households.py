"""Households with their residents, categories and 包保 assignment, their visits, and cases with
their transitions."""

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from jinguo.cases.models import Case, CaseTransition
from jinguo.common.fields import encrypt_date
from jinguo.demo.generate.base import (
    CHANNELS,
    DISPUTES,
    RELATIONS,
    SERVICES,
    SIZES,
    STREETS,
    GeneratorBase,
    Grid,
    Row,
)
from jinguo.households.models import Household, HouseholdAssignment, HouseholdCategory, Resident
from jinguo.households.tokens import category_token
from jinguo.people.models import Person
from jinguo.visits.models import Visit

HOUSEHOLD_COLUMNS = (
    *("id", "number", "grid_id", "living_grid_id", "address", "living_address", "head_id"),
    *("note", "is_active", "created_at", "updated_at"),
    *("last_visited_on", "visit_interval_days", "visit_due_on"),
)
RESIDENT_COLUMNS = ("id", "household_id", "person_id", "relation")
ASSIGNMENT_COLUMNS = (
    *("id", "household_id", "executive_id", "kind", "start_date", "end_date"),
    *("assigned_by_id", "reason", "created_at"),
)
CATEGORY_COLUMNS = ("id", "household_id", "token", "since")
VISIT_COLUMNS = (
    *("id", "household_id", "executive_id", "visited_by_id", "org_id", "channel", "services"),
    *("note", "photo", "visited_on", "created_at"),
)
CASE_COLUMNS = (
    *("id", "number", "kind", "org_id", "origin_org_id", "household_id", "reporter_name"),
    *("reporter_phone", "source", "title", "description", "status", "assignee_id"),
    *("clock_started_at", "due_at", "warn_at", "supervision", "outcome", "satisfaction"),
    *("sensitive", "reported_by_id", "created_at", "updated_at", "resolved_at", "closed_at"),
)
TRANSITION_COLUMNS = (
    *("id", "case_id", "actor_id", "at", "action", "from_status", "to_status", "note"),
)


@dataclass
class _Rows:
    """A county's household rows, table by table, written once its grids are all generated."""

    persons: list[Row] = field(default_factory=list)
    households: list[Row] = field(default_factory=list)
    residents: list[Row] = field(default_factory=list)
    assignments: list[Row] = field(default_factory=list)
    categories: list[Row] = field(default_factory=list)
    visits: list[Row] = field(default_factory=list)
    cases: list[Row] = field(default_factory=list)
    transitions: list[Row] = field(default_factory=list)


class HouseholdsWriter(GeneratorBase):
    """The households part of the run (jinguo.demo.generate.run.Generator)."""

    def _households(self, grids: list[Grid]) -> None:
        """Households of every grid with their residents, 包保, categories, visits and cases;
        generated twice from the same seed state is not needed: each table is streamed from
        lists built once per county."""
        rows = _Rows()
        registered = self.today - dt.timedelta(days=400)
        created = self._moment(registered)
        for grid in grids:
            for _h in range(self.scale.households):
                self._household(rows, grid, registered, created)
        self._write_households(rows)

    def _household(
        self, rows: _Rows, grid: Grid, registered: dt.date, created: dt.datetime
    ) -> None:
        """One household: its members, 包保, category, visits, visit plan and maybe a case."""
        hid = self.ids.take(Household)
        self.household_seq += 1
        head_id = self._residents(rows, grid, hid, created)
        address = f"{self.rng.choice(STREETS)}{self.rng.randrange(1, 300)}号"
        executive, user = grid.executives[hid % len(grid.executives)]
        assignment = self.ids.take(HouseholdAssignment)
        rows.assignments.append(
            (assignment, hid, executive, "responsible", registered, None, None, "", created)
        )
        interval = self._category(rows, hid, registered)
        last = self._visits(rows, grid, hid, executive, user)
        # The stored visit plan (households.plan), computed here rather than refreshed.
        due = (last or registered) + dt.timedelta(days=interval) if interval else None
        number = f"H{self.household_seq:08d}"
        rows.households.append(
            (
                hid,
                number,
                grid.id,
                None,
                address,
                "",
                head_id,
                "",
                True,
                created,
                created,
                last,
                interval,
                due,
            )
        )
        if self.household_seq % self.scale.case_every == 0:
            self._case(rows.cases, rows.transitions, grid, hid, executive, user)

    def _residents(self, rows: _Rows, grid: Grid, hid: int, created: dt.datetime) -> int:
        """The household's members as people and residents, the head first; the head's id."""
        size = self.rng.choice(SIZES)
        head_id = self.ids.take(Person, size)
        for k in range(size):
            rows.persons.append(self._person(head_id + k, k, grid, created))
            relation = RELATIONS[min(k, len(RELATIONS) - 1)]
            rows.residents.append((self.ids.take(Resident), hid, head_id + k, relation))
        return head_id

    def _person(self, pk: int, k: int, grid: Grid, created: dt.datetime) -> Row:
        """The household's k-th member (0 the head, 1 the spouse, then children)."""
        name, initials = self._name()
        gender = "M" if k == 0 and self.rng.random() < 0.6 else "F"
        if k == 1:
            gender = "F"
        year = self.rng.randrange(1945, 1995) if k < 2 else self.rng.randrange(1995, 2020)
        birth = dt.date(year, self.rng.randrange(1, 13), self.rng.randrange(1, 29))
        return (
            pk,
            grid.id,
            name,
            initials,
            gender,
            "",
            "",
            "",
            encrypt_date(birth),
            "",
            "",
            "",
            False,
            created,
            created,
        )

    def _category(self, rows: _Rows, hid: int, registered: dt.date) -> int | None:
        """One household in five holds a category: its visit interval, else None."""
        if not (self.categories and self.rng.random() < 0.2):
            return None
        cat, interval = self.rng.choice(self.categories)
        token = category_token(cat)  # a keyed token, never the id (tokens)
        rows.categories.append((self.ids.take(HouseholdCategory), hid, token, registered))
        return interval

    def _visits(
        self, rows: _Rows, grid: Grid, hid: int, executive: int, user: int
    ) -> dt.date | None:
        """The household's visits of the last year (the scale's number on average): the day of
        the last one, or None."""
        last: dt.date | None = None
        for _v in range(self.rng.randrange(0, 2 * self.scale.visits + 1)):
            day = self.today - dt.timedelta(days=self.rng.randrange(0, 365))
            last = day if last is None else max(last, day)
            services = json.dumps([self.rng.choice(SERVICES)])
            pk = self.ids.take(Visit)
            channel = self.rng.choice(CHANNELS)
            rows.visits.append(
                (
                    pk,
                    hid,
                    executive,
                    user,
                    grid.id,
                    channel,
                    services,
                    "",
                    "",
                    day,
                    self._moment(day),
                )
            )
        return last

    def _write_households(self, rows: _Rows) -> None:
        self._write_people(rows.persons)
        tables: tuple[tuple[Any, tuple[str, ...], str, list[Row]], ...] = (
            (Household, HOUSEHOLD_COLUMNS, "households", rows.households),
            (Resident, RESIDENT_COLUMNS, "residents", rows.residents),
            (HouseholdAssignment, ASSIGNMENT_COLUMNS, "household_assignments", rows.assignments),
            (HouseholdCategory, CATEGORY_COLUMNS, "household_categories", rows.categories),
            (Visit, VISIT_COLUMNS, "visits", rows.visits),
            (Case, CASE_COLUMNS, "cases", rows.cases),
            (CaseTransition, TRANSITION_COLUMNS, "case_transitions", rows.transitions),
        )
        for model, columns, key, table in tables:
            self.writer.write(model, columns, table)
            self._count(key, len(table))

    def _case(
        self,
        cases: list[Row],
        transitions: list[Row],
        grid: Grid,
        hid: int,
        executive: int,
        user: int,
    ) -> None:
        """A case at the household's village, reported in the last year: two in three handled
        (resolved, with an outcome and often a satisfaction), the rest in progress."""
        pk = self.ids.take(Case)
        kind = self.rng.choice(DISPUTES)
        day = self.today - dt.timedelta(days=self.rng.randrange(1, 365))
        reported = self._moment(day)
        due = reported + dt.timedelta(days=21)
        warn = reported + dt.timedelta(days=21 * 0.7)
        done = self.rng.random() < 2 / 3
        resolved = reported + dt.timedelta(days=self.rng.randrange(1, 20)) if done else None
        if resolved is not None and resolved > self.now:
            resolved = self.now
        status = Case.Status.RESOLVED if done else Case.Status.IN_PROGRESS
        outcome = (
            self.rng.choice(("written_agreement", "oral_agreement", "not_resolved")) if done else ""
        )
        satisfaction = self.rng.randrange(3, 6) if done and self.rng.random() < 0.7 else None
        label = dict(Case.Kind.choices)[kind]
        cases.append(
            (
                pk,
                f"JF{day.year}-{pk:06d}",
                kind,
                grid.village_id,
                grid.village_id,
                hid,
                "",
                "",
                "staff",
                f"{label}（生成）",
                "",
                status,
                executive,
                reported,
                due,
                warn,
                "none",
                outcome,
                satisfaction,
                kind == Case.Kind.DOMESTIC_VIOLENCE,
                user,
                reported,
                resolved or reported,
                resolved,
                None,
            )
        )
        transitions.append(
            (self.ids.take(CaseTransition), pk, user, reported, "report", "", "reported", "")
        )
        start = reported + dt.timedelta(hours=2)
        transitions.append(
            (self.ids.take(CaseTransition), pk, user, start, "start", "reported", "in_progress", "")
        )
        if resolved is not None:
            transitions.append(
                (
                    self.ids.take(CaseTransition),
                    pk,
                    user,
                    resolved,
                    "resolve",
                    "in_progress",
                    "resolved",
                    "",
                )
            )
