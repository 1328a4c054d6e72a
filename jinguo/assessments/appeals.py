"""Appeals against published assessment results: the executive herself files one within
APPEAL_DAYS of publishing; a cadre of the round's unit or above decides it. Filing and
deciding each write a ResultChange row and an audit row."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.assessments.frame import _audit, _check_cadre, yuan
from jinguo.assessments.models import (
    Appeal,
    AssessmentResult,
    AssessmentRound,
    ResultChange,
)
from jinguo.assessments.services import _lock_result, grade_for

APPEAL_DAYS = 7


def appeal_deadline(round: AssessmentRound) -> dt.datetime | None:
    if round.published_at is None:
        return None
    return round.published_at + dt.timedelta(days=APPEAL_DAYS)


def appeal_file(
    *, actor: User, result: AssessmentResult, reason: str, now: dt.datetime | None = None
) -> Appeal:
    """The executive herself, within 7 days of publishing, once per result."""
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写申诉理由")]})
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_result(result)
        if not actor.can_write or actor.person_id != locked.person_id:
            raise PermissionDenied
        deadline = appeal_deadline(locked.round)
        if locked.round.status != AssessmentRound.Status.PUBLISHED or deadline is None:
            raise ValidationError(_("考核结果公布后才能申诉"))
        if now > deadline:
            raise ValidationError(_("申诉期已过（公布后%(days)s日内）") % {"days": APPEAL_DAYS})
        if Appeal.objects.filter(result=locked).exists():
            raise ValidationError(_("该考核结果已申诉过"))
        appeal = Appeal.objects.create(result=locked, reason=reason.strip(), filed_by=actor)
        _audit(
            actor=actor,
            action="appeal.file",
            target=locked,
            history=ResultChange,
            link={"result": locked},
            new={"appeal": Appeal.Status.PENDING},
            note=appeal.reason,
        )
    return appeal


def appeal_decide(
    *,
    actor: User | None,
    appeal: Appeal,
    accept: bool,
    decision: str = "",
    new_total: Decimal | None = None,
) -> Appeal:
    """Decided by a cadre of the round's unit or above (not the appellant): accept with an
    adjusted total, or reject with a reason."""
    with transaction.atomic():
        locked = Appeal.objects.select_for_update(of=("self",)).get(pk=appeal.pk)
        result = _lock_result(locked.result)
        _check_cadre(actor, result.round.org)
        if actor is not None and actor.person_id == result.person_id:
            raise PermissionDenied
        if locked.status != Appeal.Status.PENDING:
            raise ValidationError(_("该申诉已处理"))
        errors: dict[str, list[str]] = {}
        if accept and (new_total is None or not 0 <= new_total <= 100):
            errors["new_total"] = [_("采纳申诉须填写调整后的总分（0–100）")]
        if not accept and not decision.strip():
            errors["decision"] = [_("驳回申诉须填写理由")]
        if errors:
            raise ValidationError(errors)
        old = {"appeal": locked.status, "total": str(result.total), "grade": result.grade}
        locked.status = Appeal.Status.ACCEPTED if accept else Appeal.Status.REJECTED
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.decision = decision.strip()[:500]
        locked.old_total = result.total
        if accept and new_total is not None:
            result.total = yuan(new_total)
            result.grade = grade_for(result.total, result.round.scheme.grade_bands)
            result.adjusted = True
            result.save(update_fields=["total", "grade", "adjusted", "updated_at"])
        locked.new_total = result.total
        locked.save()
        _audit(
            actor=actor,
            action="appeal.accept" if accept else "appeal.reject",
            target=result,
            history=ResultChange,
            link={"result": result},
            old=old,
            new={"appeal": locked.status, "total": str(result.total), "grade": result.grade},
            note=locked.decision,
        )
    return locked
