"""The retention: every backup of the last JINGUO_BACKUP_KEEP_DAILY days, the newest of each of
the last JINGUO_BACKUP_KEEP_MONTHLY months, the newest of all; nothing else in the directory."""

import datetime as dt

import pytest
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.backups.services import backups_prune, backups_to_keep

pytestmark = pytest.mark.django_db


def _local(year: int, month: int, day: int, hour: int = 1, minute: int = 30) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def _a_year_of_daily_files(directory) -> None:
    directory.mkdir(parents=True)
    day = dt.date(2026, 1, 1)
    while day.year == 2026:
        (directory / f"jinguo-{day:%Y%m%d}-013000.jgbk").write_bytes(b"x")
        day += dt.timedelta(days=1)


def test_a_year_of_daily_backups_keeps_the_last_fortnight_and_each_months_last(backup_dir):
    _a_year_of_daily_files(backup_dir)
    (backup_dir / "notes.txt").write_text("not a backup")
    (backup_dir / ".partial-jinguo-20260101-013000.jgbk").write_bytes(b"half")

    deleted = backups_prune(now=_local(2026, 12, 31, 2, 0))

    remaining = sorted(p.name for p in backup_dir.iterdir())
    fortnight = [f"jinguo-202612{d:02d}-013000.jgbk" for d in range(18, 32)]
    last_days = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30}
    month_ends = [f"jinguo-2026{m:02d}{d}-013000.jgbk" for m, d in last_days.items()]
    assert remaining == sorted(
        [".partial-jinguo-20260101-013000.jgbk", "notes.txt", *fortnight, *month_ends]
    )
    assert len(deleted) == 365 - 14 - 11
    assert "jinguo-20261217-013000.jgbk" in deleted


def test_prune_writes_one_audit_row_naming_what_it_deleted(backup_dir):
    _a_year_of_daily_files(backup_dir)
    deleted = backups_prune(now=_local(2026, 12, 31, 2, 0))
    event = AuditEvent.objects.get(action="backups.prune")
    assert event.actor is None
    assert event.changes["deleted"][0] == deleted


def test_the_months_kept_are_the_last_twelve_counting_this_one(settings):
    settings.JINGUO_BACKUP_KEEP_MONTHLY = 12
    stamps = [_local(2025, 12, 31), _local(2026, 1, 15), _local(2026, 11, 30), _local(2026, 12, 1)]
    keep = backups_to_keep(stamps, today=dt.date(2026, 12, 20), keep_daily=14, keep_monthly=12)
    assert keep == {_local(2026, 1, 15), _local(2026, 11, 30), _local(2026, 12, 1)}


def test_the_newest_backup_is_kept_however_old(backup_dir):
    backup_dir.mkdir(parents=True)
    for name in ("jinguo-20200101-013000.jgbk", "jinguo-20200102-013000.jgbk"):
        (backup_dir / name).write_bytes(b"x")

    deleted = backups_prune(now=_local(2026, 12, 31))

    assert deleted == ["jinguo-20200101-013000.jgbk"]
    assert [p.name for p in backup_dir.iterdir()] == ["jinguo-20200102-013000.jgbk"]


def test_no_monthly_keeping_leaves_only_the_days(backup_dir, settings):
    settings.JINGUO_BACKUP_KEEP_DAILY, settings.JINGUO_BACKUP_KEEP_MONTHLY = 3, 0
    _a_year_of_daily_files(backup_dir)
    backups_prune(now=_local(2026, 12, 31, 2, 0))
    assert sorted(p.name for p in backup_dir.iterdir()) == [
        "jinguo-20261229-013000.jgbk",
        "jinguo-20261230-013000.jgbk",
        "jinguo-20261231-013000.jgbk",
    ]


def test_names_that_only_look_like_backups_are_never_touched(backup_dir):
    backup_dir.mkdir(parents=True)
    for name in ("jinguo-20200101-013000.jgbk.bak", "jinguo-20201399-013000.jgbk", "x.jgbk"):
        (backup_dir / name).write_bytes(b"x")
    (backup_dir / "jinguo-20200102-013000.jgbk").write_bytes(b"x")
    assert backups_prune(now=_local(2026, 12, 31)) == []
    assert len(list(backup_dir.iterdir())) == 4
