"""Writes to the household ledger. Each change leaves a history row and an audit row.

Callers check access first (households.selectors.household_get_for_user and
orgs.selectors.org_get_for_user with for_write=True); these functions enforce the ledger's own
rules and raise ValidationError with Chinese messages, keyed by field.

Assignments (包保, 就近联系, 执委进网格) are never overwritten: a handover ends the open row
and opens a new one, so the rows themselves are the dated history.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.households.masking import is_minor
from jinguo.households.models import (
    Category,
    GridAssignment,
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    HouseholdChange,
    Resident,
    in_order,
)
from jinguo.households.plan import plan_refresh, plan_refresh_category
from jinguo.households.policy import audits_sensitive_list, may_reveal_sensitive
from jinguo.households.tokens import category_token, category_tokens
from jinguo.orgs import tree
from jinguo.orgs.codes import clean_text, normalize_identifier
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
from jinguo.people.reasons import stated_reason
from jinguo.people.services import person_create, person_update

GRID_KINDS = (Kind.GRID, Kind.MICRO_GRID)
RESPONSIBLE = HouseholdAssignment.Kind.RESPONSIBLE
COVERING = HouseholdAssignment.Kind.COVERING
NUMBER_MAX = 40


def _snapshot(household: Household) -> dict[str, Any]:
    # Grid names, not ids: the history is read by people (the tree keeps its own history).
    return {
        "number": household.number,
        "grid": household.grid.name,
        "address": household.address,
        "living_grid": household.living_grid.name if household.living_grid else None,
        "living_address": household.living_address,
        "note": household.note,
    }


def _state(household: Household) -> tuple[Any, ...]:
    """What decides whether anything changed (ids: two grids may share a name)."""
    return (
        household.number,
        household.grid_id,
        household.address,
        household.living_grid_id,
        household.living_address,
        household.note,
    )


def _record(
    *,
    household: Household,
    action: str,
    actor: User | None,
    old: dict[str, Any],
    new: dict[str, Any],
    note: str = "",
) -> None:
    HouseholdChange.objects.create(
        household=household, action=action, actor=actor, old=old, new=new, note=note[:200]
    )
    changes = {k: [old.get(k), new.get(k)] for k in {*old, *new} if old.get(k) != new.get(k)}
    audit_record(
        actor=actor, action=f"household.{action}", target=household, changes=changes, note=note
    )


# --- validation ---------------------------------------------------------------------------------


def _grid_errors(grid: OrgUnit | None, *, label: str) -> list[str]:
    if grid is None:
        return [_("请选择%(label)s") % {"label": label}]
    if grid.kind not in GRID_KINDS:
        return [
            _("“%(name)s”不是网格或微网格，家庭只能登记在网格下") % {"name": grid.name},
        ]
    if not grid.is_active:
        return [_("网格“%(name)s”已撤销或合并") % {"name": grid.name}]
    return []


def _number_errors(number: str, *, exclude_pk: int | None) -> list[str]:
    if not number:
        return [_("户号不能为空")]
    if len(number) > NUMBER_MAX:
        return [_("户号最长%(n)d位") % {"n": NUMBER_MAX}]
    others = Household.objects.exclude(pk=exclude_pk) if exclude_pk else Household.objects
    if others.filter(number=number).exists():
        return [_("户号“%(number)s”已存在") % {"number": number}]
    return []


def _save_numbered(household: Household) -> None:
    """Save; the unique number is the judge when another cadre took it since the check (two
    forms offered the same next number): the form says so and keeps what was typed."""
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError:
        raise ValidationError(
            {
                "number": [
                    _("户号“%(number)s”刚被他人占用，请换一个户号") % {"number": household.number}
                ]
            }
        ) from None


def _raise_if(errors: dict[str, list[str]]) -> None:
    found = {field: messages for field, messages in errors.items() if messages}
    if found:
        raise ValidationError(found)


def _living_grid_or_none(grid: OrgUnit, living_grid: OrgUnit | None) -> OrgUnit | None:
    # Living in the home grid is not being relocated: keep the record plain.
    return None if living_grid is None or living_grid.pk == grid.pk else living_grid


# --- households ---------------------------------------------------------------------------------


# A new household has no category and no visit: its stored plan is null, the columns' default,
# so household_create need not refresh it; household_set_categories does.


@transaction.atomic
def household_create(
    *,
    actor: User | None,
    grid: OrgUnit,
    number: str,
    address: str = "",
    living_grid: OrgUnit | None = None,
    living_address: str = "",
    note: str = "",
) -> Household:
    number = normalize_identifier(number)
    _raise_if(
        {
            "grid": _grid_errors(grid, label=_("所属网格")),
            "number": _number_errors(number, exclude_pk=None),
            "living_grid": _grid_errors(living_grid, label=_("现居住网格")) if living_grid else [],
        }
    )
    household = Household(
        number=number,
        grid=grid,
        address=clean_text(address),
        living_grid=_living_grid_or_none(grid, living_grid),
        living_address=clean_text(living_address),
        note=clean_text(note),
    )
    _save_numbered(household)
    _record(household=household, action="create", actor=actor, old={}, new=_snapshot(household))
    return household


@transaction.atomic
def household_update(
    *,
    actor: User | None,
    household: Household,
    number: str,
    grid: OrgUnit,
    address: str = "",
    note: str = "",
) -> Household:
    """Correct the number, home grid, address or note. Moving the home grid onto the grid the
    family lives in makes it no longer relocated, which ends its covering executives."""
    number = normalize_identifier(number)
    _raise_if(
        {
            "grid": _grid_errors(grid, label=_("所属网格")),
            "number": _number_errors(number, exclude_pk=household.pk),
        }
    )
    old, before = _snapshot(household), _state(household)
    household.number, household.grid = number, grid
    household.address, household.note = clean_text(address), clean_text(note)
    if household.living_grid_id == grid.pk:
        household.living_grid = None
    if _state(household) == before:
        return household
    new = _snapshot(household)
    _save_numbered(household)
    if not household.is_relocated:
        ended = _end_open(household=household, kind=COVERING, end_date=timezone.localdate())
        if ended:
            old["covering"], new["covering"] = _executive_names(ended), []
    _record(household=household, action="update", actor=actor, old=old, new=new)
    return household


@transaction.atomic
def household_set_categories(
    *,
    actor: User | None,
    household: Household,
    categories: Iterable[Category],
    since: dt.date | None = None,
) -> Household:
    """Replace the household's categories. Kept categories keep their original 认定日期."""
    wanted = {c.pk: c for c in categories}
    household.forget_categories()  # read them afresh inside the transaction
    current = {c.pk: c for c in household.held_categories}
    inactive = [c.name for pk, c in wanted.items() if pk not in current and not c.is_active]
    if inactive:
        raise ValidationError(
            {"categories": [_("类别“%(name)s”已停用") % {"name": "、".join(inactive)}]}
        )
    removed = [pk for pk in current if pk not in wanted]
    added = [pk for pk in wanted if pk not in current]
    if not removed and not added:
        return household
    HouseholdCategory.objects.filter(
        household=household, token__in=category_tokens(removed)
    ).delete()
    HouseholdCategory.objects.bulk_create(
        HouseholdCategory(household=household, token=category_token(pk), since=since)
        for pk in added
    )
    household.forget_categories()
    plan_refresh(household_ids=[household.pk])
    _record(
        household=household,
        action="categories",
        actor=actor,
        old={"categories": _tokens(current.values())},
        new={"categories": _tokens(wanted.values())},
    )
    return household


