"""Nominating, approving, rejecting and revoking honours. Every change locks the honour row,
checks the transition, and writes one HonourChange and one audit row.

Flow: nominated → approved (awarded_on) / rejected (reason); approved → revoked (reason).

Who decides: a cadre whose org sits at or above the honour's level and contains the honour's
org. Levels compare as territorial levels (jinguo.orgs.kinds.TERRITORIAL_LEVEL: 1 city … 5
grid): the decider's org level must be ≤ the level of the honour (a county-level honour needs a
county (2) or city (1) cadre; a village chair (4) cannot). Provincial and national honours are
awarded by bodies above the product's top, the city; the city federation records them, so they
map to the city's level.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.honours.models import (
    FamilyHonour,
    FamilyTitle,
    HonourChange,
    HonourLevel,
    HonourStatus,
    IndividualHonour,
    IndividualTitle,
)
from jinguo.households.models import Household
from jinguo.orgs.kinds import TERRITORIAL_LEVEL, Kind
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at, may_write_at, user_org
from jinguo.people.models import Person

Honour = FamilyHonour | IndividualHonour

HONOUR_ORG_LEVEL: dict[str, int] = {
    HonourLevel.VILLAGE: TERRITORIAL_LEVEL[Kind.VILLAGE],
    HonourLevel.TOWNSHIP: TERRITORIAL_LEVEL[Kind.TOWNSHIP],
    HonourLevel.COUNTY: TERRITORIAL_LEVEL[Kind.COUNTY],
    HonourLevel.CITY: TERRITORIAL_LEVEL[Kind.CITY],
    HonourLevel.PROVINCE: TERRITORIAL_LEVEL[Kind.CITY],
    HonourLevel.NATIONAL: TERRITORIAL_LEVEL[Kind.CITY],
}
# A family lives at a village/community or one of its grids.
FAMILY_ORG_MIN_LEVEL = TERRITORIAL_LEVEL[Kind.VILLAGE]

ALLOWED: dict[str, tuple[str, ...]] = {
    HonourChange.Action.APPROVE: (HonourStatus.NOMINATED,),
    HonourChange.Action.REJECT: (HonourStatus.NOMINATED,),
    HonourChange.Action.REVOKE: (HonourStatus.APPROVED,),
}


def allowed_actions(honour: Honour) -> list[str]:
    return [action for action, statuses in ALLOWED.items() if honour.status in statuses]


def may_decide(*, actor: User, honour: Honour) -> bool:
    """The approval-level rule (see the module docstring)."""
    if not may_write_at(user=actor, org=honour.org):
        return False
    level = user_org(actor).level
    return level is not None and level <= HONOUR_ORG_LEVEL[honour.level]


def _check_writer(actor: User, org: OrgUnit) -> None:
    check_write_at(user=actor, org=org)


def _common_errors(
    *, level: str, year: int, title: str, titles: list[str], other_title: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if title not in titles:
        errors["title"] = [_("请选择称号")]
    elif title == "other" and not other_title.strip():
        errors["other_title"] = [_("选择“其他”时请填写称号名称")]
    if level not in HonourLevel.values:
        errors["level"] = [_("请选择级别")]
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year + 1:
        errors["year"] = [_("年度应在 2000 到 %(max)s 之间") % {"max": this_year + 1}]
    return errors


def _record(
    *,
    actor: User | None,
    honour: Honour,
    action: str,
    from_status: str,
    note: str = "",
    **extra: Any,
) -> None:
    record_change(
        HonourChange,
        target=honour,
        actor=actor,
        action=action,
        audit_action=f"honours.{action}",
        note=note,
        from_status=from_status,
        to_status=honour.status,
        changes={"status": [from_status, honour.status], **extra},
    )


def family_honour_nominate(
    *,
    actor: User,
    org: OrgUnit | None = None,
    household: Household | None = None,
    family_name: str,
    title: str,
    level: str,
    year: int,
    theme: str = "",
    other_title: str = "",
    deeds: str = "",
) -> FamilyHonour:
    """Nominate a family. With a household, the family lives at the household's grid."""
    if household is not None:
        org = household.grid
    errors = _common_errors(
        level=level,
        year=year,
        title=title,
        titles=list(FamilyTitle.values),
        other_title=other_title,
    )
    if org is None:
        errors["org"] = [_("请选择家庭所在的村（社区）或网格")]
    elif (org.level or 0) < FAMILY_ORG_MIN_LEVEL:
        errors["org"] = [_("家庭所在组织应为村（社区）或网格")]
    if not family_name.strip():
        errors["family_name"] = [_("请填写家庭名称，如“王秀英家庭”")]
    if title == FamilyTitle.CHARACTERISTIC and not theme.strip():
        errors["theme"] = [_("特色家庭请填写主题，如书香、廉洁、绿色、平安")]
    if errors or org is None:
        raise ValidationError(errors)
    _check_writer(actor, org)
    with transaction.atomic():
        honour = FamilyHonour.objects.create(
            org=org,
            household=household,
            family_name=family_name.strip(),
            title=title,
            theme=theme.strip() if title == FamilyTitle.CHARACTERISTIC else "",
            other_title=other_title.strip() if title == FamilyTitle.OTHER else "",
            level=level,
            year=year,
            deeds=deeds.strip(),
            nominated_by=actor,
        )
        _record(
            actor=actor,
            honour=honour,
            action=HonourChange.Action.NOMINATE,
            from_status="",
            note=str(honour),
        )
    return honour


