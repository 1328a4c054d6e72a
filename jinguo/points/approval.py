"""Approving, rejecting and correcting duty points, and appeals against a decision.

The locking order is services.py's: accounts (by id) before items.
"""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
from jinguo.points.models import (
    Kind,
    PointEntry,
)
from jinguo.points.services import (
    _balance,
    _check_above,
    _check_cadre,
    _entry_audit,
    _lock_accounts,
)

# --- approval -------------------------------------------------------------------------------------


def _pending_check(earn: PointEntry) -> None:
    if earn.kind != Kind.EARN or (earn.capped and earn.amount == 0):
        raise ValidationError({"entry": [_("该条目无需审核")]})
    if PointEntry.objects.filter(ref=earn, kind__in=(Kind.APPROVE, Kind.REJECT)).exists():
        raise ValidationError({"entry": [_("该条目已审核")]})


def points_approve(*, actor: User, entries: Sequence[PointEntry]) -> list[PointEntry]:
    """Approve pending earns (bulk): one approve entry each, carrying the earned points."""
    for earn in entries:
        _check_cadre(actor, earn.approver_org or earn.org)
    with transaction.atomic():
        _lock_accounts(e.person_id for e in entries)
        rows = []
        for earn in entries:
            _pending_check(earn)
            row = PointEntry.objects.create(
                person_id=earn.person_id,
                org_id=earn.org_id,
                kind=Kind.APPROVE,
                action=earn.action,
                amount=earn.amount,
                day=earn.day,
                ref=earn,
                actor=actor,
            )
            _entry_audit(actor, row)
            rows.append(row)
    return rows


def points_reject(*, actor: User, entry: PointEntry, reason: str) -> PointEntry:
    _check_cadre(actor, entry.approver_org or entry.org)
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写不通过的理由")]})
    with transaction.atomic():
        _lock_accounts([entry.person_id])
        _pending_check(entry)
        row = PointEntry.objects.create(
            person_id=entry.person_id,
            org_id=entry.org_id,
            kind=Kind.REJECT,
            action=entry.action,
            amount=0,
            day=entry.day,
            ref=entry,
            reason=reason.strip()[:500],
            actor=actor,
        )
        _entry_audit(actor, row, reason)
    return row


def points_correct(*, actor: User, person: Person, amount: int, reason: str) -> PointEntry:
    """更正: ± points with a mandatory reason, by a cadre whose unit contains the person's."""
    _check_cadre(actor, person.org)
    if actor.org is None:
        raise PermissionDenied
    if amount == 0:
        raise ValidationError({"amount": [_("更正积分不能为0")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写更正理由")]})
    with transaction.atomic():
        _lock_accounts([person.pk])
        if amount < 0 and _balance(person.pk) + amount < 0:
            raise ValidationError({"amount": [_("扣减后积分余额将为负数")]})
        row = PointEntry.objects.create(
            person=person,
            org=person.org,
            kind=Kind.CORRECT,
            amount=amount,
            day=timezone.localdate(),
            approver_org=actor.org,
            reason=reason.strip()[:500],
            actor=actor,
        )
        _entry_audit(actor, row, reason)
    return row


def _disputed_decider(disputed: PointEntry) -> OrgUnit:
    """The unit whose decision is disputed: the earn's approver for a rejection, the
    corrector's unit for a correction."""
    if disputed.kind == Kind.REJECT:
        earn = disputed.ref
        if earn is not None:
            return earn.approver_org or earn.org
    return disputed.approver_org or disputed.org


def points_appeal(*, actor: User, entry: PointEntry, reason: str) -> PointEntry:
    """申诉: the executive disputes a rejection or a deduction of her own points."""
    if actor.person_id is None or actor.person_id != entry.person_id:
        raise PermissionDenied
    if not (entry.kind == Kind.REJECT or (entry.kind == Kind.CORRECT and entry.amount < 0)):
        raise ValidationError({"entry": [_("只能对审核不通过或扣减的积分申诉")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写申诉理由")]})
    with transaction.atomic():
        _lock_accounts([entry.person_id])
        if PointEntry.objects.filter(ref=entry, kind=Kind.APPEAL).exists():
            raise ValidationError({"entry": [_("该条目已申诉")]})
        row = PointEntry.objects.create(
            person_id=entry.person_id,
            org_id=entry.org_id,
            kind=Kind.APPEAL,
            action=entry.action,
            amount=0,
            day=timezone.localdate(),
            ref=entry,
            reason=reason.strip()[:500],
            actor=actor,
        )
        _entry_audit(actor, row, reason)
    return row


def points_appeal_decide(
    *, actor: User, appeal: PointEntry, accept: bool, reason: str = ""
) -> PointEntry:
    """The cadre above the one who decided rules: accepted, the points come back in an
    appeal_accept entry (the rejected earn's points, or the deduction reversed)."""
    if appeal.kind != Kind.APPEAL or appeal.ref is None:
        raise ValidationError({"entry": [_("不是申诉条目")]})
    disputed = appeal.ref
    _check_above(actor, _disputed_decider(disputed))
    if not accept and not reason.strip():
        raise ValidationError({"reason": [_("请填写驳回理由")]})
    with transaction.atomic():
        _lock_accounts([appeal.person_id])
        if PointEntry.objects.filter(
            ref=appeal, kind__in=(Kind.APPEAL_ACCEPT, Kind.APPEAL_REJECT)
        ).exists():
            raise ValidationError({"entry": [_("该申诉已处理")]})
        if accept:
            earn = disputed.ref if disputed.kind == Kind.REJECT else None
            amount = earn.amount if earn is not None else -disputed.amount
            day = earn.day if earn is not None else disputed.day
            kind = Kind.APPEAL_ACCEPT
        else:
            amount, day, kind = 0, timezone.localdate(), Kind.APPEAL_REJECT
        row = PointEntry.objects.create(
            person_id=appeal.person_id,
            org_id=appeal.org_id,
            kind=kind,
            action=appeal.action,
            amount=amount,
            day=day,
            ref=appeal,
            reason=reason.strip()[:500],
            actor=actor,
        )
        _entry_audit(actor, row, reason)
    return row
