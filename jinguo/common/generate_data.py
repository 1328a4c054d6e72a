"""Synthetic federation data at city scale for `jinguo generate` and the bench/ suite.

Rows are written straight to the tables the app reads (COPY on PostgreSQL, executemany on
SQLite), with ids chosen here so that materialised paths and foreign keys are known without
reading anything back; sequences are moved past them at the end. The data is what the
services would have written: valid division codes (12 digits, grids 15), paths of zero-padded
ids, residents in households with a head, one open 包保 assignment per household, executives
with a seat on their village's committee and a grid assignment, visits in the last 12 months by
the responsible executive's account, and cases with their transitions. ID numbers and phones
are left empty (valid for the encrypted fields); birth dates are written encrypted, as the app
stores them (AES-GCM, a few microseconds a person). One transaction per county.
"""

import datetime as dt
import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.cases.models import Case, CaseTransition
from jinguo.common.fields import encrypt_date
from jinguo.households.models import (
    Category,
    GridAssignment,
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    Resident,
)
from jinguo.households.tokens import category_token
from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import ExecutiveSeat, Person
from jinguo.people.names import pinyin_initials
from jinguo.visits.models import Visit

Row = Sequence[Any]


@dataclass(frozen=True)
class Scale:
    counties: int
    townships: int  # per county
    villages: int  # per township (every third one a community)
    grids: int  # per village
    households: int  # per grid
    visits: int  # per household, on average
    case_every: int  # one case per this many households


