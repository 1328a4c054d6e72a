"""The run: the city, then one transaction per county (its tree, executives and households),
then the sequences moved past the ids written."""

import time
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction

from jinguo.accounts.models import User
from jinguo.cases.models import Case, CaseTransition
from jinguo.demo.generate.base import (
    CITY_CODE,
    Grid,
    NotEmpty,
    Result,
    Row,
    Stat,
    database_is_empty,
    place,
)
from jinguo.demo.generate.households import HouseholdsWriter
from jinguo.demo.generate.people import PeopleWriter
from jinguo.households.models import (
    Category,
    GridAssignment,
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    Resident,
)
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import ExecutiveSeat, Person
from jinguo.visits.models import Visit


class Generator(PeopleWriter, HouseholdsWriter):
    """One run at one scale (jinguo.demo.generate.base.SCALES) into an empty database."""

    def run(self) -> Result:
        if not database_is_empty():
            raise NotEmpty
        started = time.perf_counter()
        self.categories = list(
            Category.objects.filter(is_active=True).values_list("id", "visit_interval_days")
        )
        with transaction.atomic():
            city = self._org("宣城市", "city", CITY_CODE, None)
            self._orgs([city])
            city_ref = (city[0], city[5])
            self._user("city_cadre", "市妇联干部", User.Role.CADRE, city[0], None, "宣城市")
            self._user("city_leader", "市妇联领导", User.Role.LEADER, city[0], None, "宣城市")
        for c in range(self.scale.counties):
            with transaction.atomic():
                self._skip_row_triggers()
                self._county(c, city_ref)
            self.log(f"county {c + 1}/{self.scale.counties} done, {self._elapsed(started)}")
        with transaction.atomic():
            self._finish()
        self.result.seconds = time.perf_counter() - started
        return self.result

    def _skip_row_triggers(self) -> None:
        """On PostgreSQL, as pg_restore --disable-triggers does: no per-row foreign-key trigger
        for this transaction's COPY (every id written here is one written just before, in
        this transaction or an earlier one). Left on where the role may not do it."""
        if not self.writer.postgres or not self.fast:
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")

    @staticmethod
    def _elapsed(started: float) -> str:
        return f"{time.perf_counter() - started:.1f} s"

    def _county(self, c: int, city: tuple[int, str]) -> None:
        s = self.scale
        code = CITY_CODE[:4] + f"{c + 1:02d}" + "000000"
        county = self._org(place(c) + "县", "county", code, city)
        grid_rows: list[Row] = []
        grids: list[Grid] = []
        villages: list[Row] = []
        townships: list[Row] = []
        for t in range(s.townships):
            t_code = code[:6] + f"{t + 1:03d}" + "000"
            suffix = "街道" if t == 0 else "镇"
            township = self._org(
                place(c * 100 + t) + suffix, "township", t_code, (county[0], county[5])
            )
            townships.append(township)
            for v in range(s.villages):
                kind = "community" if v % 3 == 0 else "village"
                v_name = place(c * 10_000 + t * 100 + v) + ("社区" if kind == "community" else "村")
                village = self._org(
                    v_name, kind, t_code[:9] + f"{v + 1:03d}", (township[0], township[5])
                )
                villages.append(village)
                for g in range(s.grids):
                    grid = self._org(
                        f"{v_name}{g + 1}组网格",
                        "grid",
                        village[3] + f"{g + 1:03d}",
                        (village[0], village[5]),
                    )
                    grid_rows.append(grid)
                    grids.append(Grid(grid[0], grid[5], grid[3], village[0], []))
        self._orgs([county, *townships, *villages, *grid_rows])
        county_name = county[1]
        self._user(
            f"county{c + 1}_cadre",
            f"{county_name}妇联干部",
            User.Role.CADRE,
            county[0],
            None,
            county_name,
        )
        if c == 0:
            first_t, first_v = townships[0], villages[0]
            self._user(
                "township_cadre",
                f"{first_t[1]}妇联干部",
                User.Role.CADRE,
                first_t[0],
                None,
                first_t[1],
            )
            self._user(
                "village_chair",
                f"{first_v[1]}妇联主席",
                User.Role.CADRE,
                first_v[0],
                None,
                first_v[1],
            )
        self._executives(grids, first_grid_member=c == 0)
        self._households(grids)

    def _finish(self) -> None:
        """Sequences past the ids written here, and fresh planner statistics on PostgreSQL."""
        started = time.perf_counter()
        models = [
            OrgUnit,
            Person,
            User,
            ExecutiveSeat,
            GridAssignment,
            Household,
            Resident,
            HouseholdAssignment,
            HouseholdCategory,
            Visit,
            Case,
            CaseTransition,
        ]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        if connection.vendor == "postgresql":
            transaction.on_commit(_analyze)
        self.result.stats["(sequences)"] = Stat(0, time.perf_counter() - started)


def _analyze() -> None:
    # VACUUM as well as ANALYZE: it marks the freshly written pages all-visible, without which
    # PostgreSQL's index-only scans read the table too. Autovacuum would do it in time, but
    # it may be off (it is on this project's CI server) and a benchmark should not wait for
    # it: on a city's new data the cold dashboard took ≈300 ms before, ≈200 ms after.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def generate(scale: str, **kwargs: Any) -> Result:
    return Generator(scale, **kwargs).run()
