"""Writes to the 三新 registry and the exemplary women roster (the worker base: sanxin.workers;
targets: sanxin.targets). Callers fetch every record and org through the selectors'
fetch-and-check functions first (404 out of scope, 403 for read-only roles); these functions
enforce the records' own rules, raise ValidationError in Chinese by field, and leave a history
row and an audit row behind every change."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.orgs.codes import clean_text
from jinguo.orgs.kinds import ALLOWED_PARENTS, TERRITORIAL_LEVEL, Kind, kind_label
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at
from jinguo.orgs.services import org_create
from jinguo.people.masking import mask_phone
from jinguo.people.models import Person
from jinguo.people.phones import PhoneError, parse_phone
from jinguo.sanxin.creditcode import CreditCodeError, parse_credit_code
from jinguo.sanxin.models import (
    CATEGORY_SECTORS,
    FEDERATION_KIND,
    Category,
    ExemplaryWoman,
    ExemplaryWomanChange,
    SanxinOrg,
    SanxinOrgChange,
    Sector,
)

Action = SanxinOrgChange.Action


def _raise_if(errors: dict[str, list[str]]) -> None:
    found = {field: messages for field, messages in errors.items() if messages}
    if found:
        raise ValidationError(found)


def _today() -> dt.date:
    return timezone.localdate()


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _record(
    *,
    sanxin_org: SanxinOrg,
    actor: User | None,
    action: str,
    old: dict[str, Any],
    new: dict[str, Any],
    note: str = "",
    target: Any = None,
) -> None:
    record_change(
        SanxinOrgChange,
        target=sanxin_org,
        actor=actor,
        action=action,
        audit_action=f"sanxin.{action}",
        note=note,
        old=old,
        new=new,
        audit_target=target or sanxin_org,
    )


# --- the registry (信息库) --------------------------------------------------------------------


def sanxin_org_snapshot(sanxin_org: SanxinOrg) -> dict[str, Any]:
    """What history and the audit log keep: the contact phone masked, never whole."""
    return {
        "org": sanxin_org.org_id,
        "name": sanxin_org.name,
        "credit_code": sanxin_org.credit_code,
        "category": sanxin_org.category,
        "sector": sanxin_org.sector,
        "workers": sanxin_org.workers,
        "women_workers": sanxin_org.women_workers,
        "has_party_org": sanxin_org.has_party_org,
        "contact_name": sanxin_org.contact_name,
        "contact_phone": mask_phone(sanxin_org.contact_phone),
        "address": sanxin_org.address,
        "registered_on": _iso(sanxin_org.registered_on),
        "is_active": sanxin_org.is_active,
    }


def registration_org_errors(org: OrgUnit) -> list[str]:
    if not (org.kind in TERRITORIAL_LEVEL or org.kind == Kind.INDUSTRY):
        return [_("三新组织只能登记在地域组织（市、县、乡镇、村社区、网格）或行业妇联之下")]
    if not org.is_active:
        return [_("组织“%(name)s”已撤销或合并") % {"name": org.name}]
    return []


def category_sector_errors(*, category: str, sector: str) -> dict[str, list[str]]:
    if category not in Category.values:
        return {"category": [_("请选择类别")]}
    if sector not in Sector.values:
        return {"sector": [_("请选择行业")]}
    if sector in CATEGORY_SECTORS[category]:
        return {}
    if category == Category.NEW_EMPLOYMENT:
        message = _("新就业群体只能选择外卖配送、快递物流、网约车、直播电商或货车司机（卡嫂）")
    else:
        message = _("%(category)s不能选择“%(sector)s”行业") % {
            "category": Category(category).label,
            "sector": Sector(sector).label,
        }
    return {"sector": [message]}


def _worker_count_errors(workers: int, women_workers: int) -> dict[str, list[str]]:
    if workers is None or workers < 0:
        return {"workers": [_("从业人员数不能为负数")]}
    if women_workers is None or women_workers < 0:
        return {"women_workers": [_("女性从业人员数不能为负数")]}
    if women_workers > workers:
        return {
            "women_workers": [
                _("女性从业人员数（%(women)d人）不能超过从业人员总数（%(total)d人）")
                % {"women": women_workers, "total": workers}
            ]
        }
    return {}


def sanxin_org_clean(
    *,
    org: OrgUnit,
    name: str,
    category: str,
    sector: str,
    credit_code: str = "",
    workers: int = 0,
    women_workers: int = 0,
    has_party_org: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
    registered_on: dt.date | None = None,
    exclude_pk: int | None = None,
) -> dict[str, Any]:
    """The stored values for this input, or ValidationError naming every field's problem."""
    errors: dict[str, list[str]] = {"org": registration_org_errors(org)}
    name = clean_text(name)
    if not name:
        errors["name"] = [_("请填写组织名称")]
    elif len(name) > 100:
        errors["name"] = [_("名称不能超过100个字")]
    try:
        code = parse_credit_code(credit_code)
    except CreditCodeError as exc:
        errors["credit_code"], code = [str(exc)], ""
    errors |= category_sector_errors(category=category, sector=sector)
    errors |= _worker_count_errors(workers, women_workers)
    try:
        phone = parse_phone(contact_phone)
    except PhoneError as exc:
        errors["contact_phone"], phone = [str(exc)], ""
    day = registered_on or _today()
    if day > _today():
        errors["registered_on"] = [_("登记日期不能晚于今天")]
    _raise_if(errors)
    if code:
        clash = SanxinOrg.objects.filter(credit_code=code)
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            # Not naming the other organisation: it may be outside the user's scope.
            raise ValidationError({"credit_code": [_("该统一社会信用代码已登记")]})
    return {
        "org": org,
        "name": name,
        "credit_code": code,
        "category": category,
        "sector": sector,
        "workers": workers,
        "women_workers": women_workers,
        "has_party_org": bool(has_party_org),
        "contact_name": clean_text(contact_name)[:50],
        "contact_phone": phone,
        "address": clean_text(address)[:200],
        "registered_on": day,
    }


