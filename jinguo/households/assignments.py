"""Writes to the ledger's assignments: 包保 and 就近联系 executives of a household (and where a
relocated household lives, which ends its 就近联系), and executives in grids (执委进网格).

Assignments are never overwritten: a handover ends the open row and opens a new one, so the
rows themselves are the dated history. Callers check access first, as for households.services.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.households.checks import GRID_KINDS, grid_errors, living_grid_or_none, raise_if
from jinguo.households.history import household_snapshot, record_change
from jinguo.households.models import GridAssignment, Household, HouseholdAssignment
from jinguo.orgs import tree
from jinguo.orgs.codes import clean_text
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person

RESPONSIBLE = HouseholdAssignment.Kind.RESPONSIBLE
COVERING = HouseholdAssignment.Kind.COVERING


# --- household assignments (包保 and 就近联系) ----------------------------------------------------


def _assigned_to_grid(executive: Person, grid: OrgUnit | None) -> bool:
    """Is `executive` assigned (open GridAssignment) to `grid` or to a grid containing it (a
    micro-grid's executives are often those of its grid)?"""
    if grid is None:
        return False
    return GridAssignment.objects.filter(
        executive=executive,
        grid_id__in=tree.ids_in_path(grid.path),
        grid__kind__in=GRID_KINDS,
        end_date__isnull=True,
    ).exists()


def _assignment_errors(
    *, household: Household, executive: Person, kind: str
) -> dict[str, list[str]]:
    if kind == COVERING:
        if not household.is_relocated:
            return {"kind": [_("只有异地居住（拆迁）的家庭才需要现居住地的就近联系执委")]}
        if not _assigned_to_grid(executive, household.living_grid):
            return {
                "executive": [
                    _("%(name)s没有分配到现居住网格“%(grid)s”，不能就近联系该户")
                    % {"name": executive.name, "grid": household.living_grid}
                ]
            }
        return {}
    if kind != RESPONSIBLE:
        return {"kind": [_("请选择包保类型")]}
    if not (
        _assigned_to_grid(executive, household.grid)
        or _assigned_to_grid(executive, household.living_grid)
    ):
        return {
            "executive": [
                _("%(name)s没有分配到该户所在的网格“%(grid)s”")
                % {"name": executive.name, "grid": household.grid}
            ]
        }
    return {}


def end_open(*, household: Household, kind: str, end_date: dt.date) -> list[HouseholdAssignment]:
    """End every open assignment of `kind`; legacy data may hold two, a handover ends both."""
    rows = list(
        household.assignments.filter(kind=kind, end_date__isnull=True).select_related("executive")
    )
    for row in rows:
        row.end_date = max(end_date, row.start_date)
        row.save(update_fields=["end_date"])
    return rows


def executive_names(rows: Iterable[HouseholdAssignment]) -> list[str]:
    return [row.executive.name for row in rows]


@transaction.atomic
def household_assign(
    *,
    actor: User | None,
    household: Household,
    executive: Person,
    kind: str = RESPONSIBLE,
    start_date: dt.date | None = None,
    reason: str = "",
) -> HouseholdAssignment:
    """A handover: end the open assignment of the same kind (on `start_date`) and open a new
    one. The household row is locked first, so two cadres handing the same family over at the
    same moment are serialised and leave exactly one open row, not two."""
    household = (
        Household.objects.select_for_update(of=("self",))
        .select_related("grid", "living_grid")
        .get(pk=household.pk)
    )
    start_date = start_date or timezone.localdate()
    raise_if(_assignment_errors(household=household, executive=executive, kind=kind))
    open_rows = list(household.assignments.filter(kind=kind, end_date__isnull=True))
    if [row.executive_id for row in open_rows] == [executive.pk]:
        raise ValidationError({"executive": [_("%(name)s已在负责该户") % {"name": executive.name}]})
    latest = max((row.start_date for row in open_rows), default=None)
    if latest is not None and start_date < latest:
        raise ValidationError(
            {"start_date": [_("交接日期不能早于现任开始日期%(d)s") % {"d": latest.isoformat()}]}
        )
    ended = end_open(household=household, kind=kind, end_date=start_date)
    row = HouseholdAssignment.objects.create(
        household=household,
        executive=executive,
        kind=kind,
        start_date=start_date,
        assigned_by=actor,
        reason=clean_text(reason)[:200],
    )
    record_change(
        household=household,
        action="assign" if not ended else "handover",
        actor=actor,
        old={"kind": kind, "executive": executive_names(ended)},
        new={"kind": kind, "executive": [executive.name], "start_date": start_date.isoformat()},
        note=reason,
    )
    return row


@transaction.atomic
def household_unassign(
    *,
    actor: User | None,
    assignment: HouseholdAssignment,
    end_date: dt.date | None = None,
    reason: str = "",
) -> HouseholdAssignment:
    """End one open assignment without a successor (the family leaves the executive's care)."""
    assignment = (
        HouseholdAssignment.objects.select_for_update(of=("self",))
        .select_related("household", "executive")
        .get(pk=assignment.pk)
    )
    if assignment.end_date is not None:
        raise ValidationError({"end_date": [_("该包保关系已结束")]})
    end_date = end_date or timezone.localdate()
    if end_date < assignment.start_date:
        raise ValidationError({"end_date": [_("结束日期不能早于开始日期")]})
    assignment.end_date = end_date
    assignment.save(update_fields=["end_date"])
    record_change(
        household=assignment.household,
        action="unassign",
        actor=actor,
        old={"kind": assignment.kind, "executive": [assignment.executive.name]},
        new={"kind": assignment.kind, "executive": [], "end_date": end_date.isoformat()},
        note=reason,
    )
    return assignment


@transaction.atomic
def household_relocate(
    *,
    actor: User | None,
    household: Household,
    living_grid: OrgUnit | None,
    living_address: str = "",
) -> Household:
    """Record where a relocated family lives now (None: back home). Its home grid keeps the
    record; covering executives of the grid it no longer lives in are ended."""
    if living_grid is not None:
        raise_if({"living_grid": grid_errors(living_grid, label=_("现居住网格"))})
    household = (
        Household.objects.select_for_update(of=("self",))
        .select_related("grid", "living_grid")
        .get(pk=household.pk)
    )
    old, old_living_id = household_snapshot(household), household.living_grid_id
    living_grid = living_grid_or_none(household.grid, living_grid)
    household.living_grid = living_grid
    household.living_address = clean_text(living_address) if living_grid else ""
    new = household_snapshot(household)
    if new == old and household.living_grid_id == old_living_id:
        return household
    household.save(update_fields=["living_grid", "living_address", "updated_at"])
    ended: list[HouseholdAssignment] = []
    if household.living_grid_id != old_living_id:
        ended = end_open(household=household, kind=COVERING, end_date=timezone.localdate())
    if ended:
        old["covering"] = executive_names(ended)
        new["covering"] = []
    record_change(household=household, action="relocate", actor=actor, old=old, new=new)
    return household


# --- executives in grids (执委进网格) -------------------------------------------------------------


def grid_assign(
    *,
    actor: User | None,
    executive: Person,
    grid: OrgUnit,
    start_date: dt.date | None = None,
    reason: str = "",
) -> GridAssignment:
    raise_if({"grid": grid_errors(grid, label=_("网格"))})
    start_date = start_date or timezone.localdate()
    already = _("%(name)s已分配到该网格") % {"name": executive.name}
    if GridAssignment.objects.filter(executive=executive, grid=grid, end_date__isnull=True):
        raise ValidationError({"executive": [already]})
    try:
        with transaction.atomic():
            row = GridAssignment.objects.create(
                executive=executive,
                grid=grid,
                start_date=start_date,
                assigned_by=actor,
                reason=clean_text(reason)[:200],
            )
            audit_record(
                actor=actor,
                action="grid.assign",
                target=grid,
                changes={"executive": [None, executive.name]},
                note=reason,
            )
    except IntegrityError:
        # The open-row constraint: someone assigned her in the same moment.
        raise ValidationError({"executive": [already]}) from None
    return row


@transaction.atomic
def grid_unassign(
    *,
    actor: User | None,
    assignment: GridAssignment,
    end_date: dt.date | None = None,
    reason: str = "",
) -> GridAssignment:
    assignment = (
        GridAssignment.objects.select_for_update(of=("self",))
        .select_related("grid", "executive")
        .get(pk=assignment.pk)
    )
    if assignment.end_date is not None:
        raise ValidationError({"end_date": [_("该分配已结束")]})
    end_date = end_date or timezone.localdate()
    if end_date < assignment.start_date:
        raise ValidationError({"end_date": [_("结束日期不能早于开始日期")]})
    assignment.end_date = end_date
    assignment.save(update_fields=["end_date"])
    audit_record(
        actor=actor,
        action="grid.unassign",
        target=assignment.grid,
        changes={"executive": [assignment.executive.name, None], "end_date": [None, str(end_date)]},
        note=reason,
    )
    return assignment
