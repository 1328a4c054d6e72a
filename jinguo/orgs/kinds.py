"""Kinds of organisation units and the structural rules between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CITY = "city", _("市")
    COUNTY = "county", _("县（区）")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")
    MICRO_GRID = "micro_grid", _("微网格")
    ENTERPRISE = "enterprise", _("企业妇联")
    INDUSTRY = "industry", _("行业妇联")
    AGENCY = "agency", _("机关妇委会")
    NEW_ECONOMIC = "new_economic", _("新经济组织妇联")
    NEW_SOCIAL = "new_social", _("新社会组织妇联")
    NEW_EMPLOYMENT = "new_employment", _("新就业群体妇联")


# Territorial level of each kind: 1 city ... 6 micro-grid.
TERRITORIAL_LEVEL: dict[str, int] = {
    Kind.CITY: 1,
    Kind.COUNTY: 2,
    Kind.TOWNSHIP: 3,
    Kind.VILLAGE: 4,
    Kind.COMMUNITY: 4,
    Kind.GRID: 5,
    Kind.MICRO_GRID: 6,
}

# How many leading digits of the code are the node's own; the rest must be zeros. Grids and
# micro-grids extend the 12-digit statistical code of their village by three digits each.
SIGNIFICANT_DIGITS: dict[int, int] = {1: 4, 2: 6, 3: 9, 4: 12, 5: 15, 6: 18}
CODE_LENGTH: dict[int, int] = {1: 12, 2: 12, 3: 12, 4: 12, 5: 15, 6: 18}

_BASES = (Kind.CITY, Kind.COUNTY, Kind.TOWNSHIP, Kind.VILLAGE, Kind.COMMUNITY)
ALLOWED_PARENTS: dict[str, tuple[str | None, ...]] = {
    Kind.CITY: (None,),
    Kind.COUNTY: (Kind.CITY,),
    Kind.TOWNSHIP: (Kind.COUNTY,),
    Kind.VILLAGE: (Kind.TOWNSHIP,),
    Kind.COMMUNITY: (Kind.TOWNSHIP,),
    Kind.GRID: (Kind.VILLAGE, Kind.COMMUNITY),
    Kind.MICRO_GRID: (Kind.GRID,),
    Kind.INDUSTRY: (Kind.CITY, Kind.COUNTY, Kind.TOWNSHIP),
    Kind.ENTERPRISE: (*_BASES, Kind.INDUSTRY),
    Kind.AGENCY: _BASES,
    Kind.NEW_ECONOMIC: (*_BASES, Kind.INDUSTRY),
    Kind.NEW_SOCIAL: (*_BASES, Kind.INDUSTRY),
    Kind.NEW_EMPLOYMENT: (*_BASES, Kind.INDUSTRY),
}

# GB/T 2260 province-level prefixes.
PROVINCE_PREFIXES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54"}
    | {"61", "62", "63", "64", "65", "71", "81", "82"}
)


def is_territorial(kind: str) -> bool:
    return kind in TERRITORIAL_LEVEL


def kind_label(kind: str) -> str:
    return str(Kind(kind).label)


def kind_sort_key(kind: str) -> int:
    """Parents before children: territorial by level, then industry, then other federations."""
    if kind in TERRITORIAL_LEVEL:
        return TERRITORIAL_LEVEL[kind]
    return 7 if kind == Kind.INDUSTRY else 8