@transaction.atomic
def sanxin_org_create(*, actor: User | None, org: OrgUnit, **fields: Any) -> SanxinOrg:
    check_write_at(user=actor, org=org)
    values = sanxin_org_clean(org=org, **fields)
    sanxin_org = SanxinOrg.objects.create(created_by=actor, **values)
    _record(
        sanxin_org=sanxin_org,
        actor=actor,
        action=Action.CREATE,
        old={},
        new=sanxin_org_snapshot(sanxin_org),
    )
    return sanxin_org


@transaction.atomic
def sanxin_org_update(
    *, actor: User | None, sanxin_org: SanxinOrg, is_active: bool | None = None, **fields: Any
) -> SanxinOrg:
    """Change the record. `fields` are those of sanxin_org_clean; missing ones keep their
    value. The federation is not changed here (sanxin_establish_federation)."""
    check_write_at(user=actor, org=sanxin_org.org)
    locked = SanxinOrg.objects.select_for_update().get(pk=sanxin_org.pk)
    old = sanxin_org_snapshot(locked)
    current = {k: getattr(locked, k) for k in old if k not in ("org", "is_active")}
    values = sanxin_org_clean(**{"org": locked.org, **current, **fields}, exclude_pk=locked.pk)
    for field, value in values.items():
        setattr(locked, field, value)
    if is_active is not None:
        locked.is_active = bool(is_active)
    new = sanxin_org_snapshot(locked)
    if new != old:
        locked.save()
        _record(sanxin_org=locked, actor=actor, action=Action.UPDATE, old=old, new=new)
    return locked


