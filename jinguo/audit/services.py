from typing import Any

from django.db import models

from jinguo.accounts.models import User
from jinguo.audit import context
from jinguo.audit.models import AuditEvent


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
    username: str = "",
) -> AuditEvent:
    """Append one row to the audit log. `username` names an actor that has no account (a failed
    login with an unknown name)."""
    ctx = context.current()
    event = AuditEvent(
        actor=actor,
        actor_username=actor.username if actor is not None else username[:50],
        action=action,
        changes=changes or {},
        note=note[:500],
        ip=ctx.ip if ctx else None,
        user_agent=ctx.user_agent if ctx else "",
    )
    if target is not None:
        event.target_type = target._meta.label_lower
        event.target_id = str(target.pk)
        event.target_repr = str(target)[:200]
    event.save()
    return event
