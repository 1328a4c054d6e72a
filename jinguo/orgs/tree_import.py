"""Import of the organisation tree (组织架构表) in the format orgs.tree_export writes.

Import is all-or-nothing: every row is checked first with the services' own rules, every error
is reported with the row number Excel shows, and nothing is written unless the whole file is
correct.

Parents are identified by code (上级编码). A unit without a code (a non-territorial federation)
is matched by parent, kind and name; it can be the parent of other rows only if it already
exists, found by 上级名称 when 上级编码 is blank.
"""

import logging
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.orgs.codes import (
    code_errors,
    name_errors,
)
from jinguo.orgs.kinds import kind_label, kind_sort_key
from jinguo.orgs.models import OrgUnit, OrgUnitChange
from jinguo.orgs.services import org_create, org_update, structure_errors
from jinguo.orgs.tree_reading import Row, RowError, SheetError, read_rows

logger = logging.getLogger(__name__)

_QUERY_CHUNK = 500


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


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
    file_codes: dict[str, Row] = field(default_factory=dict)


def _load_scope(root: OrgUnit, rows: list[Row]) -> _Scope:
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


def _mark_duplicates(scope: _Scope, rows: list[Row]) -> None:
    for row in rows:
        if not row.code:
            continue
        first = scope.file_codes.setdefault(row.code, row)
        if first is not row:
            row.skip = True
            row.errors.append(
                _("编码%(code)s与第%(first)d行重复") % {"code": row.code, "first": first.number}
            )


def _is_root_row(scope: _Scope, row: Row) -> bool:
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


def _check_root_row(scope: _Scope, row: Row) -> None:
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


def _resolve_parent(scope: _Scope, row: Row) -> "OrgUnit | Row | None":
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


def _match_existing(scope: _Scope, row: Row) -> OrgUnit | None:
    if row.code:
        return scope.by_code.get(row.code)
    if isinstance(row.parent, OrgUnit):
        return scope.siblings.get((row.parent.pk, row.kind, row.name))
    return None


def _check_existing(scope: _Scope, row: Row, unit: OrgUnit) -> None:
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


def _as_parent_unit(parent: "OrgUnit | Row | None") -> OrgUnit | None:
    """The parent as the services' rules expect it; a file row becomes an unsaved unit."""
    if isinstance(parent, Row):
        return (
            OrgUnit(name=parent.name, kind=parent.kind, code=parent.code) if parent.kind else None
        )
    return parent


def _check_new(row: Row) -> None:
    parent = _as_parent_unit(row.parent)
    if parent is None or not row.kind:
        return
    row.errors += structure_errors(kind=row.kind, parent=parent)
    if not row.code_unreadable:
        row.errors += code_errors(
            kind=row.kind, code=row.code, parent_kind=parent.kind, parent_code=parent.code
        )


def _check_row(scope: _Scope, row: Row) -> None:
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


def _check_siblings(scope: _Scope, rows: list[Row]) -> None:
    """Two active units of one kind under one parent may not share a name."""
    seen: dict[tuple[object, str, str], Row] = {}
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


def _sibling_clash(scope: _Scope, row: Row) -> bool:
    """Whether a unit other than the row's own match has its parent, kind and name."""
    if not isinstance(row.parent, OrgUnit):
        return False
    clash = scope.siblings.get((row.parent.pk, row.kind, row.name))
    return clash is not None and clash is not row.existing


def _check_rows(scope: _Scope, rows: list[Row]) -> list[RowError]:
    _mark_duplicates(scope, rows)
    for row in rows:
        if not row.skip:
            _check_row(scope, row)
    _check_siblings(scope, rows)
    return [RowError(row=row.number, message=message) for row in rows for message in row.errors]


def org_tree_import(*, actor: User, root: OrgUnit, file: IO[bytes]) -> ImportResult:
    """Create and rename units below `root` from a spreadsheet in the export's format.

    The caller checks that `actor` may write at `root`. Nothing is written unless every row is
    correct; the result lists every error with its sheet row number."""
    try:
        rows = read_rows(file)
    except SheetError as exc:
        return ImportResult(errors=[exc.error])
    errors = _check_rows(_load_scope(root, rows), rows)
    if errors:
        return ImportResult(errors=errors)
    return _write(actor=actor, root=root, rows=rows)


def _write(*, actor: User, root: OrgUnit, rows: list[Row]) -> ImportResult:
    result = ImportResult()
    created: dict[int, OrgUnit] = {}
    current: Row | None = None
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


def _apply(*, actor: User, row: Row, created: dict[int, OrgUnit], result: ImportResult) -> None:
    if row.existing is None:
        parent = created[row.parent.number] if isinstance(row.parent, Row) else row.parent
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


def _write_error(row: Row | None, exc: Exception) -> RowError:
    undone = _("导入未完成，所有改动已撤销")
    if isinstance(exc, ValidationError):
        detail = "；".join(exc.messages)
    else:
        detail = _("保存时数据库出错，可能有人同时修改了组织架构，请重新导入")
    return RowError(row=row.number if row else 0, message=f"{undone}：{detail}")
