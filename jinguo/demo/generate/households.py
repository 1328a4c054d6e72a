"""Households with their residents, categories and 包保 assignment, their visits, and cases with
their transitions."""

import datetime as dt
import json

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


class HouseholdsWriter(GeneratorBase):
    """The households part of the run (jinguo.demo.generate.run.Generator)."""

    def _households(self, grids: list[Grid]) -> None:
        """Households of every grid with their residents, 包保, categories, visits and cases;
        generated twice from the same seed state is not needed: each table is streamed from
        lists built once per county."""
        s = self.scale
        households: list[Row] = []
        residents: list[Row] = []
        persons: list[Row] = []
        categories: list[Row] = []
        assignments: list[Row] = []
        visits: list[Row] = []
        cases: list[Row] = []
        transitions: list[Row] = []
        registered = self.today - dt.timedelta(days=400)
        created = self._moment(registered)
        for grid in grids:
            for _h in range(s.households):
                hid = self.ids.take(Household)
                self.household_seq += 1
                size = self.rng.choice(SIZES)
                head_id = self.ids.take(Person, size)
                for k in range(size):
                    name, initials = self._name()
                    gender = "M" if k == 0 and self.rng.random() < 0.6 else "F"
                    if k == 1:
                        gender = "F"
                    year = (
                        self.rng.randrange(1945, 1995) if k < 2 else self.rng.randrange(1995, 2020)
                    )
                    birth = dt.date(year, self.rng.randrange(1, 13), self.rng.randrange(1, 29))
                    persons.append(
                        (
                            head_id + k,
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
                    )
                    relation = RELATIONS[min(k, len(RELATIONS) - 1)]
                    residents.append((self.ids.take(Resident), hid, head_id + k, relation))
                address = f"{self.rng.choice(STREETS)}{self.rng.randrange(1, 300)}号"
                executive, user = grid.executives[hid % len(grid.executives)]
                assignments.append(
                    (
                        self.ids.take(HouseholdAssignment),
                        hid,
                        executive,
                        "responsible",
                        registered,
                        None,
                        None,
                        "",
                        created,
                    )
                )
                interval: int | None = None
                if self.categories and self.rng.random() < 0.2:
                    cat, interval = self.rng.choice(self.categories)
                    token = category_token(cat)  # a keyed token, never the id (tokens)
                    categories.append((self.ids.take(HouseholdCategory), hid, token, registered))
                last: dt.date | None = None
                for _v in range(self.rng.randrange(0, 2 * s.visits + 1)):
                    day = self.today - dt.timedelta(days=self.rng.randrange(0, 365))
                    last = day if last is None else max(last, day)
                    services = json.dumps([self.rng.choice(SERVICES)])
                    visits.append(
                        (
                            self.ids.take(Visit),
                            hid,
                            executive,
                            user,
                            grid.id,
                            self.rng.choice(CHANNELS),
                            services,
                            "",
                            "",
                            day,
                            self._moment(day),
                        )
                    )
                # The stored visit plan (households.plan), computed here rather than refreshed.
                due = (last or registered) + dt.timedelta(days=interval) if interval else None
                households.append(
                    (
                        hid,
                        f"H{self.household_seq:08d}",
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
                if self.household_seq % s.case_every == 0:
                    self._case(cases, transitions, grid, hid, executive, user)
        self._write_people(persons)
        self.writer.write(
            Household,
            (
                "id",
                "number",
                "grid_id",
                "living_grid_id",
                "address",
                "living_address",
                "head_id",
                "note",
                "is_active",
                "created_at",
                "updated_at",
                "last_visited_on",
                "visit_interval_days",
                "visit_due_on",
            ),
            households,
        )
        self._count("households", len(households))
        self.writer.write(Resident, ("id", "household_id", "person_id", "relation"), residents)
        self._count("residents", len(residents))
        self.writer.write(
            HouseholdAssignment,
            (
                "id",
                "household_id",
                "executive_id",
                "kind",
                "start_date",
                "end_date",
                "assigned_by_id",
                "reason",
                "created_at",
            ),
            assignments,
        )
        self._count("household_assignments", len(assignments))
        self.writer.write(HouseholdCategory, ("id", "household_id", "token", "since"), categories)
        self._count("household_categories", len(categories))
        self.writer.write(
            Visit,
            (
                "id",
                "household_id",
                "executive_id",
                "visited_by_id",
                "org_id",
                "channel",
                "services",
                "note",
                "photo",
                "visited_on",
                "created_at",
            ),
            visits,
        )
        self._count("visits", len(visits))
        self.writer.write(
            Case,
            (
                "id",
                "number",
                "kind",
                "org_id",
                "origin_org_id",
                "household_id",
                "reporter_name",
                "reporter_phone",
                "source",
                "title",
                "description",
                "status",
                "assignee_id",
                "clock_started_at",
                "due_at",
                "warn_at",
                "supervision",
                "outcome",
                "satisfaction",
                "sensitive",
                "reported_by_id",
                "created_at",
                "updated_at",
                "resolved_at",
                "closed_at",
            ),
            cases,
        )
        self._count("cases", len(cases))
        self.writer.write(
            CaseTransition,
            ("id", "case_id", "actor_id", "at", "action", "from_status", "to_status", "note"),
            transitions,
        )
        self._count("case_transitions", len(transitions))

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
