"""The shape of a dashboard section (also the work report's): a Section has a stable `key`, a
lazy Chinese `title`, its `figures` (jinguo.common.figures.Figure, each linking to the records it
counts) and optionally a per-child table (`children`: one row per direct child unit, one cell
per column, each cell with the child's value and the url of the child's dashboard).

Figures of the current state (coverage, open cases, cases by kind) do not depend on the period;
their keys are in `Section.snapshot` and the period comparison skips them.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models.functions import Substr

from jinguo.accounts.models import User
from jinguo.common.figures import Figure, figure_url, list_url
from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import scope_q

# A child's values, by figure key (a missing key counts 0).
ChildValues = Callable[[OrgUnit], Mapping[str, int | float]]


@dataclass(frozen=True)
class Cell:
    value: int | float
    url: str  # the child's dashboard for the same period


@dataclass(frozen=True)
class ChildRow:
    org: OrgUnit
    cells: list[Cell]


@dataclass
class ChildTable:
    """Per direct child unit of the section's org: `keys` are figure keys of the section,
    `columns` their labels; each row holds one cell per column."""

    keys: list[str]
    columns: list[Any]
    rows: list[ChildRow] = field(default_factory=list)


@dataclass
class Section:
    key: str  # "coverage", "cases", "meetings", …
    title: Any  # lazy Chinese
    figures: list[Figure]
    children: ChildTable | None = None
    snapshot: frozenset[str] = frozenset()  # figure keys of the current state, not the period

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)


@dataclass
class SectionRead:
    """What a section's reader returns: the org's figures, the values of each direct child
    (None: the section has no per-child table) and the keys of the current state."""

    figures: list[Figure]
    children: ChildValues | None = None
    snapshot: frozenset[str] = frozenset()


def dashboard_url(*, org: OrgUnit, start: dt.date, end: dt.date) -> str:
    return figure_url(list_url("dashboard:index"), org=org.pk, start=start, end=end)


def dashboard_children(*, user: User, org: OrgUnit) -> list[OrgUnit]:
    """The direct child units of `org` the user may see, active, in code order (one query)."""
    return list(
        OrgUnit.objects.filter(scope_q(user=user, field=""))
        .filter(parent=org, is_active=True)
        .order_by("code", "name", "pk")
    )


def child_segment(org: OrgUnit, path_field: str) -> Substr:
    """The path segment of the direct child of `org` a row's unit lies under."""
    return Substr(path_field, len(org.path) + 1, tree.SEGMENT)


def child_table(
    *,
    org_children: list[OrgUnit],
    columns: list[tuple[str, Any]],
    values: ChildValues,
    start: dt.date,
    end: dt.date,
) -> ChildTable:
    table = ChildTable(keys=[k for k, _l in columns], columns=[label for _k, label in columns])
    for child in org_children:
        got = values(child)
        url = dashboard_url(org=child, start=start, end=end)
        table.rows.append(ChildRow(org=child, cells=[Cell(got.get(k, 0), url) for k in table.keys]))
    return table
