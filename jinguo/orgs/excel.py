"""Excel export and import of the organisation tree (组织架构表).

The exported sheet is also the import format: a cadre exports her subtree, adds or renames rows
in Excel and imports the file back. Import is all-or-nothing: every row is checked first with
the services' own rules, every error is reported with the row number Excel shows, and nothing
is written unless the whole file is correct.

Parents are identified by code (上级编码). A unit without a code (a non-territorial federation)
is matched by parent, kind and name; it can be the parent of other rows only if it already
exists, found by 上级名称 when 上级编码 is blank.
"""

import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.common.workbooks import WorkbookError, read_sheet
from jinguo.common.xlsx import workbook as new_workbook
from jinguo.orgs import tree
from jinguo.orgs.codes import (
    clean_text,
    code_errors,
    name_errors,
    normalize_code,
    normalize_identifier,
)
from jinguo.orgs.kinds import Kind, kind_label, kind_sort_key
from jinguo.orgs.models import OrgUnit, OrgUnitChange
from jinguo.orgs.services import org_create, org_update, structure_errors

logger = logging.getLogger(__name__)

MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 10
# Excel keeps 15 significant digits of a number; a longer code typed as a number is mangled.
EXCEL_DIGITS = 15
_QUERY_CHUNK = 500

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


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# ---------------------------------------------------------------------------------------------
# Export


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


# ---------------------------------------------------------------------------------------------
# Import: reading the sheet


class _FileError(Exception):
    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.error = RowError(row=row, message=message)


@dataclass(eq=False)
class _Row:
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
    parent: "OrgUnit | _Row | None" = None
    existing: OrgUnit | None = None


