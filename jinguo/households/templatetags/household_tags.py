"""Template helpers of the household pages: masked numbers, sensitive categories and minors
(households.masking as households.policy says), current executives, history."""

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.households import masking
from jinguo.households.models import Category, Household, HouseholdAssignment, HouseholdChange
from jinguo.households.policy import may_reveal_sensitive, sees_sensitive
from jinguo.people.masking import mask_id, mask_phone
from jinguo.people.models import Person

register = template.Library()


@register.filter
def categories_for(categories: Household | Iterable[Category], user: User) -> list[str]:
    """The category names `user` may see: a household's (from the list's prefetch) or a list."""
    if isinstance(categories, Household):
        categories = categories.held_categories
    return masking.category_names(categories, clear=sees_sensitive(user))


@register.filter
def name_for(person: Person | None, user: User) -> str:
    """A resident's name; a minor's as 张* unless `user` sees sensitive details in clear."""
    return masking.resident_name(person, clear=sees_sensitive(user))


@register.filter
def minor_hidden_for(person: Person | None, user: User) -> bool:
    """Whether `user` sees `person` as a masked minor: 张*, the birth year only."""
    if person is None or sees_sensitive(user):
        return False
    return masking.is_minor(person.birth_date)


@register.filter(name="may_reveal_sensitive")
def may_reveal_sensitive_filter(user: User) -> bool:
    """Whether `user` may reveal a household's sensitive details with a reason."""
    return may_reveal_sensitive(user)


@register.filter
def masked_id(person: Person | None) -> str:
    return mask_id(person.id_number) if person is not None else ""


@register.filter
def masked_phone(person: Person | None) -> str:
    return mask_phone(person.phone) if person is not None else ""


@register.filter
def open_of(household: Household, kind: str) -> list[HouseholdAssignment]:
    """The household's open assignments of `kind`, from the list selector's prefetch."""
    return [a for a in getattr(household, "open_assignments", []) if a.kind == kind]


ACTIONS = {
    "create": _("新建"),
    "update": _("修改"),
    "categories": _("重点类别"),
    "resident_add": _("添加成员"),
    "resident_remove": _("移出成员"),
    "assign": _("包保"),
    "handover": _("包保交接"),
    "unassign": _("结束包保"),
    "relocate": _("异地居住"),
    "import": _("导入"),
}


@register.filter
def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


FIELDS = {
    "number": _("户号"),
    "grid": _("所属网格"),
    "address": _("户籍地址"),
    "living_grid": _("现居住网格"),
    "living_address": _("现住址"),
    "note": _("备注"),
    "head": _("户主"),
    "members": _("成员人数"),
    "categories": _("重点类别"),
    "person": _("成员"),
    "relation": _("关系"),
    "kind": _("类型"),
    "executive": _("执委"),
    "covering": _("就近联系执委"),
    "start_date": _("开始日期"),
    "end_date": _("结束日期"),
}


# The fields whose values may name a sensitive category or a minor (history_masks).
MASKED_FIELDS = frozenset({"categories", "person", "head"})


def _shown(value: Any, masks: Mapping[str, str]) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        shown = [masks.get(str(v), str(v)) for v in value]
        return "、".join(dict.fromkeys(shown))  # two masked categories read as one
    if isinstance(value, str) and value in masks:
        return masks[value]
    if value in HouseholdAssignment.Kind.values:
        return str(HouseholdAssignment.Kind(value).label)
    return str(value)


@register.filter
def change_lines(
    change: HouseholdChange, masks: Mapping[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """(field, old, new) for what a history row changed, in words rather than JSON. Keys
    without a label (written by other apps, e.g. imports) are left out. `masks` (clear →
    shown: sensitive category names, minors' names; selectors.history_masks) hide what the
    viewer may not see."""
    masks = masks or {}
    lines = []
    for key, label in FIELDS.items():
        shown = masks if key in MASKED_FIELDS else {}
        old, new = _shown(change.old.get(key), shown), _shown(change.new.get(key), shown)
        # The assignment kind says which kind changed hands, so it stays even when equal.
        if old != new or (key == "kind" and new != "—"):
            lines.append((str(label), "" if old in (new, "—") else old, new))
    return lines
