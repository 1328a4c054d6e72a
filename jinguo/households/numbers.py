"""Household numbers (户号): the next free number of a grid, offered on the new-household form.

Numbers are unique across the ledger and written as a prefix and a zero-padded serial (the demo's
SH001…SH090 for 松鹤社区, generated data's H00000001…). The next number continues the series the
grid's households use (or, for a grid without households, the series of its parent's grids):
the highest serial of that prefix and width anywhere in the ledger, plus one. It is a suggestion:
the cadre may change it, and the unique constraint stays the judge when two cadres take the same
number at once (households.services turns the clash into a form error).
"""

import re

from django.db.models import QuerySet
from django.db.models.functions import Length

from jinguo.households.models import Household
from jinguo.orgs.models import OrgUnit

_SERIAL = re.compile(r"^(.*?)(\d+)$")


def split_number(number: str) -> tuple[str, int, int] | None:
    """A number's prefix, serial and the serial's width («WS-003» → ("WS-", 3, 3)), or None
    when it does not end in a serial."""
    match = _SERIAL.match(number)
    if match is None:
        return None
    return match.group(1), int(match.group(2)), len(match.group(2))


def _series(numbers: list[str]) -> tuple[str, int] | None:
    """The prefix and width of the first of `numbers` that ends in a serial."""
    for number in numbers:
        parts = split_number(number)
        if parts is not None:
            return parts[0], parts[2]
    return None


def _recent_numbers(households: QuerySet[Household]) -> list[str]:
    # The latest registered first: a grid that changed its scheme continues the new one.
    return list(households.order_by("-pk").values_list("number", flat=True)[:20])


def household_next_number(*, grid: OrgUnit) -> str:
    """The next free household number for a new household of `grid`, or "" when neither the grid
    nor its parent's grids have a numbered household to continue."""
    series = _series(_recent_numbers(Household.objects.filter(grid=grid)))
    if series is None and grid.parent_id:
        siblings = Household.objects.filter(grid__parent_id=grid.parent_id)
        series = _series(_recent_numbers(siblings))
    if series is None:
        return ""
    prefix, width = series
    same = Household.objects.filter(
        number__startswith=prefix, number__regex=rf"^{re.escape(prefix)}[0-9]{{{width},}}$"
    )
    # Digits only after the prefix: the longest, then the greatest as text, is the highest.
    highest = (
        same.annotate(length=Length("number"))
        .order_by("-length", "-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(highest[len(prefix) :]) + 1 if highest else 1
    candidate = f"{prefix}{serial:0{width}d}"
    while Household.objects.filter(number=candidate).exists():  # a stray number of another shape
        serial += 1
        candidate = f"{prefix}{serial:0{width}d}"
    return candidate
