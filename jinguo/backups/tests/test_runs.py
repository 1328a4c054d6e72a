"""The nightly backup and the weekly drill, each recorded as a BackupRun with its history."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from jinguo.audit.models import AuditEvent
from jinguo.audit.services import audit_record
from jinguo.backups import archive
from jinguo.backups.archive import BackupError, table_checksums
from jinguo.backups.models import BackupRun, BackupRunChange
from jinguo.backups.scratch import scratch_database
from jinguo.backups.services import backup_scheduled, drill_run
from jinguo.backups.tasks import backups_daily, drill_weekly

pytestmark = pytest.mark.django_db(transaction=True)
NOW = dt.datetime(2026, 12, 6, 1, 30, tzinfo=dt.UTC)  # 09:30 in Asia/Shanghai


@pytest.fixture
def records(cast, default_categories) -> None:
    audit_record(actor=cast.songhe_chair, action="test.note", note="备份之前")


@pytest.fixture
def drill_database(settings):
    """On PostgreSQL the drill restores into a database of its own on the same server."""
    if connection.vendor == "postgresql":
        default = connections.settings["default"]
        user = default["USER"] or "postgres"
        host, port = default["HOST"] or "127.0.0.1", default["PORT"] or 5432
        name = f"{default['NAME']}_drill"
        settings.JINGUO_DRILL_DATABASE_URL = f"postgres://{user}@{host}:{port}/{name}"


def test_a_scheduled_backup_records_its_file_size_tables_and_rows(records, backup_dir):
    run = backup_scheduled(now=NOW)

    path = backup_dir / "jinguo-20261206-093000.jgbk"
    assert run.status == BackupRun.Status.OK and run.file_name == path.name
    assert run.size_bytes == path.stat().st_size > 0
    assert run.tables == len(archive.tables()) and run.rows and run.rows > 0
    assert run.started_at == NOW and run.finished_at and run.finished_at >= NOW
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in backup_dir.iterdir()] == [path.name]  # no partial file left
    changes = BackupRunChange.objects.filter(run=run).values_list("from_status", "to_status")
    assert list(changes) == [("", "running"), ("running", "ok")]
    ours = AuditEvent.objects.filter(target_type="backups.backuprun", target_id=str(run.pk))
    actions = set(ours.values_list("action", flat=True))
    assert actions == {"backups.backup.start", "backups.backup.ok"}


def test_a_failed_backup_records_failed_with_its_message_and_leaves_no_file(
    records, backup_dir, monkeypatch
):
    def broken(out, connection, progress):
        out.write(b"half an archive")
        raise BackupError("磁盘空间不足，备份未完成。")

    monkeypatch.setattr(archive, "_write_archive", broken)

    run = backup_scheduled(now=NOW)

    assert run.status == BackupRun.Status.FAILED
    assert run.error == "磁盘空间不足，备份未完成。"
    assert run.size_bytes is None and run.finished_at is not None
    assert list(backup_dir.iterdir()) == []
    assert AuditEvent.objects.filter(action="backups.backup.failed", note=run.error).exists()


def test_an_unexpected_error_is_recorded_in_words(records, backup_dir, monkeypatch):
    def broken(target, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive, "backup", broken)
    run = backup_scheduled(now=NOW)
    assert run.status == BackupRun.Status.FAILED
    assert run.error.startswith("意外错误：OSError")


def test_the_nightly_backup_prunes_what_the_retention_does_not_keep(records, backup_dir):
    backup_dir.mkdir(parents=True)
    old = backup_dir / "jinguo-20240101-013000.jgbk"
    old.write_bytes(b"x")
    backup_scheduled(now=NOW)
    assert not old.exists()


def test_the_drill_restores_the_newest_backup_into_a_scratch_database_and_proves_it(
    records, backup_dir, drill_database
):
    backup = backup_scheduled(now=NOW)
    before = table_checksums()

    run = drill_run(now=NOW + dt.timedelta(hours=3))

    assert run.status == BackupRun.Status.OK, run.error
    assert run.file_name == backup.file_name
    assert (run.tables, run.rows) == (backup.tables, backup.rows)
    assert run.target == connection.vendor
    assert [a for a in connections.settings if a != "default"] == []  # no scratch alias left
    # The drill's migrate wrote nothing into the site's database (only its own run rows).
    after = table_checksums()
    ours = {"backups_backuprun", "backups_backuprunchange", AuditEvent._meta.db_table}
    assert [t for t in before if before[t] != after[t] and t not in ours] == []


def test_the_drill_of_a_corrupt_newest_backup_records_failed(records, backup_dir, drill_database):
    backup = backup_scheduled(now=NOW)
    path = backup_dir / backup.file_name
    content = bytearray(path.read_bytes())
    middle = len(content) // 2
    content[middle : middle + 16] = bytes(b ^ 0xFF for b in content[middle : middle + 16])
    path.write_bytes(bytes(content))

    run = drill_run(now=NOW + dt.timedelta(hours=3))

    assert run.status == BackupRun.Status.FAILED
    assert run.error and run.file_name == backup.file_name
    assert run.tables is None
    assert [a for a in connections.settings if a != "default"] == []
    assert AuditEvent.objects.filter(action="backups.drill.failed").exists()


def test_the_drill_of_a_truncated_newest_backup_records_failed(records, backup_dir, drill_database):
    backup_scheduled(now=NOW - dt.timedelta(days=1))
    newest = backup_scheduled(now=NOW)
    path = backup_dir / newest.file_name
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])

    run = drill_run(now=NOW + dt.timedelta(hours=3))

    assert run.status == BackupRun.Status.FAILED and run.file_name == newest.file_name


def test_a_drill_with_no_backup_records_failed(backup_dir):
    run = drill_run(now=NOW)
    assert run.status == BackupRun.Status.FAILED
    assert "没有可演练的备份" in run.error


def test_the_drill_refuses_the_sites_own_database_as_its_scratch(db, settings):
    site = connections.settings["default"]
    settings.JINGUO_DRILL_DATABASE_URL = (
        f"postgres://u@{site.get('HOST') or ''}:5432/{site['NAME']}"
        if connection.vendor == "postgresql"
        else ""
    )
    if connection.vendor != "postgresql":
        pytest.skip("the site's own database can be named only on PostgreSQL")
    with (
        pytest.raises(BackupError, match="不能是本站点自己的数据库"),
        scratch_database(settings.JINGUO_DRILL_DATABASE_URL),
    ):
        pass


def test_the_tasks_and_the_cron_commands_run_the_services(records, backup_dir, drill_database):
    assert backups_daily() == "ok"
    assert drill_weekly() == "ok"
    out = io.StringIO()
    call_command("backup_drill", stdout=out)
    assert "恢复演练成功" in out.getvalue()
    assert BackupRun.objects.filter(status="ok").count() == 3


def test_the_cron_command_exits_non_zero_when_the_backup_failed(backup_dir, monkeypatch):
    def broken(target, **kwargs):
        raise BackupError("坏了")

    monkeypatch.setattr(archive, "backup", broken)
    with pytest.raises(CommandError, match="坏了"):
        call_command("backup_scheduled", stdout=io.StringIO())


def test_a_run_abandoned_by_a_killed_process_is_recorded_failed_by_the_next(backup_dir, records):
    killed = BackupRun.objects.create(kind="backup", started_at=NOW - dt.timedelta(days=1, hours=1))
    recent = BackupRun.objects.create(kind="backup", started_at=NOW - dt.timedelta(hours=1))

    backup_scheduled(now=NOW)

    killed.refresh_from_db()
    recent.refresh_from_db()
    assert killed.status == "failed" and "中断" in killed.error and killed.finished_at is None
    assert recent.status == "running"  # perhaps still at work
    assert list(killed.changes.values_list("to_status", flat=True)) == ["failed"]
