"""Matching what a ledger writes to what we keep: grid names, categories, executives.

Pure functions over names, with no database: the preview (jinguo/imports/preview.py) calls them
with the scope's grids, the active categories and the unit's executives, and suggests what a
value the import would not resolve as written most likely means. The user confirms.

Names are compared folded: full-width forms to half-width (NFKC), spaces removed, traditional
characters to simplified (OpenCC), and for grids the usual suffixes (组, 网格, 村民小组 …) left
off, so «巫山», «巫山組» and «巫山组网格» all name 巫山组网格.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from opencc import OpenCC

# Longest first: «村民小组» before «小组» before «组».
GRID_SUFFIXES = ("村民小组", "居民小组", "村民组", "居民组", "小组", "网格", "组")

# What ledgers write for the default categories (households.migrations.0003), beyond their
# names and codes. Keys and targets are category names, folded.
CATEGORY_SYNONYMS: dict[str, str] = {
    "低保户": "低保",
    "低保对象": "低保",
    "低保家庭": "低保",
    "低保人员": "低保",
    "城乡低保": "低保",
    "农村低保": "低保",
    "城市低保": "低保",
    "最低生活保障": "低保",
    "特困户": "特困",
    "特困供养": "特困",
    "特困人员": "特困",
    "特困供养人员": "特困",
    "五保户": "特困",
    "五保": "特困",
    "残疾人": "残疾",
    "残疾人家庭": "残疾",
    "残疾家庭": "残疾",
    "残疾户": "残疾",
    "大病家庭": "大病",
    "大病患者": "大病",
    "重大疾病": "大病",
    "困境儿童家庭": "困境儿童",
    "留守儿童家庭": "留守儿童",
    "留守妇女家庭": "留守妇女",
    "独居": "独居老人",
    "独居老年人": "独居老人",
    "流动人员": "流动人口",
    "外来人口": "流动人口",
    "单亲妈妈": "单亲母亲",
    "单亲母亲家庭": "单亲母亲",
    "孕妇": "孕产妇",
    "产妇": "孕产妇",
}
# A category written with a tail: «低保户», «残疾人家庭».
_CATEGORY_TAILS = ("人员家庭", "家庭", "对象", "人员", "户", "人")
_NAME_AND_TAIL = re.compile(r"^(.+?)[(（](\d{3}[\dXx])[)）]$")


@lru_cache(maxsize=1)
def _converter() -> Any:
    return OpenCC("t2s")


@lru_cache(maxsize=4096)
def fold(value: str) -> str:
    """A name as compared: half-width, no spaces, simplified characters, upper-case letters."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = "".join(text.split())
    if not text.isascii():
        text = str(_converter().convert(text))
    return text.upper()


def grid_stem(name: str) -> str:
    """A grid's name without its suffixes: «巫山组网格» → «巫山», «巫山村民小组» → «巫山»."""
    stem = fold(name)
    while True:
        for suffix in GRID_SUFFIXES:
            if stem.endswith(suffix) and len(stem) > len(suffix):
                stem = stem[: -len(suffix)]
                break
        else:
            return stem


def _unique(found: Iterable[int]) -> int | None:
    distinct = set(found)
    return distinct.pop() if len(distinct) == 1 else None


def suggest_grid(raw: str, grids: Iterable[tuple[int, str, str]]) -> int | None:
    """The one grid of (pk, code, name) that `raw` names by folded code, name or stem."""
    grids = list(grids)
    written = fold(raw)
    exact = [pk for pk, code, name in grids if written in (fold(code), fold(name))]
    if exact:
        return _unique(exact)
    stem = grid_stem(raw)
    return _unique(pk for pk, _code, name in grids if grid_stem(name) == stem)


def suggest_category(raw: str, categories: Iterable[tuple[int, str, str]]) -> int | None:
    """The category of (pk, code, name) that `raw` means: by folded name or code, by the
    synonyms ledgers use, or with a tail such as 户/家庭/对象 left off."""
    by_name: dict[str, int] = {}
    for pk, code, name in categories:
        by_name.setdefault(fold(name), pk)
        by_name.setdefault(fold(code), pk)
    written = fold(raw)
    for candidate in _category_candidates(written):
        if candidate in by_name:
            return by_name[candidate]
    return None


def _category_candidates(written: str) -> list[str]:
    found = [written, CATEGORY_SYNONYMS.get(written, "")]
    for tail in _CATEGORY_TAILS:
        if written.endswith(tail) and len(written) > len(tail):
            short = written[: -len(tail)]
            found += [short, CATEGORY_SYNONYMS.get(short, "")]
    return [c for c in found if c]


def suggest_executive(raw: str, people: Iterable[tuple[int, str, str]]) -> int | None:
    """The one person of (pk, name, ID number's last four) that `raw` names: by folded name,
    or by «姓名(后四位)»."""
    written = fold(raw)
    both = _NAME_AND_TAIL.match(written)
    if both:
        name, tail = both.group(1), both.group(2).upper()
        return _unique(pk for pk, n, t in people if fold(n) == name and (t or "").upper() == tail)
    return _unique(pk for pk, name, _tail in people if fold(name) == written)
