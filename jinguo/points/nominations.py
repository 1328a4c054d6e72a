"""Writes of the 最美执委 nominations: creating one and moving it along its statuses."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
from jinguo.points.models import (
    Nomination,
    NominationChange,
)
from jinguo.points.services import _check_cadre

# --- 最美执委 -------------------------------------------------------------------------------------

NOMINATION_NEXT: dict[str, tuple[str, ...]] = {
    Nomination.Status.NOMINATED: (Nomination.Status.SHORTLISTED, Nomination.Status.NOT_SELECTED),
    Nomination.Status.SHORTLISTED: (Nomination.Status.SELECTED, Nomination.Status.NOT_SELECTED),
    Nomination.Status.SELECTED: (),
    Nomination.Status.NOT_SELECTED: (),
}


def nomination_create(
    *, actor: User, year: int, org: OrgUnit, person: Person, reason: str
) -> Nomination:
    _check_cadre(actor, org)
    if not person.org.path.startswith(org.path):
        raise ValidationError({"person": [_("被推荐人不在该组织")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写推荐理由")]})
    if Nomination.objects.filter(year=year, person=person).exists():
        raise ValidationError({"person": [_("该执委本年度已被推荐")]})
    with transaction.atomic():
        nomination = Nomination.objects.create(
            year=year, org=org, person=person, reason=reason.strip(), nominated_by=actor
        )
        record_change(
            NominationChange,
            target=nomination,
            actor=actor,
            action="nominate",
            audit_action="points.nominate",
            to_status=Nomination.Status.NOMINATED,
            changes={"status": [None, Nomination.Status.NOMINATED]},
        )
    return nomination


def nomination_transition(
    *, actor: User, nomination: Nomination, status: str, note: str = ""
) -> Nomination:
    _check_cadre(actor, nomination.org)
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if status not in NOMINATION_NEXT[locked.status]:
            raise ValidationError({"status": [_("当前状态不能变更为该状态")]})
        old = locked.status
        locked.status = status
        locked.save(update_fields=["status"])
        record_change(
            NominationChange,
            target=locked,
            actor=actor,
            action=status,
            audit_action="points.nomination_status",
            note=note,
            from_status=old,
            to_status=status,
        )
    return locked
