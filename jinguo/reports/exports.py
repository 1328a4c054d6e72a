"""The columns of the dashboard's exports: every figure with the period compared with, and a
section's per-child table (its columns are the section's, known when it is read)."""

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from jinguo.common.figures import Figure
from jinguo.common.xlsx import Column
from jinguo.reports import periods
from jinguo.reports.comparison import Change
from jinguo.reports.shapes import ChildRow, ChildTable, Section

SectionFigure = tuple[Section, Figure]

_NOT_COMPARED = Change(None, None, None)


def figure_columns(*, mode: str, changes: Mapping[str, Change]) -> list[Column[SectionFigure]]:
    """The figures' columns; the previous value's header names the comparison `mode`."""

    def change(record: SectionFigure) -> Change:
        return changes.get(record[1].key, _NOT_COMPARED)

    previous = _("同比期") if mode == periods.YEAR_ON_YEAR else _("上期")
    return [
        Column(_("板块"), lambda record: record[0].title),
        Column(_("指标"), lambda record: record[1].label),
        Column(_("数值"), lambda record: record[1].value),
        Column(_("单位"), lambda record: record[1].unit),
        Column(previous, lambda record: change(record).previous),
        Column(_("变化"), lambda record: change(record).delta),
        Column(_("变化率%"), lambda record: change(record).percent),
    ]


def section_figures(sections: Iterable[Section]) -> Iterator[SectionFigure]:
    return ((section, figure) for section in sections for figure in section.figures)


def _cell(index: int) -> Callable[[ChildRow], Any]:
    return lambda row: row.cells[index].value


def children_columns(children: ChildTable) -> list[Column[ChildRow]]:
    """The child unit's name, then one column per figure of the section's table."""
    return [
        Column(_("组织"), lambda row: row.org.name),
        *(Column(label, _cell(index)) for index, label in enumerate(children.columns)),
    ]
