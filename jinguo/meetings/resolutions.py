"""Resolutions of the deliberation meetings. Every change locks the row, checks what the status
allows, writes a ResolutionChange row and an audit row.

Resolution: proposed → adopted / rejected (at a held meeting) ; adopted → forwarded to 两委
(date, to whom) → in_progress → done (date, result) ; forwarded or in_progress →
not_adopted by the committees (reason).
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.meetings.models import Meeting, Resolution, ResolutionChange, Topic
from jinguo.meetings.services import _check_actor, _lock_meeting, _required

# Which statuses each resolution action may start from.
ALLOWED: dict[str, tuple[str, ...]] = {
    ResolutionChange.Action.ADOPT: (Resolution.Status.PROPOSED,),
    ResolutionChange.Action.REJECT: (Resolution.Status.PROPOSED,),
    ResolutionChange.Action.FORWARD: (Resolution.Status.ADOPTED,),
    ResolutionChange.Action.START: (Resolution.Status.FORWARDED,),
    ResolutionChange.Action.COMPLETE: (Resolution.Status.IN_PROGRESS,),
    ResolutionChange.Action.DECLINE: (Resolution.Status.FORWARDED, Resolution.Status.IN_PROGRESS),
}
# Adopted at the meeting, whatever happened after.
ADOPTED_OR_LATER = (
    Resolution.Status.ADOPTED,
    Resolution.Status.FORWARDED,
    Resolution.Status.IN_PROGRESS,
    Resolution.Status.DONE,
    Resolution.Status.NOT_ADOPTED,
)
FORWARDED_OR_LATER = (
    Resolution.Status.FORWARDED,
    Resolution.Status.IN_PROGRESS,
    Resolution.Status.DONE,
    Resolution.Status.NOT_ADOPTED,
)
FOLLOW_UP = (Resolution.Status.ADOPTED, Resolution.Status.FORWARDED, Resolution.Status.IN_PROGRESS)


def allowed_actions(resolution: Resolution, meeting: Meeting | None = None) -> list[str]:
    """Actions the resolution's status allows (adopting and rejecting need a held meeting)."""
    meeting = meeting or resolution.meeting
    actions = [a for a, statuses in ALLOWED.items() if resolution.status in statuses]
    if meeting.status != Meeting.Status.HELD:
        actions = [
            a
            for a in actions
            if a not in (ResolutionChange.Action.ADOPT, ResolutionChange.Action.REJECT)
        ]
    return actions


# --- resolutions --------------------------------------------------------------------------------


def _resolution_record(
    *,
    actor: User | None,
    resolution: Resolution,
    action: str,
    from_status: str,
    note: str = "",
    changes: dict[str, Any] | None = None,
) -> None:
    record_change(
        ResolutionChange,
        target=resolution,
        actor=actor,
        action=action,
        audit_action=f"meetings.resolution_{action}",
        note=note,
        from_status=from_status,
        to_status=resolution.status,
        changes={"status": [from_status, resolution.status], **(changes or {})},
    )


def resolution_propose(*, actor: User | None, topic: Topic, content: str) -> Resolution:
    content = _required(content, "content", _("请填写决议内容"))
    with transaction.atomic():
        meeting = _lock_meeting(topic.meeting)
        _check_actor(actor, meeting.org)
        if meeting.status == Meeting.Status.CANCELLED:
            raise ValidationError(_("会议已取消，不能提出决议"))
        resolution = Resolution.objects.create(meeting=meeting, topic=topic, content=content)
        _resolution_record(
            actor=actor,
            resolution=resolution,
            action=ResolutionChange.Action.PROPOSE,
            from_status="",
            note=content[:100],
        )
    return resolution


def _act(
    *,
    actor: User | None,
    resolution: Resolution,
    action: str,
    change: Callable[[Resolution], dict[str, Any]],
    note: str = "",
) -> Resolution:
    """Lock, check, apply `change` (which returns the audit changes), save, record."""
    with transaction.atomic():
        locked = (
            Resolution.objects.select_for_update(of=("self",))
            .select_related("meeting__org")
            .get(pk=resolution.pk)
        )
        _check_actor(actor, locked.meeting.org)
        if action not in allowed_actions(locked):
            raise ValidationError(
                _("决议当前状态为「%(status)s」，不能执行「%(action)s」")
                % {
                    "status": locked.get_status_display(),
                    "action": ResolutionChange.Action(action).label,
                }
            )
        from_status = locked.status
        changes = change(locked)
        locked.save()
        _resolution_record(
            actor=actor,
            resolution=locked,
            action=action,
            from_status=from_status,
            note=note,
            changes=changes,
        )
    return locked


