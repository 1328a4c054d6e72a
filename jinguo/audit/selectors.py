from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    username: str = ""
    target_type: str = ""
    target_id: str = ""
    since: date | None = None
    until: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_event_list(*, user: User, filters: AuditFilter) -> QuerySet[AuditEvent]:
    """The audit trail, for the audit administrator only (三员分立)."""
    if not (user.is_active and user.role == Role.AUDIT_ADMIN):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    if filters.action:
        events = events.filter(action__startswith=filters.action)
    if filters.username:
        events = events.filter(actor_username=filters.username)
    if filters.target_type:
        events = events.filter(target_type=filters.target_type)
    if filters.target_id:
        events = events.filter(target_id=filters.target_id)
    if filters.since:
        events = events.filter(at__gte=_day_start(filters.since))
    if filters.until:
        events = events.filter(at__lt=_day_start(filters.until + timedelta(days=1)))
    return events
