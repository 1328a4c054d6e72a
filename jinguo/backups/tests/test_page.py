"""The security administrator's backup page, and the warnings on her account security page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.backups.models import BackupRun

pytestmark = pytest.mark.django_db


def _run(kind: str, status: str, *, ago: dt.timedelta, **fields) -> BackupRun:
    started = timezone.now() - ago
    return BackupRun.objects.create(
        kind=kind,
        status=status,
        started_at=started,
        finished_at=started + dt.timedelta(minutes=2),
        **fields,
    )


def _backup(status: str = "ok", *, hours: float = 3, **fields) -> BackupRun:
    values: dict = {"file_name": "jinguo-20261206-013000.jgbk", "size_bytes": 5 * 1024 * 1024}
    values |= {"tables": 120, "rows": 34567} if status == "ok" else {}
    return _run("backup", status, ago=dt.timedelta(hours=hours), **(values | fields))


def _drill(status: str = "ok", *, days: float = 2, **fields) -> BackupRun:
    values: dict = {"file_name": "jinguo-20261206-013000.jgbk", "target": "sqlite"}
    values |= {"tables": 120, "rows": 34567} if status == "ok" else {}
    return _run("drill", status, ago=dt.timedelta(days=days), **(values | fields))


def _page(login, cast) -> str:
    response = login(cast.security_admin).get(reverse("backups:overview"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_last_backup_and_the_last_drill(login, cast):
    _backup(hours=30)
    _backup(hours=3, file_name="jinguo-20261207-013000.jgbk")
    _drill()

    page = _page(login, cast)

    assert "jinguo-20261207-013000.jgbk" in page
    assert "5.0\xa0MB" in page and "120 张数据表，34567 行" in page
    assert "与备份一致" in page and "SQLite" in page
    assert "backup-warning" not in page


def test_a_backup_older_than_the_late_hours_is_warned_of(login, cast, settings):
    settings.JINGUO_BACKUP_LATE_HOURS = 26
    _backup(hours=27)
    _drill()
    page = _page(login, cast)
    assert "备份已超过 26 小时未成功" in page
    assert "恢复演练已超过" not in page


def test_a_failed_backup_after_a_good_one_is_warned_of_with_its_message(login, cast):
    _backup(hours=20)
    _backup("failed", hours=1, error="磁盘空间不足，备份未完成。")
    _drill()
    page = _page(login, cast)
    assert "最近一次备份失败：磁盘空间不足，备份未完成。" in page


def test_a_late_or_failed_drill_is_warned_of(login, cast, settings):
    settings.JINGUO_DRILL_LATE_DAYS = 8
    _backup()
    _drill(days=9)
    assert "恢复演练已超过 8 天未做或失败" in _page(login, cast)
    _drill("failed", days=1, error="恢复后以下数据表的行数或校验和与备份不符")
    page = _page(login, cast)
    assert "恢复演练已超过 8 天未做或失败" in page
    assert "恢复后以下数据表的行数或校验和与备份不符" in page


def test_a_new_site_with_no_runs_warns_of_both(login, cast):
    page = _page(login, cast)
    assert "备份已超过" in page and "恢复演练已超过" in page
    assert "还没有备份记录" in page


def test_the_account_security_page_links_to_it_and_carries_the_warnings(login, cast):
    _backup(hours=40)
    page = login(cast.security_admin).get(reverse("accounts:security")).content.decode()
    assert reverse("backups:overview") in page
    assert "备份已超过" in page and "恢复演练已超过" in page


def test_the_account_security_page_is_quiet_when_all_is_well(login, cast):
    _backup()
    _drill()
    page = login(cast.security_admin).get(reverse("accounts:security")).content.decode()
    assert "backup-warning" not in page


@pytest.mark.parametrize(
    "who", ["wushan_member", "county_cadre", "county_leader", "system_admin", "audit_admin"]
)
def test_everyone_else_is_refused(login, cast, who):
    _backup()
    response = login(getattr(cast, who)).get(reverse("backups:overview"))
    assert response.status_code == 403
    assert "jinguo-20261206" not in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("backups:overview"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