def _tokens(categories: Iterable[Category]) -> list[str]:
    # The history keeps tokens, not names: it must not say in clear who holds 低保 either.
    return category_tokens(c.pk for c in in_order(categories))


# Fields of a category that the stored visit plan of its households depends on.
PLAN_FIELDS = frozenset({"visit_interval_days", "is_active"})


@transaction.atomic
def category_save(
    *, actor: User | None, category: Category, changes: dict[str, list[Any]], created: bool
) -> Category:
    """Save a category edited by the system administrator (`changes`: field → [old, new]) and
    audit it. A changed interval or activity re-plans every household holding the category."""
    category.save()
    audit_record(
        actor=actor,
        action="category.create" if created else "category.update",
        target=category,
        changes=changes,
    )
    if not created and PLAN_FIELDS & changes.keys():
        plan_refresh_category(category_id=category.pk)
    return category


# --- sensitive details (households.policy) -------------------------------------------------------


@dataclass(frozen=True)
class Revealed:
    """A household's categories and its minors in clear, for the one response that asked."""

    categories: list[Category]
    minors: list[Resident]


def household_unmask(*, actor: User, household: Household, purpose: str, reason: str) -> Revealed:
    """The household's sensitive categories and its minors' names in clear (birth dates stay
    the year: the ID numbers beside them stay masked), for a stated purpose and explanation
    (people.reasons), audited (action household.unmask).

    The caller has fetched `household` through household_get_for_user (scope)."""
    if not may_reveal_sensitive(actor):
        raise PermissionDenied
    stated = stated_reason(purpose=purpose, reason=reason)
    audit_record(
        actor=actor,
        action="household.unmask",
        target=household,
        changes={"fields": ["categories", "minors"], **stated.audit_changes()},
        note=stated.note,
    )
    residents = household.residents.select_related("person").order_by("relation", "person_id")
    today = timezone.localdate()
    return Revealed(
        categories=household.held_categories,
        minors=[r for r in residents if is_minor(r.person.birth_date, today)],
    )