def _sheet_lines(file: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    """(sheet row number, cells) for every row of the first sheet, from row 1. The sheet is read
    in a child process (jinguo/common/workbooks.py), never in the request's."""
    try:
        sheet = read_sheet(file)
    except WorkbookError as exc:
        if exc.not_a_workbook:
            raise _FileError(0, _("无法读取文件：请上传 .xlsx 或 .xls 格式的表格")) from exc
        raise _FileError(0, str(exc)) from exc
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
            raise _FileError(
                number,
                _("表头缺少以下列：%(missing)s。表头应包含：%(required)s")
                % {"missing": "、".join(missing), "required": _required_headers()},
            )
        return columns
    raise _FileError(
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
) -> _Row | None:
    values = {name: cells[i] if i < len(cells) else "" for name, i in columns.items()}
    if not any(_cell_text(value) for value in values.values()):
        return None
    code, code_error = _cell_code(values.get("code", ""), column=_("编码"))
    parent_code, parent_error = _cell_code(values.get("parent_code", ""), column=_("上级编码"))
    kind_text = _cell_text(values.get("kind", ""))
    row = _Row(
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


def _read_rows(file: IO[bytes]) -> list[_Row]:
    lines = _sheet_lines(file)
    columns = _find_header(lines)
    kinds = _kind_lookup()
    rows: list[_Row] = []
    for number, cells in lines:
        row = _parse_row(number, cells, columns, kinds)
        if row is None:
            continue
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise _FileError(
                0,
                _("数据超过%(n)d行。组织架构导入只用于组织树，请检查是否选错了文件")
                % {"n": MAX_ROWS},
            )
    if not rows:
        raise _FileError(0, _("表格中没有数据行"))
    return rows


# ---------------------------------------------------------------------------------------------
# Import: checking every row against the tree


@dataclass
class _Scope:
    """What the database knows, loaded once: the whole subtree of `root` (inactive units too,
    since codes stay reserved) and which of the file's codes are used outside it."""

    root: OrgUnit
    root_parent_code: str
    by_pk: dict[int, OrgUnit]
    by_code: dict[str, OrgUnit]
    siblings: dict[tuple[int | None, str, str], OrgUnit]
    outside_codes: set[str]
    file_codes: dict[str, _Row] = field(default_factory=dict)


def _load_scope(root: OrgUnit, rows: list[_Row]) -> _Scope:
    units = list(OrgUnit.objects.filter(root.subtree_q()))
    by_code = {unit.code: unit for unit in units if unit.code}
    wanted = sorted({row.code for row in rows if row.code and row.code not in by_code})
    outside: set[str] = set()
    for start in range(0, len(wanted), _QUERY_CHUNK):
        chunk = wanted[start : start + _QUERY_CHUNK]
        outside |= set(OrgUnit.objects.filter(code__in=chunk).values_list("code", flat=True))
    return _Scope(
        root=root,
        root_parent_code=root.parent.code if root.parent is not None else "",
        by_pk={unit.pk: unit for unit in units},
        by_code=by_code,
        siblings={(u.parent_id, u.kind, u.name): u for u in units if u.is_active},
        outside_codes=outside,
    )


def _mark_duplicates(scope: _Scope, rows: list[_Row]) -> None:
    for row in rows:
        if not row.code:
            continue
        first = scope.file_codes.setdefault(row.code, row)
        if first is not row:
            row.skip = True
            row.errors.append(
                _("编码%(code)s与第%(first)d行重复") % {"code": row.code, "first": first.number}
            )


def _is_root_row(scope: _Scope, row: _Row) -> bool:
    root = scope.root
    if root.code:
        return row.code == root.code
    # A root without a code is recognised by everything else the export writes for it.
    return (row.code, row.kind, row.name, row.parent_code) == (
        "",
        root.kind,
        root.name,
        scope.root_parent_code,
    )


def _check_root_row(scope: _Scope, row: _Row) -> None:
    root = row.existing = scope.root
    if row.kind and row.kind != root.kind:
        row.errors.append(
            _("这一行是“%(name)s”本身，它的类型（%(kind)s）不能通过导入修改")
            % {"name": root.name, "kind": kind_label(root.kind)}
        )
    if row.parent_code and row.parent_code != scope.root_parent_code:
        row.errors.append(_move_error(root, root.parent))
    if row.name != root.name and not name_errors(row.name):
        clash = OrgUnit.objects.filter(
            parent_id=root.parent_id, kind=root.kind, name=row.name, is_active=True
        ).exclude(pk=root.pk)
        if clash.exists():
            row.errors.append(_("上级组织下已有同名的%(kind)s") % {"kind": kind_label(root.kind)})


def _move_error(unit: OrgUnit, parent: OrgUnit | None) -> str:
    shown = f"“{parent.name}”{parent.code}" if parent is not None else _("无")
    return _("“%(name)s”的上级编码与系统中的上级（%(parent)s）不一致，请使用“调整上级”功能") % {
        "name": unit.name,
        "parent": shown,
    }


def _resolve_parent(scope: _Scope, row: _Row) -> "OrgUnit | _Row | None":
    if row.parent_unreadable:
        return None
    if row.parent_code:
        found = scope.by_code.get(row.parent_code) or scope.file_codes.get(row.parent_code)
        if found is None:
            row.errors.append(
                _("上级编码%(code)s不在您的管辖范围内，表中也没有这个编码的组织")
                % {"code": row.parent_code}
            )
        return found
    if row.parent_name:
        named = [
            unit
            for unit in scope.by_pk.values()
            if unit.is_active and not unit.code and unit.name == row.parent_name
        ]
        if len(named) == 1:
            return named[0]
    row.errors.append(_("请填写上级编码"))
    return None


def _match_existing(scope: _Scope, row: _Row) -> OrgUnit | None:
    if row.code:
        return scope.by_code.get(row.code)
    if isinstance(row.parent, OrgUnit):
        return scope.siblings.get((row.parent.pk, row.kind, row.name))
    return None


def _check_existing(scope: _Scope, row: _Row, unit: OrgUnit) -> None:
    if not unit.is_active:
        row.errors.append(
            _("编码%(code)s属于已撤销或合并的“%(name)s”") % {"code": unit.code, "name": unit.name}
        )
        return
    if row.kind and row.kind != unit.kind:
        row.errors.append(
            _("“%(name)s”在系统中是%(kind)s，不能通过导入修改类型")
            % {"name": unit.name, "kind": kind_label(unit.kind)}
        )
    current = scope.by_pk.get(unit.parent_id) if unit.parent_id is not None else None
    if row.parent is not None and row.parent is not current:
        row.errors.append(_move_error(unit, current))


def _as_parent_unit(parent: "OrgUnit | _Row | None") -> OrgUnit | None:
    """The parent as the services' rules expect it; a file row becomes an unsaved unit."""
    if isinstance(parent, _Row):
        return (
            OrgUnit(name=parent.name, kind=parent.kind, code=parent.code) if parent.kind else None
        )
    return parent


def _check_new(row: _Row) -> None:
    parent = _as_parent_unit(row.parent)
    if parent is None or not row.kind:
        return
    row.errors += structure_errors(kind=row.kind, parent=parent)
    if not row.code_unreadable:
        row.errors += code_errors(
            kind=row.kind, code=row.code, parent_kind=parent.kind, parent_code=parent.code
        )


def _check_row(scope: _Scope, row: _Row) -> None:
    row.errors += name_errors(row.name)
    if _is_root_row(scope, row):
        _check_root_row(scope, row)
        return
    if row.code in scope.outside_codes:
        row.errors.append(_("编码%(code)s已被您管辖范围以外的组织使用") % {"code": row.code})
        return
    row.parent = _resolve_parent(scope, row)
    row.existing = _match_existing(scope, row)
    if row.existing is not None:
        _check_existing(scope, row, row.existing)
    else:
        _check_new(row)


def _check_siblings(scope: _Scope, rows: list[_Row]) -> None:
    """Two active units of one kind under one parent may not share a name."""
    seen: dict[tuple[object, str, str], _Row] = {}
    for row in rows:
        if row.parent is None or not row.kind:
            continue
        parent_key = row.parent.pk if isinstance(row.parent, OrgUnit) else row.parent
        first = seen.setdefault((parent_key, row.kind, row.name), row)
        label = kind_label(row.kind)
        if first is not row:
            row.errors.append(
                _("与第%(first)d行重复：上级组织下已有同名的%(kind)s")
                % {"first": first.number, "kind": label}
            )
        elif _sibling_clash(scope, row):
            row.errors.append(_("上级组织下已有同名的%(kind)s") % {"kind": label})


def _sibling_clash(scope: _Scope, row: _Row) -> bool:
    """Whether a unit other than the row's own match has its parent, kind and name."""
    if not isinstance(row.parent, OrgUnit):
        return False
    clash = scope.siblings.get((row.parent.pk, row.kind, row.name))
    return clash is not None and clash is not row.existing


def _check_rows(scope: _Scope, rows: list[_Row]) -> list[RowError]:
    _mark_duplicates(scope, rows)
    for row in rows:
        if not row.skip:
            _check_row(scope, row)
    _check_siblings(scope, rows)
    return [RowError(row=row.number, message=message) for row in rows for message in row.errors]


# ---------------------------------------------------------------------------------------------
# Import: writing


def org_tree_import(*, actor: User, root: OrgUnit, file: IO[bytes]) -> ImportResult:
    """Create and rename units below `root` from a spreadsheet in the export's format.

    The caller checks that `actor` may write at `root`. Nothing is written unless every row is
    correct; the result lists every error with its sheet row number."""
    try:
        rows = _read_rows(file)
    except _FileError as exc:
        return ImportResult(errors=[exc.error])
    errors = _check_rows(_load_scope(root, rows), rows)
    if errors:
        return ImportResult(errors=errors)
    return _write(actor=actor, root=root, rows=rows)


def _write(*, actor: User, root: OrgUnit, rows: list[_Row]) -> ImportResult:
    result = ImportResult()
    created: dict[int, OrgUnit] = {}
    current: _Row | None = None
    try:
        with transaction.atomic():
            for current in sorted(rows, key=lambda r: (kind_sort_key(r.kind), r.number)):
                _apply(actor=actor, row=current, created=created, result=result)
            audit_record(actor=actor, action="org.import", target=root, note=_counts(result))
    except (ValidationError, DatabaseError) as exc:
        logger.warning("org tree import rolled back", exc_info=True)
        return ImportResult(errors=[_write_error(current, exc)])
    return result


def _counts(result: ImportResult) -> str:
    return f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}"


def _apply(*, actor: User, row: _Row, created: dict[int, OrgUnit], result: ImportResult) -> None:
    if row.existing is None:
        parent = created[row.parent.number] if isinstance(row.parent, _Row) else row.parent
        created[row.number] = org_create(
            actor=actor,
            parent=parent,
            name=row.name,
            kind=row.kind,
            code=row.code,
            action=OrgUnitChange.Action.IMPORT,
        )
        result.created += 1
    elif row.existing.name != row.name:
        org_update(actor=actor, org=row.existing, name=row.name, code=row.existing.code)
        result.updated += 1
    else:
        result.unchanged += 1


def _write_error(row: _Row | None, exc: Exception) -> RowError:
    undone = _("导入未完成，所有改动已撤销")
    if isinstance(exc, ValidationError):
        detail = "；".join(exc.messages)
    else:
        detail = _("保存时数据库出错，可能有人同时修改了组织架构，请重新导入")
    return RowError(row=row.number if row else 0, message=f"{undone}：{detail}")
