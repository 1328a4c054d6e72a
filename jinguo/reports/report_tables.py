"""The work report's tables: for a section with a per-child table, the unit's own records (本级:
kept at the unit itself, not below it) as the first row, then one row per child unit. A table
says something or is left out: columns that are zero in every row go, rows that are zero in
every remaining column go, and a table with fewer than two rows left is not printed.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jinguo.reports.document_data import format_value
from jinguo.reports.shapes import ChildTable, Section

# At most this many value columns (the document is A4 portrait, 156 mm of type area).
MAX_COLUMNS = 5
# One row says no more than the sentence above it.
MIN_ROWS = 2


@dataclass(frozen=True)
class ReportTable:
    title: str
    header: list[str]
    rows: list[list[str]]
    # For the chart: the first column's values, by row label.
    labels: list[str]
    values: list[int | float]


def own_values(section: Section, table: ChildTable) -> list[int | float]:
    """The unit's own value of each column of the section's table: its figure minus what its
    children hold (every table column is a count, so the children's values add up to part
    of it)."""
    own = []
    for i, key in enumerate(table.keys):
        figure = section.figure(key)
        total = figure.value if figure is not None else 0
        own.append(total - sum(row.cells[i].value for row in table.rows))
    return own


def nonzero_columns(rows: Sequence[Sequence[object]]) -> list[int]:
    """The columns that are not zero (nor empty) in every row, in order."""
    width = max((len(row) for row in rows), default=0)
    return [i for i in range(width) if any(i < len(row) and row[i] for row in rows)]


def report_table(section: Section, *, own_label: str) -> ReportTable | None:
    """The section's table as the report prints it, or None when it would say nothing."""
    table = section.children
    if table is None or not table.rows:
        return None
    rows: list[tuple[str, list[int | float]]] = [(own_label, own_values(section, table))]
    rows += [(row.org.name, [cell.value for cell in row.cells]) for row in table.rows]
    keep = nonzero_columns([values for _l, values in rows])[:MAX_COLUMNS]
    rows = [(label, values) for label, values in rows if any(values[i] for i in keep)]
    if not keep or len(rows) < MIN_ROWS:
        return None
    return ReportTable(
        title=str(section.title),
        header=[_("单位"), *(str(table.columns[i]) for i in keep)],
        rows=[[label, *(format_value(values[i]) for i in keep)] for label, values in rows],
        labels=[label for label, _v in rows],
        values=[values[keep[0]] for _l, values in rows],
    )
