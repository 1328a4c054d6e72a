"""Template helpers of the household pages: masked numbers, current executives, history."""

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from jinguo.households.models import Household, HouseholdAssignment, HouseholdChange
from jinguo.people.masking import mask_id, mask_phone
from jinguo.people.models import Person

register = template.Library()


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


def _shown(value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if value in HouseholdAssignment.Kind.values:
        return str(HouseholdAssignment.Kind(value).label)
    return str(value)


@register.filter
def change_lines(change: HouseholdChange) -> list[tuple[str, str, str]]:
    """(field, old, new) for what a history row changed, in words rather than JSON. Keys
    without a label (written by other apps, e.g. imports) are left out."""
    lines = []
    for key, label in FIELDS.items():
        old, new = _shown(change.old.get(key)), _shown(change.new.get(key))
        # The assignment kind says which kind changed hands, so it stays even when equal.
        if old != new or (key == "kind" and new != "—"):
            lines.append((str(label), "" if old in (new, "—") else old, new))
    return lines
