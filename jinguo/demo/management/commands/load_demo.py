"""`jinguo load_demo`: a demo prefecture built through the services, with a login for every role.

宣城市 with three counties (宁国市, 郎溪县, 广德市), their townships, the Songhe community of the
seed case (嵩合社区 under 河沥溪街道: six grids named after its six resident groups, nine
executives) and generated villages and communities with grids and micro-grids, a few
non-territorial federations and venues. Everything goes through `org_create`, `venue_create`
and `user_create`, so paths, history and the audit log are what production makes.

The generated part is deterministic for a given --seed. The command only runs on a database
without organisations.
"""

import random
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from jinguo.accounts import totp
from jinguo.accounts.models import User
from jinguo.accounts.roles import ADMIN_ROLES, Role
from jinguo.accounts.services import user_create, user_totp_enable
from jinguo.demo.activities import ActivitiesDemo
from jinguo.demo.assessments import AssessmentsDemo
from jinguo.demo.backups import BackupsDemo
from jinguo.demo.employment import EmploymentDemo
from jinguo.demo.honours import HonoursDemo
from jinguo.demo.imports import ImportsDemo
from jinguo.demo.intake import IntakeDemo
from jinguo.demo.ledger import LedgerBuilder
from jinguo.demo.meetings import MeetingsDemo
from jinguo.demo.notices import NoticesDemo
from jinguo.demo.office import OfficeDemo
from jinguo.demo.points import PointsDemo
from jinguo.demo.reminders import RemindersDemo
from jinguo.demo.rounds import RoundsDemo
from jinguo.demo.sanxin import SanxinDemo
from jinguo.demo.tallies import TalliesDemo
from jinguo.demo.teams import TeamsDemo
from jinguo.demo.trainings import TrainingsDemo
from jinguo.demo.visits_and_cases import VisitsAndCasesBuilder
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.services import org_create, venue_create
from jinguo.people.models import Person

# Built after the ledger, visits and cases, in this order: points collect from meetings,
# trainings and volunteer hours; assessments read points; the report rounds read everything;
# a task's return links to a visit; a grid member's choice of 企业微信 (office) comes before
# the day's reminders (每日提醒), sent from every record; the tallies are refreshed,
# and the night's backup runs last, over all of it.
WORK_DEMOS = (
    TeamsDemo,
    MeetingsDemo,
    ActivitiesDemo,
    TrainingsDemo,
    SanxinDemo,
    HonoursDemo,
    EmploymentDemo,
    PointsDemo,
    AssessmentsDemo,
    RoundsDemo,
    NoticesDemo,
    IntakeDemo,
    ImportsDemo,
    OfficeDemo,
    RemindersDemo,
    TalliesDemo,
    BackupsDemo,
)

# One password for every demo account; it meets the password policy (8+ characters, 3 classes).
PASSWORD = "Jinguo@2026"  # noqa: S105 - the published demo password
DEFAULT_SEED = 2026
DEFAULT_VILLAGES = 20

# venue_create types its actor as User although the audit log accepts None (a system action).

CITY = ("宣城市", "341800000000")
# County name, its six-digit prefix, and its townships (name, three-digit township number:
# 001–099 streets 街道, 100–199 towns 镇, 200–399 townships 乡, as in the statistical codes).
COUNTIES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "宁国市",
        "341881",
        [
            ("河沥溪街道", "001"),
            ("西津街道", "002"),
            ("南山街道", "003"),
            ("港口镇", "100"),
            ("梅林镇", "101"),
            ("中溪镇", "102"),
            ("甲路镇", "105"),
            ("万家乡", "200"),
        ],
    ),
    (
        "郎溪县",
        "341821",
        [
            ("建平镇", "100"),
            ("新发镇", "101"),
            ("涛城镇", "102"),
            ("梅渚镇", "103"),
            ("十字镇", "104"),
            ("毕桥镇", "105"),
        ],
    ),
    (
        "广德市",
        "341882",
        [
            ("桃州镇", "100"),
            ("誓节镇", "101"),
            ("邱村镇", "102"),
            ("新杭镇", "103"),
            ("四合乡", "200"),
        ],
    ),
]

SONGHE = ("嵩合社区", "341881001001")
SONGHE_ADDRESS = "宁国市河沥溪街道嵩合社区党群服务中心"
# The six resident groups of the seed case, each one grid with one executive (its group leader).
SONGHE_GROUPS = ["巫山组", "程家湾组", "汪明堂组", "董家店组", "陈村组", "张村组"]
# A fixed village beside Songhe, so that a village chair can show what she does not see.
XISHAN = ("西山村", "341881001200")

