"""Writes to the organisation tree. Each change leaves an OrgUnitChange row and an audit row.

Callers check access first (orgs.selectors.org_get_for_user with for_write=True on every node
involved); these functions enforce the tree's own rules and raise ValidationError in Chinese.
"""

import uuid
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.audit.services import audit_record
from jinguo.common.refcache import reference_changed
from jinguo.orgs import tree
from jinguo.orgs.codes import clean_text, code_errors, name_errors, normalize_code
from jinguo.orgs.kinds import ALLOWED_PARENTS, SIGNIFICANT_DIGITS, TERRITORIAL_LEVEL, kind_label
from jinguo.orgs.models import OrgUnit, OrgUnitChange, Venue


def org_snapshot(org: OrgUnit) -> dict[str, Any]:
    return {
        "name": org.name,
        "kind": org.kind,
        "code": org.code,
        "parent": org.parent_id,
        "is_active": org.is_active,
    }


def structure_errors(*, kind: str, parent: OrgUnit | None) -> list[str]:
    allowed = ALLOWED_PARENTS.get(kind)
    if allowed is None:
        return [_("未知的组织类型“%(kind)s”") % {"kind": kind}]
    if parent is None:
        return [] if None in allowed else [_("只有市级组织可以作为根节点")]
    if parent.kind not in allowed:
        return [
            _("%(kind)s不能设在%(parent)s之下")
            % {"kind": kind_label(kind), "parent": kind_label(parent.kind)}
        ]
    if not parent.is_active:
        return [_("上级组织“%(name)s”已撤销或合并") % {"name": parent.name}]
    return []


def _uniqueness_errors(
    *, kind: str, name: str, code: str, parent: OrgUnit | None, exclude_pk: int | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    others = OrgUnit.objects.all() if exclude_pk is None else OrgUnit.objects.exclude(pk=exclude_pk)
    if code:
        clash = others.filter(code=code).first()
        if clash is not None:
            errors["code"] = [
                _("编码%(code)s已被“%(name)s”使用") % {"code": code, "name": clash.name}
            ]
    if others.filter(parent=parent, kind=kind, name=name, is_active=True).exists():
        errors["name"] = [_("上级组织下已有同名的%(kind)s") % {"kind": kind_label(kind)}]
    return errors


def org_validate(
    *, kind: str, name: str, code: str, parent: OrgUnit | None, exclude_pk: int | None = None
) -> None:
    errors: dict[str, list[str]] = {}
    for field, messages in (
        ("kind", structure_errors(kind=kind, parent=parent)),
        ("name", name_errors(name)),
        (
            "code",
            code_errors(
                kind=kind,
                code=code,
                parent_kind=parent.kind if parent else None,
                parent_code=parent.code if parent else "",
            ),
        ),
    ):
        if messages:
            errors[field] = messages
    if not errors:
        errors = _uniqueness_errors(
            kind=kind, name=name, code=code, parent=parent, exclude_pk=exclude_pk
        )
    if errors:
        raise ValidationError(errors)


def _record(
    *,
    org: OrgUnit,
    action: str,
    actor: User | None,
    old: dict[str, Any],
    new: dict[str, Any],
    note: str = "",
) -> None:
    reference_changed()  # grid options shown by lists (now, and once committed)
    transaction.on_commit(reference_changed)
    record_change(
        OrgUnitChange,
        target=org,
        actor=actor,
        action=action,
        audit_action=f"org.{action}",
        note=note,
        old=old,
        new=new,
        changes={k: [old.get(k), new.get(k)] for k in new if old.get(k) != new.get(k)},
    )


@transaction.atomic
def org_create(
    *,
    actor: User | None,
    parent: OrgUnit | None,
    name: str,
    kind: str,
    code: str = "",
    action: str = OrgUnitChange.Action.CREATE,
) -> OrgUnit:
    name, code = clean_text(name), normalize_code(code)
    org_validate(kind=kind, name=name, code=code, parent=parent)
    # The path needs the row's id, so the row is written with a placeholder first.
    org = OrgUnit.objects.create(
        name=name, kind=kind, code=code, parent=parent, path=f"new-{uuid.uuid4().hex}"
    )
    org.path = tree.child_path(parent.path if parent else "", org.pk)
    org.save(update_fields=["path"])
    _record(org=org, action=action, actor=actor, old={}, new=org_snapshot(org))
    return org


def _recode_descendants(*, org: OrgUnit, old_code: str, new_code: str) -> None:
    """Territorial codes below `org` start with its digits; carry a new code down to them."""
    level = TERRITORIAL_LEVEL.get(org.kind)
    if level is None or not old_code or old_code == new_code:
        return
    own = SIGNIFICANT_DIGITS[level]
    below = OrgUnit.objects.filter(
        org.subtree_q(), kind__in=list(TERRITORIAL_LEVEL), code__startswith=old_code[:own]
    ).exclude(pk=org.pk)
    renamed = {c: new_code[:own] + c[own:] for c in below.values_list("code", flat=True)}
    clashes = OrgUnit.objects.filter(code__in=list(renamed.values())).exclude(org.subtree_q())
    if clashes.exists():
        raise ValidationError(
            {
                "code": [
                    _("下级组织的编码将与现有编码重复：%(codes)s")
                    % {"codes": "、".join(clashes.values_list("code", flat=True)[:5])}
                ]
            }
        )
    below.update(code=Concat(Value(new_code[:own]), Substr("code", own + 1)))


@transaction.atomic
def org_update(*, actor: User, org: OrgUnit, name: str, code: str) -> OrgUnit:
    name, code = clean_text(name), normalize_code(code)
    old = org_snapshot(org)
    if name == org.name and code == org.code:
        return org
    org_validate(kind=org.kind, name=name, code=code, parent=org.parent, exclude_pk=org.pk)
    _recode_descendants(org=org, old_code=org.code, new_code=code)
    org.name, org.code = name, code
    org.save(update_fields=["name", "code", "updated_at"])
    _record(
        org=org, action=OrgUnitChange.Action.UPDATE, actor=actor, old=old, new=org_snapshot(org)
    )
    return org


def _move_subtree(*, org: OrgUnit, new_parent: OrgUnit) -> None:
    old_path, new_path = org.path, tree.child_path(new_parent.path, org.pk)
    # Paths always end in the node's own id, so rewriting a subtree never collides.
    OrgUnit.objects.filter(org.subtree_q()).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
    )
    org.path, org.parent = new_path, new_parent