def sensitive_list_record(*, actor: User, category: Category, org: OrgUnit | None) -> None:
    """A ledger filtered by a sensitive category names who holds it: one audit row per list
    request by anyone who does not see the categories anyway (households.policy)."""
    if not category.sensitive or not audits_sensitive_list(actor):
        return
    audit_record(
        actor=actor,
        action="household.sensitive_list",
        target=category,
        changes={"category": category.pk, "org": org.pk if org is not None else None},
    )


# --- residents ----------------------------------------------------------------------------------


@transaction.atomic
def resident_add(
    *, actor: User | None, household: Household, person: Person, relation: str
) -> Resident:
    """A person lives in one household; the one whose relation is 户主 becomes its head."""
    if relation not in Resident.Relation.values:
        raise ValidationError({"relation": [_("请选择与户主的关系")]})
    household = Household.objects.select_for_update(of=("self",)).get(pk=household.pk)
    existing = Resident.objects.filter(person=person).select_related("household").first()
    if existing is not None:
        raise ValidationError(
            {
                "person": [
                    _("%(name)s已是户号%(number)s的家庭成员")
                    % {"name": person.name, "number": existing.household.number}
                ]
            }
        )
    is_head = relation == Resident.Relation.HEAD
    if is_head and (
        household.head_id is not None
        or household.residents.filter(relation=Resident.Relation.HEAD).exists()
    ):
        raise ValidationError({"relation": [_("该户已有户主，一户只能有一名户主")]})
    resident = Resident.objects.create(household=household, person=person, relation=relation)
    if is_head:
        household.head = person
        household.save(update_fields=["head", "updated_at"])
    _record(
        household=household,
        action="resident_add",
        actor=actor,
        old={},
        new={"person": person.name, "relation": str(Resident.Relation(relation).label)},
    )
    return resident