def individual_honour_nominate(
    *,
    actor: User,
    person: Person,
    title: str,
    level: str,
    year: int,
    org: OrgUnit | None = None,
    other_title: str = "",
    deeds: str = "",
) -> IndividualHonour:
    """Nominate a woman; the honour belongs to her org unless another is given."""
    org = org or person.org
    errors = _common_errors(
        level=level,
        year=year,
        title=title,
        titles=list(IndividualTitle.values),
        other_title=other_title,
    )
    if not org.is_territorial:
        errors["org"] = [_("请选择地域组织")]
    if errors:
        raise ValidationError(errors)
    _check_writer(actor, org)
    with transaction.atomic():
        honour = IndividualHonour.objects.create(
            person=person,
            org=org,
            title=title,
            other_title=other_title.strip() if title == IndividualTitle.OTHER else "",
            level=level,
            year=year,
            deeds=deeds.strip(),
            nominated_by=actor,
        )
        _record(
            actor=actor,
            honour=honour,
            action=HonourChange.Action.NOMINATE,
            from_status="",
            note=str(honour),
        )
    return honour


def _lock(honour: Honour) -> Honour:
    model = type(honour)
    return model.objects.select_for_update(of=("self",)).select_related("org").get(pk=honour.pk)


def _decide(
    *, actor: User, honour: Honour, action: str, change: dict[str, Any], note: str
) -> Honour:
    with transaction.atomic():
        locked = _lock(honour)
        _check_writer(actor, locked.org)
        if locked.status not in ALLOWED[action]:
            raise ValidationError(
                _("当前状态为「%(status)s」，不能执行「%(action)s」")
                % {
                    "status": locked.get_status_display(),
                    "action": HonourChange.Action(action).label,
                }
            )
        if not may_decide(actor=actor, honour=locked):
            raise ValidationError(
                {
                    "level": [
                        _("%(level)s荣誉须由相应级别及以上的妇联审批")
                        % {"level": locked.get_level_display()}
                    ]
                }
            )
        from_status = locked.status
        extra: dict[str, Any] = {}
        for field, value in change.items():
            old = getattr(locked, field)
            setattr(locked, field, value)
            if field != "status":
                extra[field] = [str(old) if old is not None else None, str(value)]
        locked.save()
        _record(
            actor=actor, honour=locked, action=action, from_status=from_status, note=note, **extra
        )
    return locked


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [message]})
    return reason


def honour_approve(
    *, actor: User, honour: Honour, awarded_on: dt.date | None = None, note: str = ""
) -> Honour:
    awarded_on = awarded_on or timezone.localdate()
    if awarded_on > timezone.localdate():
        raise ValidationError({"awarded_on": [_("授予日期不能晚于今天")]})
    return _decide(
        actor=actor,
        honour=honour,
        action=HonourChange.Action.APPROVE,
        change={"status": HonourStatus.APPROVED, "awarded_on": awarded_on},
        note=note,
    )


def honour_reject(*, actor: User, honour: Honour, reason: str) -> Honour:
    reason = _reason(reason, _("不予通过须说明理由"))
    return _decide(
        actor=actor,
        honour=honour,
        action=HonourChange.Action.REJECT,
        change={"status": HonourStatus.REJECTED, "reason": reason},
        note=reason,
    )


def honour_revoke(*, actor: User, honour: Honour, reason: str) -> Honour:
    reason = _reason(reason, _("撤销荣誉须说明理由"))
    return _decide(
        actor=actor,
        honour=honour,
        action=HonourChange.Action.REVOKE,
        change={"status": HonourStatus.REVOKED, "reason": reason},
        note=reason,
    )