@transaction.atomic
def org_move(
    *, actor: User, org: OrgUnit, new_parent: OrgUnit, new_code: str | None = None, note: str = ""
) -> OrgUnit:
    """Move `org` (and everything below it) under `new_parent`. A territorial unit usually
    needs a new code under its new parent; pass it as `new_code`."""
    if org.contains(new_parent):
        raise ValidationError({"parent": [_("不能移动到自身或其下级组织之下")]})
    code = normalize_code(new_code) if new_code is not None else org.code
    old = org_snapshot(org)
    org_validate(kind=org.kind, name=org.name, code=code, parent=new_parent, exclude_pk=org.pk)
    _recode_descendants(org=org, old_code=org.code, new_code=code)
    _move_subtree(org=org, new_parent=new_parent)
    org.code = code
    org.save(update_fields=["parent", "code", "updated_at"])
    _record(
        org=org,
        action=OrgUnitChange.Action.MOVE,
        actor=actor,
        old=old,
        new=org_snapshot(org),
        note=note,
    )
    return org


def _org_references() -> list[tuple[type[models.Model], str]]:
    """Every foreign key to OrgUnit outside the tree's own bookkeeping: the records a merge
    must carry over. Apps added later are picked up without touching this module."""
    skip = {(OrgUnit, "parent"), (OrgUnit, "merged_into"), (OrgUnitChange, "org")}
    refs = []
    for rel in OrgUnit._meta.related_objects:
        model, field = cast(type[models.Model], rel.related_model), rel.field.name
        if rel.many_to_many or (model, field) in skip:
            continue
        refs.append((model, field))
    return refs


@transaction.atomic
def org_merge(*, actor: User, source: OrgUnit, target: OrgUnit, note: str = "") -> OrgUnit:
    """Merge `source` into `target` (村合并, 网格调整): children and every record that points
    at `source` move to `target`; `source` stays, inactive, as history."""
    if source.pk == target.pk:
        raise ValidationError({"target": [_("不能与自身合并")]})
    same_level = source.level is not None and source.level == target.level
    if source.kind != target.kind and not same_level:
        # A village may merge into a community (村改居): same level, different kind.
        raise ValidationError({"target": [_("只能合并同类型或同一层级的组织")]})
    if source.contains(target) or target.contains(source):
        raise ValidationError({"target": [_("不能与自己的上级或下级组织合并")]})
    if not (source.is_active and target.is_active):
        raise ValidationError({"target": [_("已撤销或合并的组织不能再合并")]})
    own = SIGNIFICANT_DIGITS.get(TERRITORIAL_LEVEL.get(source.kind, 0), 0)
    for child in list(source.children.filter(is_active=True)):
        new_code = target.code[:own] + child.code[own:] if own and child.code else child.code
        org_move(actor=actor, org=child, new_parent=target, new_code=new_code, note=note)
    moved: dict[str, int] = {}
    for model, field in _org_references():
        count = model._default_manager.filter(**{field: source}).update(**{field: target})
        if count:
            moved[model._meta.label_lower] = count
    old = org_snapshot(source)
    source.is_active, source.merged_into = False, target
    source.save(update_fields=["is_active", "merged_into", "updated_at"])
    new = {**org_snapshot(source), "merged_into": target.pk, "moved": moved}
    _record(
        org=source, action=OrgUnitChange.Action.MERGE_INTO, actor=actor, old=old, new=new, note=note
    )
    _record(
        org=target,
        action=OrgUnitChange.Action.MERGE_FROM,
        actor=actor,
        old={},
        new={"merged_from": source.pk, "name": source.name},
        note=note,
    )
    return target


@transaction.atomic
def venue_create(
    *, actor: User | None, org: OrgUnit, kind: str, name: str, address: str = ""
) -> Venue:
    venue = Venue.objects.create(
        org=org, kind=kind, name=clean_text(name), address=clean_text(address)
    )
    audit_record(
        actor=actor,
        action="venue.create",
        target=venue,
        changes={"org": [None, org.pk], "kind": [None, kind]},
    )
    return venue
