"""The generator's scales, vocabulary, row writer and id allocator, and the state and helpers
every part of the run shares (jinguo.demo.generate.run puts the parts together)."""

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.cases.models import Case
from jinguo.households.models import Household
from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
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


def place(i: int) -> str:
    n = len(PLACE)
    return PLACE[(i // n) % n] + PLACE[(i * 7 + 3) % n]


class Writer:
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


class Ids:
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
class Grid:
    id: int
    path: str
    code: str
    village_id: int
    executives: list[tuple[int, int]]  # (person id, user id)


class GeneratorBase:
    """The run's state and the helpers its parts share."""

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
        self.writer = Writer(self.result.stats)
        self.ids = Ids()
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
