"""Excel export of the organisation tree (组织架构表), and the empty template to fill in.

The exported sheet is also the import format (orgs.tree_import): a cadre exports her subtree, adds
or renames rows in Excel and imports the file back.
"""

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.common.xlsx import workbook as new_workbook
from jinguo.orgs import tree
from jinguo.orgs.kinds import kind_label
from jinguo.orgs.models import OrgUnit

# The sheet is the federation's shared file format, in Chinese whatever the reader's language:
# headers are constants, and kind names and status are written under FILE_LANGUAGE.
FILE_LANGUAGE = "zh-hans"
# The column headers are the file format, shared by export and import, so they are constants
# rather than translatable text. Widths are in Excel's character units.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("编码", 22),
    ("名称", 28),
    ("类型", 16),
    ("上级编码", 22),
    ("上级名称", 28),
    ("层级路径", 60),
    ("状态", 8),
)
_CODE_COLUMNS = frozenset({0, 3})
SHEET_NAME = "组织架构"
HELP_SHEET_NAME = "说明"


def org_tree_export(*, actor: User, root: OrgUnit) -> bytes:
    """An .xlsx of `root` and every active unit below it, in tree order."""
    units = list(OrgUnit.objects.filter(root.subtree_q(), is_active=True).order_by("path"))
    by_pk = {unit.pk: unit for unit in units}
    if root.parent is not None:  # the root row's 上级编码 and 上级名称
        by_pk[root.parent.pk] = root.parent
    top = root.depth - 1
    # The sheet is a file format shared across the federation: always in Chinese, whatever
    # language this user reads the pages in.
    with translation.override(FILE_LANGUAGE):
        rows = [_export_row(unit, by_pk=by_pk, top=top) for unit in units]
    data = _workbook_bytes(lambda workbook: _write_org_sheet(workbook, rows))
    audit_record(actor=actor, action="org.export", target=root, note=f"{len(units)} rows")
    return data


def _export_row(unit: OrgUnit, *, by_pk: dict[int, OrgUnit], top: int) -> list[str]:
    parent = by_pk.get(unit.parent_id) if unit.parent_id is not None else None
    names = [by_pk[pk].name for pk in tree.ids_in_path(unit.path)[top:] if pk in by_pk]
    return [
        unit.code,
        unit.name,
        kind_label(unit.kind),
        parent.code if parent else "",
        parent.name if parent else "",
        " / ".join(names),
        _("有效"),
    ]


def org_tree_template() -> bytes:
    """An empty import sheet, and a second sheet "说明" explaining each column."""

    def fill(workbook: Any) -> None:
        _write_org_sheet(workbook, [])
        _write_help_sheet(workbook)

    with translation.override(FILE_LANGUAGE):
        return _workbook_bytes(fill)


def _workbook_bytes(fill: Callable[[Any], None]) -> bytes:
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    fill(workbook)
    workbook.close()
    return buffer.getvalue()


def _write_org_sheet(workbook: Any, rows: Iterable[Sequence[str]]) -> None:
    sheet = workbook.add_worksheet(SHEET_NAME)
    text = workbook.add_format({"num_format": "@"})
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    for col, (_header, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width, text if col in _CODE_COLUMNS else None)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, [header for header, _width in COLUMNS], bold)
    for row_index, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            # Strings always: a 12- to 18-digit code written as a number loses digits.
            sheet.write_string(row_index, col, value, text if col in _CODE_COLUMNS else None)


def _help_rows() -> list[tuple[str, str, str]]:
    return [
        (
            "编码",
            _("视情况"),
            _(
                "区划代码。市、县（区）、乡镇（街道）、村、社区为12位，网格15位，"
                "微网格18位；其他组织可填统一社会信用代码或留空。请保持文本格式，"
                "不要让Excel把它变成数字"
            ),
        ),
        ("名称", _("必填"), _("组织的全称，例如“嵩合社区”")),
        (
            "类型",
            _("必填"),
            _(
                "市、县（区）、乡镇（街道）、村、社区、网格、微网格、企业妇联、"
                "行业妇联、机关妇委会、新经济组织妇联、新社会组织妇联、新就业群体妇联"
            ),
        ),
        (
            "上级编码",
            _("必填"),
            _("上级组织的编码：可以是系统中已有的组织，也可以是本表中另一行的编码"),
        ),
        ("上级名称", _("选填"), _("仅供阅读；上级组织没有编码时，按上级名称查找系统中已有的组织")),
        ("层级路径", _("不读取"), _("导出时自动生成，导入时忽略")),
        ("状态", _("不读取"), _("导出时自动生成，导入时忽略")),
    ]


def _write_help_sheet(workbook: Any) -> None:
    sheet = workbook.add_worksheet(HELP_SHEET_NAME)
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 2, 70)
    sheet.write_row(0, 0, [_("列名"), _("是否必填"), _("说明")], bold)
    for row_index, values in enumerate(_help_rows(), start=1):
        sheet.write_row(row_index, 0, values, wrap)
    example_at = len(_help_rows()) + 2
    sheet.write_string(example_at, 0, _("示例："), bold)
    sheet.write_row(example_at + 1, 0, [header for header, _width in COLUMNS], bold)
    example = ["341881001003", "示例社区", "社区", "341881001000", "河沥溪街道", "", ""]
    for col, value in enumerate(example):
        sheet.write_string(example_at + 2, col, value)
