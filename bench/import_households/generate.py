"""A realistic generated roster: ~3 residents a household, valid ID numbers, ~50 grids."""

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import xlsxwriter

from jinguo.people.idcard import check_digit

# The households template's headers (jinguo.imports.rosters.HOUSEHOLD_COLUMNS); kept here so
# generating needs no Django set-up. The bench checks they agree.
HEADERS = [
    "户号",
    "所属网格",
    "姓名",
    "与户主关系",
    "身份证号",
    "性别",
    "出生日期",
    "联系电话",
    "户籍地址",
    "现住址",
    "现居住网格",
    "重点类别",
    "包保执委",
    "备注",
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "秀英华玉兰桂芳珍梅丽敏静燕红霞娟琴云莲萍琳婷雪慧文明国建平志伟军强勇杰涛斌超波辉"
    "刚健春冬秋海林山水月星宇浩然子涵欣怡佳雨晨"
)
CATEGORIES = [
    "低保",
    "特困",
    "残疾",
    "大病",
    "困境儿童",
    "留守儿童",
    "留守妇女",
    "独居老人",
    "流动人口",
]
RELATIONS = ["配偶", "子女", "子女", "父母", "孙子女", "兄弟姐妹"]
VILLAGES = 10
GRIDS_PER_VILLAGE = 5
EXECUTIVES_PER_GRID = 2


def village_code(v: int) -> str:
    return f"341881001{v + 1:03d}"


def grid_code(v: int, g: int) -> str:
    return f"{village_code(v)}{g + 1:03d}"


def executive_name(v: int, g: int, e: int) -> str:
    # Unique within a grid; "执委" keeps them apart from generated residents.
    return f"{SURNAMES[(v * 7 + g * 3 + e) % len(SURNAMES)]}执委{v + 1}{g + 1}{e + 1}"


class _Ids:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def make(self, birth: dt.date, female: bool) -> str:
        while True:
            region = f"3418{self.rng.randint(1, 81):02d}"
            seq = self.rng.randint(0, 499) * 2 + (0 if female else 1)
            first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
            number = first17 + check_digit(first17)
            if number not in self.used:
                self.used.add(number)
                return number


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def _birth(rng: random.Random, low: int, high: int) -> dt.date:
    today = dt.date(2026, 1, 1)
    return today - dt.timedelta(days=rng.randint(low * 365, high * 365))


def rows(count: int, seed: int = 2026) -> Iterator[list[Any]]:
    """Yield `count` resident rows in the template's column order."""
    rng = random.Random(seed)
    ids = _Ids(rng)
    written = 0
    household = 0
    while written < count:
        household += 1
        v, g = rng.randrange(VILLAGES), rng.randrange(GRIDS_PER_VILLAGE)
        size = min(count - written, rng.choice((1, 2, 3, 3, 3, 4, 4, 5)))
        number = f"{grid_code(v, g)}{household:06d}"
        address = f"宁国市河沥溪街道第{v + 1}村{g + 1}组{rng.randint(1, 300)}号"
        relocated = rng.random() < 0.03
        categories = (
            "、".join(rng.sample(CATEGORIES, rng.choice((1, 1, 2)))) if rng.random() < 0.3 else ""
        )
        executive = executive_name(v, g, rng.randrange(EXECUTIVES_PER_GRID))
        living_address = f"宣城市宣州区新村{rng.randint(1, 99)}号" if relocated else address
        living_grid = (
            grid_code(rng.randrange(VILLAGES), rng.randrange(GRIDS_PER_VILLAGE))
            if relocated
            else ""
        )
        for index in range(size):
            female = rng.random() < 0.55
            birth = _birth(rng, 25, 80) if index < 2 else _birth(rng, 1, 60)
            phone = (
                f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}"
                if rng.random() < 0.8
                else ""
            )
            yield [
                number,
                grid_code(v, g),
                _name(rng),
                "户主" if index == 0 else rng.choice(RELATIONS),
                ids.make(birth, female),
                "女" if female else "男",
                birth,
                phone,
                address,
                living_address,
                living_grid,
                categories,
                executive,
                "",
            ]
            written += 1


def write(path: Path, count: int, seed: int = 2026) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("家庭成员花名册")
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADERS)
    for r, values in enumerate(rows(count, seed), start=1):
        for c, value in enumerate(values):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            elif value:
                sheet.write_string(r, c, value, text)
    book.close()
    return path
