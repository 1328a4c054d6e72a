"""The executives of every village: a person, a seat on the committee, a grid assignment and an
account each."""

import datetime as dt

from django.contrib.auth.hashers import make_password

from jinguo.accounts.models import User
from jinguo.common.fields import encrypt_date
from jinguo.demo.generate.base import PASSWORD, GeneratorBase, Grid, Row
from jinguo.households.models import GridAssignment
from jinguo.people.models import ExecutiveSeat, Person


class PeopleWriter(GeneratorBase):
    """The executives part of the run (jinguo.demo.generate.run.Generator)."""

    def _executives(self, grids: list[Grid], *, first_grid_member: bool) -> None:
        """1–2 executives a grid: a person at the grid, a seat on the village committee (the
        first of each village its chair), a grid assignment and a grid-member account."""
        people: list[Row] = []
        seats: list[Row] = []
        assignments: list[Row] = []
        users: list[Row] = []
        term = dt.date(self.today.year - 2, 1, 1)
        chaired: set[int] = set()
        unusable = make_password(None)
        for i, grid in enumerate(grids):
            for _e in range(1 if i % 2 else 2):
                pid = self.ids.take(Person)
                uid = self.ids.take(User)
                name, initials = self._name()
                birth = dt.date(self.rng.randrange(1965, 1995), self.rng.randrange(1, 13), 1)
                education = self.rng.choice(("senior", "college", "bachelor", "junior"))
                party = self.rng.random() < 0.4
                people.append(
                    (
                        pid,
                        grid.id,
                        name,
                        initials,
                        "F",
                        "",
                        "",
                        "",
                        encrypt_date(birth),
                        "",
                        "",
                        education,
                        party,
                        self.now,
                        self.now,
                    )
                )
                post = "member"
                if grid.village_id not in chaired:
                    chaired.add(grid.village_id)
                    post = "chair"
                seats.append(
                    (self.ids.take(ExecutiveSeat), pid, grid.village_id, post, False, term, "")
                )
                assignments.append((self.ids.take(GridAssignment), pid, grid.id, term, ""))
                users.append(
                    (
                        uid,
                        unusable,
                        f"m{pid}",
                        name,
                        "",
                        "grid_member",
                        grid.id,
                        pid,
                        True,
                        self.now,
                        None,
                        0,
                        "",
                        0,
                    )
                )
                grid.executives.append((pid, uid))
        self._write_people(people)
        if first_grid_member:
            # The first executive can sign in: a usable password on her account.
            first = list(users[0])
            first[1] = make_password(PASSWORD)
            first[2] = "grid_member"
            first[10] = self.now
            users[0] = tuple(first)
            self.result.users.append(("grid_member", "grid_member", "网格"))
        self.writer.write(
            User,
            (
                "id",
                "password",
                "username",
                "full_name",
                "phone",
                "role",
                "org_id",
                "person_id",
                "is_active",
                "date_joined",
                "password_changed_at",
                "failed_logins",
                "totp_secret",
                "totp_last_step",
            ),
            users,
        )
        self._count("users", len(users))
        self._count("executives", len(people))
        self.writer.write(
            ExecutiveSeat,
            ("id", "person_id", "org_id", "post", "full_time", "term_start", "ended_reason"),
            seats,
        )
        self._count("seats", len(seats))
        self.writer.write(
            GridAssignment, ("id", "executive_id", "grid_id", "start_date", "reason"), assignments
        )
        self._count("grid_assignments", len(assignments))
