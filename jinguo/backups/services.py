"""Backups that happen: the nightly archive, its retention, and the weekly restore drill.

Each run is a BackupRun written as it starts (→ running) and as it ends (→ ok or failed, with the
error in words), every change with its history row and audit row (audit.history.record_change);
the scheduler is the actor (None). The archives live in JINGUO_BACKUP_DIR as
`jinguo-YYYYMMDD-HHMMSS.jgbk`, stamped in local time; nothing else there is ever touched.
"""

import datetime as dt
import logging
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.audit.history import record_change
from jinguo.audit.services import audit_record
from jinguo.backups import archive
from jinguo.backups.archive import BackupError
from jinguo.backups.models import BackupRun, BackupRunChange
from jinguo.backups.scratch import scratch_database

logger = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"^jinguo-(\d{8}-\d{6})\.jgbk$")
_STAMP = "%Y%m%d-%H%M%S"


def backup_dir() -> Path:
    return Path(settings.JINGUO_BACKUP_DIR)


def backup_file_name(moment: dt.datetime) -> str:
    return f"jinguo-{timezone.localtime(moment).strftime(_STAMP)}.jgbk"


def backup_files(directory: Path) -> list[tuple[dt.datetime, str]]:
    """(local time of the stamp, name) of every archive in `directory`, oldest first."""
    if not directory.is_dir():
        return []
    zone = timezone.get_current_timezone()
    found = []
    for path in directory.iterdir():
        match = NAME_PATTERN.match(path.name)
        if match and path.is_file():
            try:
                stamp = dt.datetime.strptime(match[1], _STAMP).replace(tzinfo=zone)
            except ValueError:  # the pattern's digits, but no real date: not ours
                continue
            found.append((stamp, path.name))
    return sorted(found)


# --- runs --------------------------------------------------------------------------------------


# A run still running this long after it started will never end (its process was killed): the
# next run of its kind records it as failed.
ABANDONED_AFTER = dt.timedelta(hours=24)


def _start(*, kind: str, started_at: dt.datetime, **fields: Any) -> BackupRun:
    running = BackupRun.objects.filter(kind=kind, status=BackupRun.Status.RUNNING)
    for abandoned in running.filter(started_at__lt=started_at - ABANDONED_AFTER):
        _finish(abandoned, clock=None, error=_("没有结束：运行它的进程被中断了。"))
    with transaction.atomic():
        run = BackupRun.objects.create(kind=kind, started_at=started_at, **fields)
        record_change(
            BackupRunChange,
            target=run,
            actor=None,
            action=BackupRunChange.Action.START,
            audit_action=f"backups.{kind}.start",
            to_status=BackupRun.Status.RUNNING,
            note=run.file_name,
        )
    return run


def _finish(run: BackupRun, *, clock: float | None, error: str = "", **fields: Any) -> BackupRun:
    """The run ended: ok, or failed with `error`; `clock` is time.monotonic() at its start (None:
    it was abandoned, when is not known)."""
    if clock is not None:
        run.finished_at = run.started_at + dt.timedelta(seconds=time.monotonic() - clock)
    run.status = BackupRun.Status.FAILED if error else BackupRun.Status.OK
    run.error = error
    for name, value in fields.items():
        setattr(run, name, value)
    with transaction.atomic():
        run.save()
        record_change(
            BackupRunChange,
            target=run,
            actor=None,
            action=BackupRunChange.Action.FINISH,
            audit_action=f"backups.{run.kind}.{run.status}",
            from_status=BackupRun.Status.RUNNING,
            to_status=run.status,
            note=error,
            changes={
                "status": [BackupRun.Status.RUNNING, run.status],
                "file": [None, run.file_name],
                "size_bytes": [None, run.size_bytes],
                "tables": [None, run.tables],
                "rows": [None, run.rows],
            },
        )
    return run


def _failure(exc: Exception) -> str:
    """The error in words: the archive's own (Chinese) message, or the exception named."""
    if isinstance(exc, BackupError):
        return str(exc)
    return _("意外错误：%(type)s：%(error)s") % {"type": type(exc).__name__, "error": exc}


def _counts(manifest: dict[str, Any]) -> tuple[int, int]:
    """(tables, rows) of an archive's manifest."""
    tables = manifest["tables"]
    return len(tables), sum(int(t["rows"]) for t in tables.values())


# --- backup and retention ----------------------------------------------------------------------