# Syllables for generated names: villages are "<a><b>村", communities "<c><d>社区", village
# groups (natural villages) "<a><b>组".
VILLAGE_FIRST = "桃杨柳石竹梅黄高东南北新大小青白金龙凤霞松枫茶桂荷槐柏杉双三五七九上下前后"
VILLAGE_SECOND = "山林塘湾桥坑岭冲园溪滩坝庄田铺岗岩坞畈圩墩阳河源潭"
COMMUNITY_FIRST = "锦翠华永康和宁新东西南北文安兴城河津"
COMMUNITY_SECOND = "城苑园华兴阳光明泰和丰福安平"
ORDINALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    org_key: str  # key into the fixed organisations; "" for the administrators
    sees: str


def _grid_key(group: str) -> str:
    return f"grid:{group}"


SONGHE_SCOPE = "嵩合社区及其6个网格，可编辑"
# (username, full name, role, key of the fixed organisation, what the account sees).
_USERS: list[tuple[str, str, str, str, str]] = [
    # The nine Songhe executives: three community cadres (社区两委) and six group leaders.
    ("songhe", "汪晓琴", Role.CADRE, "songhe", f"社区妇联主席（社区两委）：{SONGHE_SCOPE}"),
    ("songhe2", "程丽华", Role.CADRE, "songhe", f"社区两委、妇联副主席：{SONGHE_SCOPE}"),
    ("songhe3", "方玉梅", Role.CADRE, "songhe", f"社区两委、妇联执委：{SONGHE_SCOPE}"),
    *(
        (username, full_name, Role.GRID_MEMBER, _grid_key(group), f"只看本网格（{group}网格）")
        for username, full_name, group in [
            ("wushan", "吴春霞", "巫山组"),
            ("chengjiawan", "程桂芳", "程家湾组"),
            ("wangmingtang", "汪美玲", "汪明堂组"),
            ("dongjiadian", "董文娟", "董家店组"),
            ("chencun", "陈小红", "陈村组"),
            ("zhangcun", "张秀英", "张村组"),
        ]
    ),
    ("city", "李静", Role.CADRE, "city", "全市所有县（市）、乡镇、村、网格，可编辑"),
    ("ningguo", "周敏", Role.CADRE, "宁国市", "宁国市及以下，可编辑；看不到郎溪县、广德市"),
    ("helixi", "胡燕", Role.CADRE, "helixi", "河沥溪街道各村（社区）及网格，可编辑"),
    ("xishan", "陶红梅", Role.CADRE, "xishan", "只看西山村及其网格；看不到嵩合社区"),
    ("langxi", "孙丽", Role.CADRE, "郎溪县", "郎溪县及以下，可编辑；看不到宁国市"),
    ("leader", "王志强", Role.LEADER, "宁国市", "宁国市及以下，只读"),
    ("sysadmin", "赵磊", Role.SYSTEM_ADMIN, "", "用户与角色、系统后台（/admin/）；无业务数据"),
    ("secadmin", "钱芳", Role.SECURITY_ADMIN, "", "账号安全、启用与停用；无业务数据"),
    ("auditor", "郑洁", Role.AUDIT_ADMIN, "", "审计日志；无业务数据"),
]
DEMO_USERS = [DemoUser(*row) for row in _USERS]


