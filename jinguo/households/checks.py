"""Checks the ledger's writes share (households.services, households.assignments): a grid a
household may belong to, and field errors raised as one ValidationError."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit

GRID_KINDS = (Kind.GRID, Kind.MICRO_GRID)


def grid_errors(grid: OrgUnit | None, *, label: str) -> list[str]:
    if grid is None:
        return [_("请选择%(label)s") % {"label": label}]
    if grid.kind not in GRID_KINDS:
        return [
            _("“%(name)s”不是网格或微网格，家庭只能登记在网格下") % {"name": grid.name},
        ]
    if not grid.is_active:
        return [_("网格“%(name)s”已撤销或合并") % {"name": grid.name}]
    return []


def raise_if(errors: dict[str, list[str]]) -> None:
    found = {field: messages for field, messages in errors.items() if messages}
    if found:
        raise ValidationError(found)


def living_grid_or_none(grid: OrgUnit, living_grid: OrgUnit | None) -> OrgUnit | None:
    # Living in the home grid is not being relocated: keep the record plain.
    return None if living_grid is None or living_grid.pk == grid.pk else living_grid