@transaction.atomic
def resident_register(
    *,
    actor: User | None,
    household: Household,
    known: Person | None,
    id_number: str,
    name: str,
    relation: str,
    phone: str = "",
) -> Resident:
    """Add a member by ID number: `known` is the registered person the caller may see with that
    number, if any; otherwise a new person is registered under the household's grid (so whoever
    sees the household sees its members). A phone typed for a known person replaces hers. All or
    nothing; the phone is parsed, encrypted and masked as every person's (people.services)."""
    if known is None:
        if not name.strip():
            raise ValidationError({"name": [_("该身份证号尚未登记，请填写姓名以登记新成员")]})
        known = person_create(
            actor=actor, org=household.grid, name=name, id_number=id_number, phone=phone
        )
    elif phone.strip():
        known = person_update(actor=actor, person=known, phone=phone)
    return resident_add(actor=actor, household=household, person=known, relation=relation)


@transaction.atomic
def resident_remove(*, actor: User | None, household: Household, person: Person) -> None:
    resident = Resident.objects.filter(household=household, person=person).first()
    if resident is None:
        raise ValidationError({"person": [_("%(name)s不是该户的成员") % {"name": person.name}]})
    resident.delete()
    if household.head_id == person.pk:
        household.head = None
        household.save(update_fields=["head", "updated_at"])
    _record(
        household=household,
        action="resident_remove",
        actor=actor,
        old={"person": person.name, "relation": resident.get_relation_display()},
        new={},
    )


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


def _end_open(*, household: Household, kind: str, end_date: dt.date) -> list[HouseholdAssignment]:
    """End every open assignment of `kind`; legacy data may hold two, a handover ends both."""
    rows = list(
        household.assignments.filter(kind=kind, end_date__isnull=True).select_related("executive")
    )
    for row in rows:
        row.end_date = max(end_date, row.start_date)
        row.save(update_fields=["end_date"])
    return rows


def _executive_names(rows: Iterable[HouseholdAssignment]) -> list[str]:
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
    _raise_if(_assignment_errors(household=household, executive=executive, kind=kind))
    open_rows = list(household.assignments.filter(kind=kind, end_date__isnull=True))
    if [row.executive_id for row in open_rows] == [executive.pk]:
        raise ValidationError({"executive": [_("%(name)s已在负责该户") % {"name": executive.name}]})
    latest = max((row.start_date for row in open_rows), default=None)
    if latest is not None and start_date < latest:
        raise ValidationError(
            {"start_date": [_("交接日期不能早于现任开始日期%(d)s") % {"d": latest.isoformat()}]}
        )
    ended = _end_open(household=household, kind=kind, end_date=start_date)
    row = HouseholdAssignment.objects.create(
        household=household,
        executive=executive,
        kind=kind,
        start_date=start_date,
        assigned_by=actor,
        reason=clean_text(reason)[:200],
    )
    _record(
        household=household,
        action="assign" if not ended else "handover",
        actor=actor,
        old={"kind": kind, "executive": _executive_names(ended)},
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
    _record(
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
        _raise_if({"living_grid": _grid_errors(living_grid, label=_("现居住网格"))})
    household = (
        Household.objects.select_for_update(of=("self",))
        .select_related("grid", "living_grid")
        .get(pk=household.pk)
    )
    old, old_living_id = _snapshot(household), household.living_grid_id
    living_grid = _living_grid_or_none(household.grid, living_grid)
    household.living_grid = living_grid
    household.living_address = clean_text(living_address) if living_grid else ""
    new = _snapshot(household)
    if new == old and household.living_grid_id == old_living_id:
        return household
    household.save(update_fields=["living_grid", "living_address", "updated_at"])
    ended: list[HouseholdAssignment] = []
    if household.living_grid_id != old_living_id:
        ended = _end_open(household=household, kind=COVERING, end_date=timezone.localdate())
    if ended:
        old["covering"] = _executive_names(ended)
        new["covering"] = []
    _record(household=household, action="relocate", actor=actor, old=old, new=new)
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
    _raise_if({"grid": _grid_errors(grid, label=_("网格"))})
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