SCALES: dict[str, Scale] = {
    # ≈10,000 grids, 1,000,000 households, 3,000,000 residents, 10,000,000 visits.
    "city": Scale(10, 10, 10, 10, 100, 10, 100),
    # A tenth: one county of the city.
    "county": Scale(1, 10, 10, 10, 100, 10, 100),
    # Tiny, for tests on both databases: 2 counties × 1 township × 2 villages × 2 grids × 5.
    "town": Scale(2, 1, 2, 2, 5, 3, 4),
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
_GIVEN_TEXT = (
    "秀英 桂英 秀兰 玉兰 桂兰 秀珍 凤英 玉珍 玉英 兰英 小红 丽 敏 静 燕 "
    "艳 娟 霞 芳 婷 雪梅 海燕 红梅 春兰 淑珍 文 杰 涛 明 超 强 军 勇 "
    "磊 伟 建国 建华 志强 国强 平 欣怡 梓涵 子涵 雨桐 思雨 一诺 浩然 "
    "宇轩 子轩 梓萱 佳怡 晓燕 海英 金花 月娥 翠兰 丽华 桂珍 美玲 慧 颖 "
    "琳 洁 宁 晨 阳 鹏 辉 斌 飞 华 俊 嘉怡 雅琴 思琪 梦瑶"
)
GIVEN = tuple(_GIVEN_TEXT.split())
PLACE = "安和平青山河湖松桥溪东西南北中上下新兴富民丰泰宁康乐福祥瑞云峰林竹梅兰桃李柳杨"
STREETS = ("人民路", "解放路", "中山路", "建设路", "和平街", "新华街", "环城路", "胜利路")
DISPUTES = (
    Case.Kind.DISPUTE_MARRIAGE,
    Case.Kind.DISPUTE_NEIGHBOUR,
    Case.Kind.DISPUTE_SUPPORT,
    Case.Kind.DISPUTE_EMOTIONAL,
    Case.Kind.REQUEST,
    Case.Kind.DOMESTIC_VIOLENCE,
)
CITY_CODE = "341800000000"
PASSWORD = "Jinguo@2026"  # noqa: S105 (the generated cadres' password, printed by the command)
SIZES = (1, 2, 3, 3, 4, 5)  # household sizes, 3 on average
RELATIONS = ("head", "spouse", "child", "child", "parent")
CHANNELS = ("home", "home", "home", "phone", "wechat", "activity")
SERVICES = ("policy", "legal", "maternal_child_health", "family_education", "care", "other")


class NotEmpty(Exception):
    """The database already holds organisations, people, households or accounts."""


@dataclass
class Stat:
    rows: int = 0
    seconds: float = 0.0


@dataclass
class Result:
    scale: str
    counts: dict[str, int] = field(default_factory=dict)
    stats: dict[str, Stat] = field(default_factory=dict)
    seconds: float = 0.0
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, org


def database_is_empty() -> bool:
    models: tuple[Any, ...] = (OrgUnit, Person, Household, User, Visit, Case)
    return not any(model.objects.exists() for model in models)


def _place(i: int) -> str:
    n = len(PLACE)
    return PLACE[(i // n) % n] + PLACE[(i * 7 + 3) % n]


class _Writer:
    """COPY on PostgreSQL, executemany on SQLite; counts rows and time per table."""

    def __init__(self, stats: dict[str, Stat]) -> None:
        self.stats = stats
        self.postgres = connection.vendor == "postgresql"

    def write(self, model: Any, columns: Sequence[str], rows: Iterable[Row]) -> int:
        table = model._meta.db_table
        stat = self.stats.setdefault(table, Stat())
        started = time.perf_counter()
        count = 0
        names = ", ".join(columns)
        with connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                marks = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
                batch: list[Row] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= 20_000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        stat.rows += count
        stat.seconds += time.perf_counter() - started
        return count


class _Ids:
    """Next free id per model (the database is empty, but sequences may have moved)."""

    def __init__(self) -> None:
        self.next: dict[Any, int] = {}

    def take(self, model: Any, n: int = 1) -> int:
        if model not in self.next:
            self.next[model] = _start_id(model)
        first = self.next[model]
        self.next[model] = first + n
        return first


def _start_id(model: Any) -> int:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
            last, called = cursor.fetchone()
            return int(last) + 1 if called else int(last)
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        return int(found[0]) + 1 if found else 1


@dataclass
class _Grid:
    id: int
    path: str
    code: str
    village_id: int
    executives: list[tuple[int, int]]  # (person id, user id)


class Generator:
    def __init__(
        self,
        scale: str,
        *,
        seed: int = 2026,
        today: dt.date | None = None,
        log: Callable[[str], None] = lambda _msg: None,
        fast: bool = True,
    ) -> None:
        self.fast = fast
        self.name = scale
        self.scale = SCALES[scale]
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.log = log
        self.result = Result(scale=scale)
        self.writer = _Writer(self.result.stats)
        self.ids = _Ids()
        self.initials: dict[str, str] = {}
        self.categories: list[tuple[int, int]] = []  # (id, interval)
        self.household_seq = 0
        self.case_seq = 0

    # --- helpers ------------------------------------------------------------------------------

    def _count(self, key: str, n: int) -> None:
        self.result.counts[key] = self.result.counts.get(key, 0) + n

    def _name(self) -> tuple[str, str]:
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        found = self.initials.get(name)
        if found is None:
            found = self.initials[name] = pinyin_initials(name)
        return name, found

    def _moment(self, day: dt.date) -> dt.datetime:
        minutes = self.rng.randrange(8 * 60, 18 * 60)
        naive = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
        return timezone.make_aware(naive) if timezone.is_naive(naive) else naive

    def _org(self, name: str, kind: str, code: str, parent: tuple[int, str] | None) -> Row:
        pk = self.ids.take(OrgUnit)
        path = tree.child_path(parent[1] if parent else "", pk)
        self._count("orgs." + kind, 1)
        return (pk, name, kind, code, parent[0] if parent else None, path, True, self.now, self.now)

    # --- the run ------------------------------------------------------------------------------

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

    def _orgs(self, rows: list[Row]) -> None:
        columns = ("id", "name", "kind", "code", "parent_id", "path", "is_active")
        self.writer.write(OrgUnit, (*columns, "created_at", "updated_at"), rows)

    def _user(
        self,
        username: str,
        full_name: str,
        role: str,
        org_id: int,
        person_id: int | None,
        org_name: str,
    ) -> None:
        user = User(
            id=self.ids.take(User),  # ids of the COPY'd accounts are chosen here too
            username=username,
            full_name=full_name,
            role=role,
            org_id=org_id,
            person_id=person_id,
            password_changed_at=self.now,
        )
        user.set_password(PASSWORD)
        user.save()
        self._count("users", 1)
        self.result.users.append((username, role, org_name))

    def _county(self, c: int, city: tuple[int, str]) -> None:
        s = self.scale
        code = CITY_CODE[:4] + f"{c + 1:02d}" + "000000"
        county = self._org(_place(c) + "县", "county", code, city)
        grid_rows: list[Row] = []
        grids: list[_Grid] = []
        villages: list[Row] = []
        townships: list[Row] = []
        for t in range(s.townships):
            t_code = code[:6] + f"{t + 1:03d}" + "000"
            suffix = "街道" if t == 0 else "镇"
            township = self._org(
                _place(c * 100 + t) + suffix, "township", t_code, (county[0], county[5])
            )
            townships.append(township)
            for v in range(s.villages):
                kind = "community" if v % 3 == 0 else "village"
                v_name = _place(c * 10_000 + t * 100 + v) + (
                    "社区" if kind == "community" else "村"
                )
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
                    grids.append(_Grid(grid[0], grid[5], grid[3], village[0], []))
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

    def _executives(self, grids: list[_Grid], *, first_grid_member: bool) -> None:
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

    def _write_people(self, rows: Iterable[Row]) -> None:
        n = self.writer.write(
            Person,
            (
                "id",
                "org_id",
                "name",
                "name_initials",
                "gender",
                "id_number",
                "id_hash",
                "id_tail",
                "birth_date",
                "phone",
                "phone_tail",
                "education",
                "party_member",
                "created_at",
                "updated_at",
            ),
            rows,
        )
        self._count("persons", n)

    def _households(self, grids: list[_Grid]) -> None:
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
        grid: _Grid,
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
