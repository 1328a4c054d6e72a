"""Writes to the household ledger. Each change leaves a history row and an audit row.

Callers check access first (households.selectors.household_get_for_user and
orgs.selectors.org_get_for_user with for_write=True); these functions enforce the ledger's own
rules and raise ValidationError with Chinese messages, keyed by field.

Assignments (包保, 就近联系, 执委进网格) and relocations are households.assignments.
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
from jinguo.households.assignments import end_open, executive_names
from jinguo.households.checks import grid_errors, living_grid_or_none, raise_if
from jinguo.households.history import household_snapshot, record_change
from jinguo.households.masking import is_minor
from jinguo.households.models import (
    Category,
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    Resident,
    in_order,
)
from jinguo.households.plan import plan_refresh, plan_refresh_category
from jinguo.households.policy import audits_sensitive_list, may_reveal_sensitive
from jinguo.households.tokens import category_token, category_tokens
from jinguo.orgs.codes import clean_text, normalize_identifier
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
from jinguo.people.reasons import stated_reason
from jinguo.people.services import person_create, person_update

COVERING = HouseholdAssignment.Kind.COVERING
NUMBER_MAX = 40


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


# --- validation ---------------------------------------------------------------------------------


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
    raise_if(
        {
            "grid": grid_errors(grid, label=_("所属网格")),
            "number": _number_errors(number, exclude_pk=None),
            "living_grid": grid_errors(living_grid, label=_("现居住网格")) if living_grid else [],
        }
    )
    household = Household(
        number=number,
        grid=grid,
        address=clean_text(address),
        living_grid=living_grid_or_none(grid, living_grid),
        living_address=clean_text(living_address),
        note=clean_text(note),
    )
    _save_numbered(household)
    record_change(
        household=household, action="create", actor=actor, old={}, new=household_snapshot(household)
    )
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
    raise_if(
        {
            "grid": grid_errors(grid, label=_("所属网格")),
            "number": _number_errors(number, exclude_pk=household.pk),
        }
    )
    old, before = household_snapshot(household), _state(household)
    household.number, household.grid = number, grid
    household.address, household.note = clean_text(address), clean_text(note)
    if household.living_grid_id == grid.pk:
        household.living_grid = None
    if _state(household) == before:
        return household
    new = household_snapshot(household)
    _save_numbered(household)
    if not household.is_relocated:
        ended = end_open(household=household, kind=COVERING, end_date=timezone.localdate())
        if ended:
            old["covering"], new["covering"] = executive_names(ended), []
    record_change(household=household, action="update", actor=actor, old=old, new=new)
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
    record_change(
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
    record_change(
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
    record_change(
        household=household,
        action="resident_remove",
        actor=actor,
        old={"person": person.name, "relation": resident.get_relation_display()},
        new={},
    )
