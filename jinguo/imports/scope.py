"""The units a file may name: the job's organisation subtree, within the importing user's scope.

Loaded once per import, so resolving a code on 100,000 rows is a dictionary look-up.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.imports.cells import CellError, compact
from jinguo.orgs import tree
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at_path, scope_q

GRID_KINDS = frozenset({Kind.GRID, Kind.MICRO_GRID})


@dataclass(frozen=True, slots=True)
class Unit:
    pk: int
    code: str
    name: str
    path: str
    kind: str

    @property
    def is_grid(self) -> bool:
        return self.kind in GRID_KINDS


class ImportScope:
    def __init__(
        self, *, user: User, root: OrgUnit, values: dict[str, dict[str, int]] | None = None
    ) -> None:
        self.user = user
        self.root = root
        # A file's confirmed value maps (sheet.Layout.values): {field: {as written: pk}}.
        self.values = values or {}
        # A grid as written → the grid the user chose for it (所属网格's over 现居住网格's).
        self.grid_map = {**self.values.get("living_grid", {}), **self.values.get("grid", {})}
        rows = OrgUnit.objects.filter(
            root.subtree_q(), scope_q(user=user, field=""), is_active=True
        ).values_list("pk", "code", "name", "path", "kind")
        self.units = [Unit(*row) for row in rows]
        self.by_pk = {unit.pk: unit for unit in self.units}
        self.by_code = {unit.code: unit for unit in self.units if unit.code}
        # Names are stored as typed; a cell's name is looked up folded (cells.compact), so both
        # sides are folded: 「一组（东）」 in the tree is found by 「一组(东)」 and by itself.
        self.grids_by_name: dict[str, list[Unit]] = {}
        for unit in self.units:
            if unit.is_grid:
                self.grids_by_name.setdefault(compact(unit.name), []).append(unit)
        self._resolved: dict[tuple[str, bool], Unit | str] = {}

    def contains(self, path: str | None) -> bool:
        """Whether a unit with this path lies inside the job's subtree and the user may import
        there (the write rule, a cadre's)."""
        if not path:
            return False
        return tree.within(path, self.root.path) and self.may_write(path)

    def may_write(self, path: str | None) -> bool:
        """Whether the user may import over records kept at the unit with this path."""
        if not path:
            return False
        return may_write_at_path(user=self.user, path=path, cadre_only=True)

    def grid(self, raw: str) -> Unit:
        """The grid a cell names by code, or by name when that name is unique in scope."""
        return self._resolve(raw, grid=True)

    def unit(self, raw: str) -> Unit:
        """Any unit of the scope, by code."""
        return self._resolve(raw, grid=False)

    def _resolve(self, raw: str, *, grid: bool) -> Unit:
        key = (raw, grid)
        found = self._resolved.get(key)
        if found is None:
            found = self._look_up(raw, grid=grid)
            self._resolved[key] = found
        if isinstance(found, str):
            raise CellError(found)
        return found

    def _look_up(self, raw: str, *, grid: bool) -> Unit | str:
        chosen = self.by_pk.get(self.grid_map.get(raw, 0)) if grid else None
        if chosen is not None and chosen.is_grid:
            return chosen
        unit = self.by_code.get(raw)
        if unit is not None:
            if grid and not unit.is_grid:
                return _("“%(value)s”（%(name)s）不是网格") % {"value": raw, "name": unit.name}
            return unit
        if grid:
            named = self.grids_by_name.get(compact(raw), [])
            if len(named) == 1:
                return named[0]
            if len(named) > 1:
                return _("网格名称“%(value)s”不唯一，请填写网格编码") % {"value": raw}
        if OrgUnit.objects.filter(Q(code=raw) | Q(name=raw)).exists():
            return _("“%(value)s”不在您的管辖范围内") % {"value": raw}
        if grid:
            return _("未找到网格“%(value)s”，请填写网格编码") % {"value": raw}
        return _("未找到编码为“%(value)s”的组织") % {"value": raw}