class Builder:
    """Creates the demo tree; `orgs` keeps the fixed units that the demo users belong to."""

    def __init__(self, *, seed: int, villages: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not security
        self.villages = villages
        self.orgs: dict[str, OrgUnit] = {}
        self.venues = 0

    def org(self, *, parent: OrgUnit | None, name: str, kind: str, code: str = "") -> OrgUnit:
        return org_create(actor=None, parent=parent, name=name, kind=kind, code=code)

    def venue(self, *, org: OrgUnit, kind: str, name: str, address: str) -> None:
        venue_create(actor=None, org=org, kind=kind, name=name, address=address)
        self.venues += 1

    def build(self) -> None:
        city = self.org(parent=None, name=CITY[0], kind=Kind.CITY, code=CITY[1])
        self.orgs["city"] = city
        for county_name, prefix, townships in COUNTIES:
            county = self.org(
                parent=city, name=county_name, kind=Kind.COUNTY, code=f"{prefix}000000"
            )
            self.orgs[county_name] = county
            self.build_county(county=county, prefix=prefix, townships=townships)
        self.build_federations()

    def build_county(
        self, *, county: OrgUnit, prefix: str, townships: list[tuple[str, str]]
    ) -> None:
        units = [
            self.org(parent=county, name=name, kind=Kind.TOWNSHIP, code=f"{prefix}{number}000")
            for name, number in townships
        ]
        # Next free village number in each township: communities 001–199, villages 200–399.
        next_community = {t.pk: 1 for t in units}
        next_village = {t.pk: 200 for t in units}
        used_names: dict[int, set[str]] = {t.pk: set() for t in units}
        if county.code == "341881000000":
            helixi = units[0]
            self.orgs["helixi"] = helixi
            self.build_songhe(helixi)
            xishan = self.org(parent=helixi, name=XISHAN[0], kind=Kind.VILLAGE, code=XISHAN[1])
            self.orgs["xishan"] = xishan
            self.build_grids(xishan)
            self.venue(
                org=xishan,
                kind=Venue.Kind.WOMEN_HOME,
                name="西山村妇女之家",
                address="宁国市河沥溪街道西山村村民委员会",
            )
            next_community[helixi.pk], next_village[helixi.pk] = 2, 201
            used_names[helixi.pk] |= {SONGHE[0], XISHAN[0]}
        for i in range(self.villages):
            township = units[i % len(units)]
            # Streets are urban (communities); a town's first unit is its seat's community.
            urban = township.name.endswith("街道") or next_community[township.pk] == 1
            if urban:
                kind, number = Kind.COMMUNITY, next_community[township.pk]
                next_community[township.pk] += 1
            else:
                kind, number = Kind.VILLAGE, next_village[township.pk]
                next_village[township.pk] += 1
            name = self.unique_name(kind, used_names[township.pk])
            village = self.org(
                parent=township, name=name, kind=kind, code=f"{township.code[:9]}{number:03d}"
            )
            self.build_grids(village)
            address = f"{county.name}{township.name}{name}"
            self.venue(
                org=village, kind=Venue.Kind.WOMEN_HOME, name=f"{name}妇女之家", address=address
            )

    def build_songhe(self, helixi: OrgUnit) -> None:
        songhe = self.org(parent=helixi, name=SONGHE[0], kind=Kind.COMMUNITY, code=SONGHE[1])
        self.orgs["songhe"] = songhe
        for i, group in enumerate(SONGHE_GROUPS, start=1):
            grid = self.org(
                parent=songhe, name=f"{group}网格", kind=Kind.GRID, code=f"{songhe.code}{i:03d}"
            )
            self.orgs[_grid_key(group)] = grid
        for kind, name in [
            (Venue.Kind.WOMEN_HOME, "嵩合社区妇女之家"),
            (Venue.Kind.EXECUTIVE_STUDIO, "嵩合社区妇联执委工作室"),
            (Venue.Kind.MEDIATION_ROOM, "嵩合社区婚姻家庭纠纷调解室"),
        ]:
            self.venue(org=songhe, kind=kind, name=name, address=SONGHE_ADDRESS)

    def build_grids(self, village: OrgUnit) -> None:
        """2–6 grids; about one in four of them split into 2–3 micro-grids."""
        rural = village.kind == Kind.VILLAGE
        groups: set[str] = set()
        for g in range(1, self.rng.randint(2, 6) + 1):
            if rural:
                group = self.unique_name("group", groups)
                name = f"{group}网格"
            else:
                group, name = "", f"第{ORDINALS[g - 1]}网格"
            grid = self.org(
                parent=village, name=name, kind=Kind.GRID, code=f"{village.code}{g:03d}"
            )
            if self.rng.random() >= 1 / 4:
                continue
            buildings = self.rng.sample(range(1, 30), 3)
            for m in range(1, self.rng.randint(2, 3) + 1):
                micro = (
                    f"{group}第{ORDINALS[m - 1]}妇女小组"
                    if rural
                    else f"{buildings[m - 1]}号楼微网格"
                )
                self.org(parent=grid, name=micro, kind=Kind.MICRO_GRID, code=f"{grid.code}{m:03d}")
            if rural:
                self.venue(
                    org=grid,
                    kind=Venue.Kind.WOMEN_MICRO_HOME,
                    name=f"{group}妇女微家",
                    address=f"{village.name}{group}",
                )

    def unique_name(self, kind: str, used: set[str]) -> str:
        first, second, suffix = {
            Kind.VILLAGE: (VILLAGE_FIRST, VILLAGE_SECOND, "村"),
            Kind.COMMUNITY: (COMMUNITY_FIRST, COMMUNITY_SECOND, "社区"),
            "group": (VILLAGE_FIRST, VILLAGE_SECOND, "组"),
        }[kind]
        while True:
            a, b = self.rng.choice(first), self.rng.choice(second)
            name = f"{a}{b}{suffix}"
            if a != b and name not in used:
                used.add(name)
                return name

    def build_federations(self) -> None:
        """Non-territorial federations: agency, enterprise, industry and new-employment."""
        city, ningguo, langxi = self.orgs["city"], self.orgs["宁国市"], self.orgs["郎溪县"]
        self.org(parent=city, name="宣城市直机关妇委会", kind=Kind.AGENCY)
        self.org(parent=ningguo, name="宁国市皖南橡塑制品有限公司妇联", kind=Kind.ENTERPRISE)
        express = self.org(parent=ningguo, name="宁国市快递行业妇联", kind=Kind.INDUSTRY)
        self.org(parent=express, name="宁国市快递员新就业群体妇联", kind=Kind.NEW_EMPLOYMENT)
        self.org(parent=ningguo, name="宁国市外卖骑手妇联", kind=Kind.NEW_EMPLOYMENT)
        self.org(parent=langxi, name="郎溪县直播电商妇联", kind=Kind.NEW_ECONOMIC)

    def create_users(self) -> None:
        for spec in DEMO_USERS:
            user_create(
                actor=None,
                username=spec.username,
                full_name=spec.full_name,
                role=spec.role,
                org=self.orgs[spec.org_key] if spec.org_key else None,
                password=PASSWORD,
            )
        # Administrators cannot work without a second factor; the demo enrols them so that
        # `jinguo totp_code <username>` can give the code (DEBUG only).
        for admin in User.objects.filter(role__in=sorted(ADMIN_ROLES)):
            secret = totp.new_secret()
            code = totp.code_at(secret, totp.current_step())
            user_totp_enable(actor=admin, user=admin, secret=secret, code=code)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def logins_table() -> str:
    """The demo logins as an aligned text table (Chinese characters count as two columns)."""
    users = {u.username: u for u in User.objects.select_related("org")}
    rows = [["用户名", "密码", "角色", "范围", "能看到什么"]]
    for spec in DEMO_USERS:
        user = users[spec.username]
        scope = user.org.name if user.org else "（无，三员）"
        rows.append([spec.username, PASSWORD, user.get_role_display(), scope, spec.sees])
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for n, row in enumerate(rows):
        cells = [_pad(cell, w) for cell, w in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]))
        if n == 0:
            lines.append("  ".join("-" * w for w in [*widths, _width(row[-1])]))
    lines.append("")
    lines.append(
        "三员账号已启用动态口令：登录时另开终端运行 make totp NAME=<用户名> "
        "获取6位数字（即以演示环境的 JINGUO_DEBUG=true 与 DATABASE_URL 运行 jinguo totp_code；"
        "仅在开发/演示环境可用）。"
    )
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "在空数据库中生成演示数据：宣城市的组织树、嵩合社区的6个网格和9名执委，"
        "以及各角色的演示账号。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"随机种子，相同的种子生成相同的数据（默认 {DEFAULT_SEED}）",
        )
        parser.add_argument(
            "--villages",
            type=int,
            default=DEFAULT_VILLAGES,
            help=(
                f"每个县（市）生成的村（社区）数量，不含嵩合社区和西山村（默认 {DEFAULT_VILLAGES}）"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.JINGUO_DEMO_DATA_ALLOWED:
            raise CommandError(
                _("生产环境（JINGUO_DEBUG=false）不能加载演示数据：演示账号的密码是公开的。")
            )
        villages: int = options["villages"]
        if villages < 0:
            raise CommandError("--villages 不能为负数")
        existing = OrgUnit.objects.count()
        if existing:
            raise CommandError(
                f"数据库中已有 {existing} 个组织，load_demo 只能在空数据库上运行，未做任何修改。"
                "请换一个新数据库（make demo 会重建 var/demo.sqlite3）。"
            )
        taken = list(
            User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list(
                "username", flat=True
            )
        )
        if taken:
            raise CommandError(f"演示账号已存在：{'、'.join(taken)}；未做任何修改。")

        builder = Builder(seed=options["seed"], villages=villages)
        try:
            with transaction.atomic():
                builder.build()
                builder.create_users()
                ledger = LedgerBuilder(rng=builder.rng, orgs=builder.orgs)
                ledger.build()
                activity = VisitsAndCasesBuilder(orgs=builder.orgs)
                activity.build()
                work = [demo(builder.orgs).build() for demo in WORK_DEMOS]
        except ValidationError as exc:
            raise CommandError(f"生成演示数据失败，已全部回滚：{exc.messages}") from exc

        counts = {kind: OrgUnit.objects.filter(kind=kind).count() for kind in Kind}
        summary = "，".join(f"{kind.label}{n}个" for kind, n in counts.items() if n)
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成：{summary}；阵地{builder.venues}个；"
                f"家庭{ledger.households}户，人员{Person.objects.count()}人，"
                f"走访{activity.visits}次。"
            )
        )
        self.stdout.write("；".join(work) + "。")
        self.stdout.write("")
        self.stdout.write(logins_table())