def backup_scheduled(*, now: dt.datetime | None = None) -> BackupRun:
    """Write tonight's archive into JINGUO_BACKUP_DIR and record it, then apply the retention.
    A failure is recorded (failed, with its message) and leaves no partial file behind."""
    moment = now or timezone.now()
    directory = backup_dir()
    name = backup_file_name(moment)
    run = _start(kind=BackupRun.Kind.BACKUP, started_at=moment, file_name=name)
    clock = time.monotonic()
    target = directory / name
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if target.exists():
            raise BackupError(_("备份文件 %(name)s 已存在，没有覆盖。") % {"name": name})
        manifest = archive.backup(target)  # written under a temporary name, then renamed
    except Exception as exc:
        logger.exception("scheduled backup %s failed", name)
        return _finish(run, clock=clock, error=_failure(exc))
    tables, rows = _counts(manifest)
    run = _finish(run, clock=clock, size_bytes=target.stat().st_size, tables=tables, rows=rows)
    backups_prune(now=moment)
    return run


def backups_to_keep(
    stamps: list[dt.datetime], *, today: dt.date, keep_daily: int, keep_monthly: int
) -> set[dt.datetime]:
    """The retention: every backup of the last `keep_daily` days (today included), the newest
    of each of the last `keep_monthly` months (this one included), and the newest of all."""
    if not stamps:
        return set()
    first_day = today - dt.timedelta(days=keep_daily - 1)
    keep = {max(stamps)} | {s for s in stamps if s.date() >= first_day}
    this_month = today.year * 12 + today.month - 1
    months = {this_month - i for i in range(keep_monthly)}
    newest: dict[int, dt.datetime] = {}
    for stamp in stamps:
        month = stamp.year * 12 + stamp.month - 1
        if month in months and (month not in newest or stamp > newest[month]):
            newest[month] = stamp
    return keep | set(newest.values())


def backups_prune(*, now: dt.datetime | None = None) -> list[str]:
    """Delete the archives the retention does not keep (JINGUO_BACKUP_KEEP_DAILY,
    JINGUO_BACKUP_KEEP_MONTHLY); their names. Only `jinguo-YYYYMMDD-HHMMSS.jgbk` files are
    considered, and the newest is always kept."""
    directory = backup_dir()
    files = backup_files(directory)
    keep = backups_to_keep(
        [stamp for stamp, _name in files],
        today=timezone.localdate(now or timezone.now()),
        keep_daily=settings.JINGUO_BACKUP_KEEP_DAILY,
        keep_monthly=settings.JINGUO_BACKUP_KEEP_MONTHLY,
    )
    deleted = []
    for stamp, name in files:
        if stamp in keep:
            continue
        try:
            (directory / name).unlink()
        except FileNotFoundError:
            continue
        deleted.append(name)
    if deleted:
        audit_record(
            actor=None,
            action="backups.prune",
            changes={"deleted": [deleted, None], "kept": [None, len(files) - len(deleted)]},
            note=_("按保留规则删除了 %(count)d 个旧备份") % {"count": len(deleted)},
        )
    return deleted


# --- the drill ---------------------------------------------------------------------------------


def scratch_target() -> str:
    """The kind of scratch database the drill restores into now."""
    return "postgresql" if settings.JINGUO_DRILL_DATABASE_URL else "sqlite"


def _restore_into_scratch(path: Path) -> dict[str, Any]:
    with (
        scratch_database(settings.JINGUO_DRILL_DATABASE_URL) as alias,
        tempfile.TemporaryDirectory(prefix="jinguo-drill-media-") as media,
    ):
        return archive.restore(path, using=alias, media_root=Path(media) / "media")


def drill_run(*, now: dt.datetime | None = None) -> BackupRun:
    """Restore the newest archive into a scratch database (scratch.scratch_database), which the
    restore proves table by table against the archive's manifest; record ok, or failed with the
    reason. The scratch database and its files are deleted whatever happens."""
    moment = now or timezone.now()
    files = backup_files(backup_dir())
    newest = files[-1][1] if files else ""
    run = _start(
        kind=BackupRun.Kind.DRILL, started_at=moment, file_name=newest, target=scratch_target()
    )
    clock = time.monotonic()
    if not newest:
        error = _("没有可演练的备份：%(dir)s 中没有 jinguo-*.jgbk 文件。") % {"dir": backup_dir()}
        return _finish(run, clock=clock, error=error)
    path = backup_dir() / newest
    try:
        size = path.stat().st_size
        manifest = _restore_into_scratch(path)
    except Exception as exc:
        logger.exception("restore drill of %s failed", newest)
        return _finish(run, clock=clock, error=_failure(exc))
    tables, rows = _counts(manifest)
    return _finish(run, clock=clock, size_bytes=size, tables=tables, rows=rows)