@transaction.atomic
def sanxin_establish_federation(
    *, actor: User | None, sanxin_org: SanxinOrg, name: str, established_on: dt.date
) -> SanxinOrg:
    """Set up the organisation's women's federation: an OrgUnit of the kind that matches its
    category under the unit it is registered at, linked to it. Once only."""
    check_write_at(user=actor, org=sanxin_org.org)
    locked = SanxinOrg.objects.select_for_update().select_related("org").get(pk=sanxin_org.pk)
    if locked.federation_id is not None:
        raise ValidationError({"name": [_("该组织已建立妇联组织，不能重复建立")]})
    errors: dict[str, list[str]] = {}
    if not locked.is_active:
        errors["name"] = [_("该组织已注销，不能建立妇联")]
    if established_on is None:
        errors["established_on"] = [_("请填写建立日期")]
    elif established_on > _today():
        errors["established_on"] = [_("建立日期不能晚于今天")]
    kind, parent = FEDERATION_KIND[locked.category], locked.org
    if parent.kind not in ALLOWED_PARENTS[kind]:
        errors["org"] = [
            _("%(kind)s不能设在%(parent)s之下，请将该组织登记在村（社区）及以上或行业妇联")
            % {"kind": kind_label(kind), "parent": kind_label(parent.kind)}
        ]
    _raise_if(errors)
    federation = org_create(actor=actor, parent=parent, name=name, kind=kind)
    old = {"federation": None, "federation_established_on": None}
    locked.federation, locked.federation_established_on = federation, established_on
    locked.save(update_fields=["federation", "federation_established_on", "updated_at"])
    new = {"federation": federation.pk, "federation_established_on": established_on.isoformat()}
    _record(
        sanxin_org=locked,
        actor=actor,
        action=Action.ESTABLISH,
        old=old,
        new=new,
        note=federation.name,
    )
    return locked


# --- the exemplary women roster (优秀女性名册) --------------------------------------------------


def _exemplary_snapshot(row: ExemplaryWoman) -> dict[str, Any]:
    return {
        "org": row.org_id,
        "person": row.person_id,
        "sanxin_org": row.sanxin_org_id,
        "listed_on": _iso(row.listed_on),
        "delisted_on": _iso(row.delisted_on),
    }


@transaction.atomic
def exemplary_add(
    *,
    actor: User | None,
    org: OrgUnit,
    person: Person,
    reason: str,
    listed_on: dt.date,
    sanxin_org: SanxinOrg | None = None,
) -> ExemplaryWoman:
    """List a woman (the caller fetched person, org and sanxin_org through scoped selectors)."""
    check_write_at(user=actor, org=org)
    errors: dict[str, list[str]] = {}
    if person.gender != Person.Gender.FEMALE:
        errors["person"] = [
            _("优秀女性名册只收录女性，%(name)s的性别不是女") % {"name": person.name}
        ]
    elif ExemplaryWoman.objects.filter(person=person, delisted_on__isnull=True).exists():
        errors["person"] = [_("%(name)s已在优秀女性名册中") % {"name": person.name}]
    if not (reason or "").strip():
        errors["reason"] = [_("请填写主要事迹")]
    if listed_on is None:
        errors["listed_on"] = [_("请填写入册日期")]
    elif listed_on > _today():
        errors["listed_on"] = [_("入册日期不能晚于今天")]
    if sanxin_org is not None and not org.contains(sanxin_org.org):
        errors["sanxin_org"] = [_("三新组织须在推荐组织范围内")]
    _raise_if(errors)
    row = ExemplaryWoman.objects.create(
        org=org, person=person, sanxin_org=sanxin_org, reason=reason.strip(), listed_on=listed_on
    )
    new = _exemplary_snapshot(row)
    record_change(
        ExemplaryWomanChange,
        target=row,
        actor=actor,
        action="add",
        audit_action="sanxin.exemplary_add",
        new=new,
    )
    return row


@transaction.atomic
def exemplary_delist(
    *, actor: User | None, exemplary: ExemplaryWoman, delisted_on: dt.date, reason: str = ""
) -> ExemplaryWoman:
    check_write_at(user=actor, org=exemplary.org)
    locked = ExemplaryWoman.objects.select_for_update().get(pk=exemplary.pk)
    if locked.delisted_on is not None:
        raise ValidationError({"delisted_on": [_("已出册")]})
    if delisted_on is None or delisted_on < locked.listed_on:
        raise ValidationError({"delisted_on": [_("出册日期不能早于入册日期")]})
    old = _exemplary_snapshot(locked)
    locked.delisted_on, locked.delisted_reason = delisted_on, (reason or "").strip()[:200]
    locked.save(update_fields=["delisted_on", "delisted_reason"])
    new = _exemplary_snapshot(locked)
    record_change(
        ExemplaryWomanChange,
        target=locked,
        actor=actor,
        action="delist",
        audit_action="sanxin.exemplary_delist",
        old=old,
        new=new,
        audit_note=locked.delisted_reason,
    )
    return locked
