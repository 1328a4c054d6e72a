"""The backup runs, for the security administrator only; whether backups and drills are late."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.backups.models import BackupRun

RECENT = 30


def may_see_backups(user: User) -> bool:
    """The one rule of this app: the runs are the security administrator's, nobody else's."""
    return bool(user.is_active and user.role == Role.SECURITY_ADMIN)


def backup_runs(*, user: User) -> QuerySet[BackupRun]:
    """Every backup and drill run, newest first (may_see_backups)."""
    if not may_see_backups(user):
        return BackupRun.objects.none()
    return BackupRun.objects.order_by("-started_at", "-id")


@dataclass(frozen=True)
class BackupStatus:
    last_backup: BackupRun | None
    last_drill: BackupRun | None
    recent: list[BackupRun]
    warnings: list[str] = field(default_factory=list)


def _latest(runs: QuerySet[BackupRun], kind: str, *, ok: bool = False) -> BackupRun | None:
    chosen = runs.filter(kind=kind)
    if ok:
        chosen = chosen.filter(status=BackupRun.Status.OK)
    return chosen.first()


def _backup_warnings(runs: QuerySet[BackupRun], now: dt.datetime) -> list[str]:
    hours = settings.JINGUO_BACKUP_LATE_HOURS
    good = _latest(runs, BackupRun.Kind.BACKUP, ok=True)
    if good is None or (good.finished_at or good.started_at) < now - dt.timedelta(hours=hours):
        return [_("备份已超过 %(hours)d 小时未成功") % {"hours": hours}]
    last = runs.filter(kind=BackupRun.Kind.BACKUP).exclude(status=BackupRun.Status.RUNNING)
    latest = last.first()
    if latest is not None and latest.status == BackupRun.Status.FAILED:
        return [_("最近一次备份失败：%(error)s") % {"error": latest.error}]
    return []


def _drill_warnings(runs: QuerySet[BackupRun], now: dt.datetime) -> list[str]:
    days = settings.JINGUO_DRILL_LATE_DAYS
    good = _latest(runs, BackupRun.Kind.DRILL, ok=True)
    finished = runs.filter(kind=BackupRun.Kind.DRILL).exclude(status=BackupRun.Status.RUNNING)
    latest = finished.first()
    late = good is None or (good.finished_at or good.started_at) < now - dt.timedelta(days=days)
    if late or (latest is not None and latest.status == BackupRun.Status.FAILED):
        return [_("恢复演练已超过 %(days)d 天未做或失败") % {"days": days}]
    return []


def backup_warnings(*, user: User, now: dt.datetime | None = None) -> list[str]:
    """What the security administrator must hear of: a backup or a drill late, or failed."""
    if not may_see_backups(user):
        return []
    runs = backup_runs(user=user)
    moment = now or timezone.now()
    return [*_backup_warnings(runs, moment), *_drill_warnings(runs, moment)]


def backup_status(*, user: User, now: dt.datetime | None = None) -> BackupStatus:
    runs = backup_runs(user=user)
    return BackupStatus(
        last_backup=_latest(runs, BackupRun.Kind.BACKUP),
        last_drill=_latest(runs, BackupRun.Kind.DRILL),
        recent=list(runs[:RECENT]),
        warnings=backup_warnings(user=user, now=now),
    )