def resolution_adopt(*, actor: User | None, resolution: Resolution, note: str = "") -> Resolution:
    def change(r: Resolution) -> dict[str, Any]:
        r.status = Resolution.Status.ADOPTED
        return {}

    return _act(
        actor=actor,
        resolution=resolution,
        action=ResolutionChange.Action.ADOPT,
        change=change,
        note=note,
    )


def resolution_reject(*, actor: User | None, resolution: Resolution, reason: str) -> Resolution:
    reason = _required(reason, "reason", _("请说明未通过的原因"))

    def change(r: Resolution) -> dict[str, Any]:
        r.status, r.reason = Resolution.Status.REJECTED, reason[:500]
        return {}

    return _act(
        actor=actor,
        resolution=resolution,
        action=ResolutionChange.Action.REJECT,
        change=change,
        note=reason,
    )


def _day_errors(day: dt.date | None, field: str, earliest: dt.date | None) -> None:
    if day is None:
        raise ValidationError({field: [_("请填写日期")]})
    if day > timezone.localdate():
        raise ValidationError({field: [_("日期不能晚于今天")]})
    if earliest is not None and day < earliest:
        raise ValidationError({field: [_("日期不能早于 %(day)s") % {"day": earliest.isoformat()}]})


def resolution_forward(
    *,
    actor: User | None,
    resolution: Resolution,
    forwarded_on: dt.date,
    forwarded_to: str,
    note: str = "",
) -> Resolution:
    """提交两委: the date and the body it went to (e.g. 嵩合社区两委会议)."""
    forwarded_to = _required(forwarded_to, "forwarded_to", _("请填写提交至哪个会议或机构"))

    def change(r: Resolution) -> dict[str, Any]:
        _day_errors(forwarded_on, "forwarded_on", r.meeting.held_on)
        r.status, r.forwarded_on, r.forwarded_to = (
            Resolution.Status.FORWARDED,
            forwarded_on,
            forwarded_to[:100],
        )
        return {"forwarded_on": [None, str(forwarded_on)], "forwarded_to": [None, forwarded_to]}

    note = note or forwarded_to
    return _act(
        actor=actor,
        resolution=resolution,
        action=ResolutionChange.Action.FORWARD,
        change=change,
        note=note,
    )


def resolution_start(*, actor: User | None, resolution: Resolution, note: str = "") -> Resolution:
    def change(r: Resolution) -> dict[str, Any]:
        r.status = Resolution.Status.IN_PROGRESS
        return {}

    return _act(
        actor=actor,
        resolution=resolution,
        action=ResolutionChange.Action.START,
        change=change,
        note=note,
    )


def resolution_complete(
    *, actor: User | None, resolution: Resolution, done_on: dt.date, result: str
) -> Resolution:
    result = _required(result, "result", _("请填写落实结果"))

    def change(r: Resolution) -> dict[str, Any]:
        _day_errors(done_on, "done_on", r.forwarded_on)
        r.status, r.done_on, r.result = Resolution.Status.DONE, done_on, result
        return {"done_on": [None, str(done_on)]}

    return _act(
        actor=actor,
        resolution=resolution,
        action=ResolutionChange.Action.COMPLETE,
        change=change,
        note=result,
    )


def resolution_decline(*, actor: User | None, resolution: Resolution, reason: str) -> Resolution:
    """两委未采纳: the committees decided not to carry it out, and why."""
    reason = _required(reason, "reason", _("请说明两委未采纳的原因"))

    def change(r: Resolution) -> dict[str, Any]:
        r.status, r.reason = Resolution.Status.NOT_ADOPTED, reason[:500]
        return {}

    return _act(
        actor=actor,
        resolution=resolution,
        action=ResolutionChange.Action.DECLINE,
        change=change,
        note=reason,
    )
