import time as clock
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit import context
from jinguo.audit.actions import ACCESS_DENIED, ACCESS_THROTTLED
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


# Refused requests written one by one per account (or per client address when signed out) and
# minute; the next one writes a summary row and the rest of that minute are only counted, so a
# crawler cannot flood the log. Counted in the cache every web worker shares.
DENIALS_PER_MINUTE = 20
_WINDOW_SECONDS = 60


def _now() -> float:
    return clock.time()


def _denial_count(subject: str) -> tuple[int, int]:
    """Count one refusal of `subject` in this minute: (its number in this minute, how many the
    previous minute had)."""
    shared = caches["shared"]
    window = int(_now() // _WINDOW_SECONDS)
    key = f"jinguo:access-denied:{subject}:{window}"
    shared.add(key, 0, timeout=3 * _WINDOW_SECONDS)  # the next minute still reads it
    try:
        count = shared.incr(key)
    except ValueError:  # expired between add and incr
        shared.set(key, 1, timeout=3 * _WINDOW_SECONDS)
        count = 1
    previous = shared.get(f"jinguo:access-denied:{subject}:{window - 1}", 0) if count == 1 else 0
    return count, previous


def audit_access_denied(
    *, actor: User | None, method: str, path: str, status: int, view: str = "", reason: str = ""
) -> AuditEvent | None:
    """Record a refused request (403, or 404 from a view: a record outside the scope looks
    missing), at most DENIALS_PER_MINUTE rows a minute for one account (or client address when
    signed out), then one `access.throttled` row; None when the request was only counted. The
    first row of the next minute says how many were left out."""
    ctx = context.current()
    subject = f"user:{actor.pk}" if actor is not None else f"ip:{(ctx.ip if ctx else '') or '-'}"
    count, previous = _denial_count(subject)
    if count > DENIALS_PER_MINUTE + 1:
        return None
    changes: dict[str, Any] = {"method": method, "path": path[:300], "status": status}
    if view:
        changes["view"] = view
    if reason:
        changes["reason"] = reason[:200]
    note = f"{status} {method} {path}"
    if previous > DENIALS_PER_MINUTE + 1:
        changes["omitted_previous_minute"] = previous - DENIALS_PER_MINUTE - 1
    if count <= DENIALS_PER_MINUTE:
        return audit_record(actor=actor, action=ACCESS_DENIED, changes=changes, note=note)
    changes["limit_per_minute"] = DENIALS_PER_MINUTE
    note = _(
        "一分钟内被拒绝的请求超过%(limit)d次，本分钟其余的不再逐条记录（只计数）；此次：%(request)s"
    ) % {"limit": DENIALS_PER_MINUTE, "request": note}
    return audit_record(actor=actor, action=ACCESS_THROTTLED, changes=changes, note=note)


RETENTION_FLOOR_DAYS = 183  # about six months: 等保 keeps audit records at least that long


def audit_retention_days() -> int:
    return max(settings.JINGUO_AUDIT_RETENTION_DAYS, RETENTION_FLOOR_DAYS)


def audit_earliest_cutoff() -> date:
    """The latest cut-off a purge may use: rows of this day and later are always kept."""
    return timezone.localdate() - timedelta(days=audit_retention_days())


def _purge_gate(cursor: Any, *, opened: bool) -> None:
    """Open or close the triggers' purge gate for the current transaction only."""
    if connection.vendor == "postgresql":
        cursor.execute(f"SET LOCAL jinguo.audit_purge = '{'on' if opened else 'off'}'")
    elif connection.vendor == "sqlite":
        if opened:
            cursor.execute("INSERT INTO audit_purge_gate (opened) VALUES (1)")
        else:
            cursor.execute("DELETE FROM audit_purge_gate")


def audit_purge(*, actor: User | None, before: date) -> int:
    """Delete the audit rows written before `before` (a local day) and audit the purge itself;
    the number of rows deleted. Refuses a cut-off inside the retention period.

    The model refuses deletes and so do the database triggers, except within a transaction that
    opens the purge gate, and then only for rows older than 183 days: PostgreSQL's trigger reads
    the transaction's `jinguo.audit_purge` setting (migration 0003), SQLite's a row in
    `audit_purge_gate` that exists only inside this transaction (migration 0004)."""
    earliest = audit_earliest_cutoff()
    if before > earliest:
        raise ValidationError(
            _("审计日志至少保留%(days)d天：清理截止日期不能晚于%(date)s")
            % {"days": audit_retention_days(), "date": earliest.isoformat()}
        )
    cutoff = timezone.make_aware(datetime.combine(before, time.min))
    table = AuditEvent._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        _purge_gate(cursor, opened=True)
        cursor.execute(f"DELETE FROM {table} WHERE at < %s", [cutoff])  # noqa: S608 (our table)
        deleted = cursor.rowcount
        _purge_gate(cursor, opened=False)
        audit_record(
            actor=actor,
            action="audit.purge",
            changes={"before": [None, before.isoformat()], "deleted": [None, deleted]},
            note=_("清理%(date)s之前的审计日志%(count)d条")
            % {"date": before.isoformat(), "count": deleted},
        )
    return deleted
