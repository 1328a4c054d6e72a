"""The columns of the assessment exports: results, and allowance lines (for finance: names,
posts, units and amounts only, no ID or bank numbers) closed by a totals row."""

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from jinguo.assessments.models import AllowanceLine, Appeal, AssessmentResult
from jinguo.common.xlsx import Column


def _appeal_status(result: AssessmentResult) -> str:
    try:
        appeal = result.appeal
    except Appeal.DoesNotExist:
        return ""
    return appeal.get_status_display()


RESULT_COLUMNS: list[Column[AssessmentResult]] = [
    Column(_("考核轮次"), lambda r: r.round.name),
    Column(_("姓名"), lambda r: r.person.name),
    Column(_("组织"), lambda r: r.org.name),
    Column(_("职务"), lambda r: r.post_label),
    Column(_("总分"), lambda r: r.total),
    Column(_("等次"), lambda r: r.grade),
    Column(_("申诉"), _appeal_status),
]

# A record of the allowance export: a line, or the totals (selectors.line_totals) closing it.
LineOrTotals = AllowanceLine | dict[str, Any]


def _line(
    value: Callable[[AllowanceLine], Any], total: Callable[[dict[str, Any]], Any] | None = None
) -> Callable[[LineOrTotals], Any]:
    def cell(record: LineOrTotals) -> Any:
        if isinstance(record, dict):
            return total(record) if total else ""
        return value(record)

    return cell


def _note(line: AllowanceLine) -> str:
    return f"{_('更正')}：{line.reason}" if line.kind == AllowanceLine.Kind.ADJUSTMENT else ""


LINE_COLUMNS: list[Column[LineOrTotals]] = [
    Column(_("姓名"), _line(lambda line: line.person.name, lambda totals: _("合计"))),
    Column(_("职务"), _line(lambda line: line.post_label)),
    Column(_("组织"), _line(lambda line: line.org.name)),
    Column(_("任职月数"), _line(lambda line: line.months)),
    Column(_("年度补贴（元）"), _line(lambda line: line.annual_share, lambda t: t["annual"])),
    Column(_("履职天数"), _line(lambda line: line.duty_days, lambda t: t["days"])),
    Column(_("误工补贴（元）"), _line(lambda line: line.lost_work_amount, lambda t: t["lost"])),
    Column(_("合计（元）"), _line(lambda line: line.total, lambda t: t["total"])),
    Column(_("备注"), _line(_note)),
]


def lines_with_totals(
    lines: Iterable[AllowanceLine], totals: dict[str, Any]
) -> Iterator[LineOrTotals]:
    yield from lines
    yield totals
