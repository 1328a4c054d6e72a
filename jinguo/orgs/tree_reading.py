"""Reading the organisation tree sheet (组织架构表) for import: the header row is found among
the first rows by the names it may carry, and every data row becomes a Row with the errors its
own cells show. Checking the rows against the tree is orgs.tree_import's work.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from jinguo.common.workbooks import WorkbookError, read_sheet
from jinguo.orgs.codes import (
    clean_text,
    normalize_code,
    normalize_identifier,
)
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit

MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 10
# Excel keeps 15 significant digits of a number; a longer code typed as a number is mangled.
EXCEL_DIGITS = 15

_HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("编码", "区划代码", "统计用区划代码", "组织编码"),
    "name": ("名称", "组织名称", "单位名称"),
    "kind": ("类型", "组织类型", "层级"),
    "parent_code": ("上级编码", "上级区划代码", "上级代码"),
    "parent_name": ("上级名称",),
}
_REQUIRED_FIELDS = ("name", "kind", "parent_code")
_KIND_ALIASES: dict[str, str] = {
    "县": Kind.COUNTY,
    "区": Kind.COUNTY,
    "县区": Kind.COUNTY,
    "县(区)": Kind.COUNTY,
    "乡": Kind.TOWNSHIP,
    "镇": Kind.TOWNSHIP,
    "街道": Kind.TOWNSHIP,
    "乡镇": Kind.TOWNSHIP,
    "村": Kind.VILLAGE,
    "社区": Kind.COMMUNITY,
    "网格": Kind.GRID,
    "微网格": Kind.MICRO_GRID,
}
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?E\+?\d+$")


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based sheet row as Excel shows it; 0 for the file as a whole
    message: str


class SheetError(Exception):
    """The file as a whole cannot be read (row 0) or a row stops the reading."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.error = RowError(row=row, message=message)


@dataclass(eq=False)
class Row:
    number: int
    code: str
    name: str
    kind: str  # the internal key; "" when the cell could not be understood
    parent_code: str
    parent_name: str
    errors: list[str] = field(default_factory=list)
    code_unreadable: bool = False
    parent_unreadable: bool = False
    skip: bool = False  # a duplicate: reported, not checked further
    parent: "OrgUnit | Row | None" = None
    existing: OrgUnit | None = None


def _sheet_lines(file: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    """(sheet row number, cells) for every row of the first sheet, from row 1. The sheet is read
    in a child process (jinguo/common/workbooks.py), never in the request's."""
    try:
        sheet = read_sheet(file)
    except WorkbookError as exc:
        if exc.not_a_workbook:
            raise SheetError(0, _("无法读取文件：请上传 .xlsx 或 .xls 格式的表格")) from exc
        raise SheetError(0, str(exc)) from exc
    # The rows start at the sheet's first row, blank leading rows included.
    return enumerate(sheet.rows, start=1)


def _header_token(value: object) -> str:
    return normalize_identifier(value).replace(" ", "").strip("*")


def _header_columns(cells: list[Any]) -> dict[str, int]:
    fields = {
        _header_token(s): name for name, synonyms in _HEADER_SYNONYMS.items() for s in synonyms
    }
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = fields.get(_header_token(cell))
        if name and name not in columns:
            columns[name] = index
    return columns


def _required_headers() -> str:
    return "、".join(_HEADER_SYNONYMS[name][0] for name in _REQUIRED_FIELDS)


def _find_header(lines: Iterator[tuple[int, list[Any]]]) -> dict[str, int]:
    for number, cells in lines:
        if number > HEADER_SEARCH_ROWS:
            break
        columns = _header_columns(cells)
        if "name" not in columns:
            continue
        missing = [_HEADER_SYNONYMS[f][0] for f in _REQUIRED_FIELDS if f not in columns]
        if missing:
            raise SheetError(
                number,
                _("表头缺少以下列：%(missing)s。表头应包含：%(required)s")
                % {"missing": "、".join(missing), "required": _required_headers()},
            )
        return columns
    raise SheetError(
        0,
        _("未找到表头：前%(n)d行中没有“名称”列。表头应包含：%(required)s")
        % {"n": HEADER_SEARCH_ROWS, "required": _required_headers()},
    )


def _kind_token(value: object) -> str:
    return normalize_identifier(value).replace(" ", "").lower()


def _kind_lookup() -> dict[str, str]:
    """Kind names as written in sheets: keys, aliases, and the labels in every UI language."""
    lookup = {_kind_token(kind.value): kind.value for kind in Kind}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            lookup |= {_kind_token(kind.label): kind.value for kind in Kind}
    lookup |= {_kind_token(alias): kind for alias, kind in _KIND_ALIASES.items()}
    return lookup


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(value)


def _cell_code(value: object, *, column: str) -> tuple[str, str | None]:
    """The code in a cell, or an error when Excel stored it as a number that lost digits."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if abs(value) >= 10**EXCEL_DIGITS:
            return "", _precision_error(column, f"{value:.14E}")
        return normalize_code(int(value) if float(value).is_integer() else value), None
    code = normalize_code(value)
    if _SCIENTIFIC.match(code):
        return "", _precision_error(column, code)
    return code, None


def _precision_error(column: str, shown: str) -> str:
    return _(
        "%(column)s“%(shown)s”被Excel存成了数字，末尾几位已经丢失。"
        "请把该列设置为文本格式，再重新填写完整的编码"
    ) % {"column": column, "shown": shown}


def _parse_row(
    number: int, cells: list[Any], columns: dict[str, int], kinds: dict[str, str]
) -> Row | None:
    values = {name: cells[i] if i < len(cells) else "" for name, i in columns.items()}
    if not any(_cell_text(value) for value in values.values()):
        return None
    code, code_error = _cell_code(values.get("code", ""), column=_("编码"))
    parent_code, parent_error = _cell_code(values.get("parent_code", ""), column=_("上级编码"))
    kind_text = _cell_text(values.get("kind", ""))
    row = Row(
        number=number,
        code=code,
        name=_cell_text(values.get("name", "")),
        kind=kinds.get(_kind_token(kind_text), ""),
        parent_code=parent_code,
        parent_name=_cell_text(values.get("parent_name", "")),
        code_unreadable=code_error is not None,
        parent_unreadable=parent_error is not None,
    )
    row.errors += [e for e in (code_error, parent_error) if e]
    if not row.kind:
        row.errors.append(
            _("未知的组织类型“%(kind)s”") % {"kind": kind_text} if kind_text else _("请填写类型")
        )
    return row


def read_rows(file: IO[bytes]) -> list[Row]:
    lines = _sheet_lines(file)
    columns = _find_header(lines)
    kinds = _kind_lookup()
    rows: list[Row] = []
    for number, cells in lines:
        row = _parse_row(number, cells, columns, kinds)
        if row is None:
            continue
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise SheetError(
                0,
                _("数据超过%(n)d行。组织架构导入只用于组织树，请检查是否选错了文件")
                % {"n": MAX_ROWS},
            )
    if not rows:
        raise SheetError(0, _("表格中没有数据行"))
    return rows
