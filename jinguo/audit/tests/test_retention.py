"""Audit retention (等保): rows are kept at least six months, purged only by `audit_purge`,
read and exported by the audit administrator only, and edited by nobody."""

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.contrib.admin.exceptions import NotRegistered
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.audit.services import audit_earliest_cutoff, audit_purge, audit_record
from jinguo.common.admin import site as admin_site


def _written_days_ago(days: int, action: str) -> AuditEvent:
    """An audit row as if written `days` ago (the time is set on insert, never afterwards)."""
    then = timezone.now() - dt.timedelta(days=days)
    with mock.patch("django.utils.timezone.now", return_value=then):
        return audit_record(actor=None, action=action)


def _open_purge_gate(cursor) -> None:
    """What audit_purge does in its transaction (migrations 0003 and 0004), done by hand."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL jinguo.audit_purge = 'on'")
    else:
        cursor.execute("INSERT INTO audit_purge_gate (opened) VALUES (1)")


def test_the_earliest_cutoff_keeps_six_months():
    assert audit_earliest_cutoff() == timezone.localdate() - dt.timedelta(days=183)


def test_a_purge_deletes_rows_before_the_cutoff_and_keeps_the_rest(db):
    old = _written_days_ago(400, "test.old")
    kept = _written_days_ago(150, "test.kept")
    deleted = audit_purge(actor=None, before=timezone.localdate() - dt.timedelta(days=200))
    assert deleted == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()


def test_the_purge_is_itself_audited(db):
    _written_days_ago(400, "test.old")
    audit_purge(actor=None, before=audit_earliest_cutoff())
    event = AuditEvent.objects.get(action="audit.purge")
    assert event.changes["deleted"] == [None, 1]


@pytest.mark.parametrize("days", [0, 30, 182])
def test_a_cutoff_inside_six_months_is_refused_and_deletes_nothing(db, days):
    young = _written_days_ago(days + 1, "test.young")
    with pytest.raises(ValidationError):
        audit_purge(actor=None, before=timezone.localdate() - dt.timedelta(days=days))
    assert AuditEvent.objects.filter(pk=young.pk).exists()
    assert not AuditEvent.objects.filter(action="audit.purge").exists()


def test_a_longer_retention_setting_moves_the_cutoff_back(db, settings):
    settings.JINGUO_AUDIT_RETENTION_DAYS = 365
    with pytest.raises(ValidationError):
        audit_purge(actor=None, before=timezone.localdate() - dt.timedelta(days=300))


def test_a_shorter_retention_setting_cannot_go_below_six_months(db, settings):
    settings.JINGUO_AUDIT_RETENTION_DAYS = 30
    with pytest.raises(ValidationError):
        audit_purge(actor=None, before=timezone.localdate() - dt.timedelta(days=60))


def test_the_command_purges_with_keep_days(db):
    old = _written_days_ago(400, "test.old")
    out = StringIO()
    call_command("audit_purge", "--keep-days", "365", stdout=out)
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert "1" in out.getvalue()


def test_the_monthly_task_purges_what_the_retention_setting_lets_go(db, settings):
    from jinguo.audit.tasks import audit_purge_expired

    settings.JINGUO_AUDIT_RETENTION_DAYS = 365
    old = _written_days_ago(400, "test.old")
    kept = _written_days_ago(300, "test.kept")
    assert audit_purge_expired.delay().get() == 1  # no broker: runs here
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    assert audit_purge_expired.delay().get() == 0


@pytest.mark.parametrize(
    "args",
    [
        ["--keep-days", "100"],
        ["--before", (dt.date.today() - dt.timedelta(days=10)).isoformat()],  # noqa: DTZ011
        ["--before", "2026-13-01"],
    ],
)
def test_the_command_refuses_a_young_or_malformed_cutoff(db, args):
    young = _written_days_ago(120, "test.young")
    with pytest.raises(CommandError):
        call_command("audit_purge", *args, stdout=StringIO())
    assert AuditEvent.objects.filter(pk=young.pk).exists()


def test_the_database_refuses_deleting_young_rows_even_in_a_purge_transaction(db):
    young = _written_days_ago(100, "test.young")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        _open_purge_gate(cursor)
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [young.pk])
    assert AuditEvent.objects.filter(pk=young.pk).exists()


def test_the_database_refuses_deleting_old_rows_outside_a_purge(db):
    old = _written_days_ago(400, "test.old")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])
    assert AuditEvent.objects.filter(pk=old.pk).exists()


def test_the_database_refuses_updates_even_in_a_purge_transaction(db):
    old = _written_days_ago(400, "test.old")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        _open_purge_gate(cursor)
        cursor.execute("UPDATE audit_auditevent SET note = 'x' WHERE id = %s", [old.pk])


def test_the_database_lets_an_old_row_go_in_a_purge_transaction(db):
    old = _written_days_ago(400, "test.old")
    with transaction.atomic(), connection.cursor() as cursor:
        _open_purge_gate(cursor)
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_the_purge_leaves_the_gate_closed_behind_it(db):
    old, older = _written_days_ago(400, "test.old"), _written_days_ago(500, "test.older")
    audit_purge(actor=None, before=timezone.localdate() - dt.timedelta(days=450))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])
    assert AuditEvent.objects.filter(pk=old.pk).exists()
    assert not AuditEvent.objects.filter(pk=older.pk).exists()


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's flush deletes rows; PostgreSQL's truncates, which no row trigger sees",
)
def test_flush_still_empties_the_audit_log_and_deletes_stay_refused_after_it(db):
    _written_days_ago(400, "test.old")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    old = _written_days_ago(400, "test.old")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])


# --- who may read and export, and that nobody edits ------------------------------------------


@pytest.mark.parametrize(
    "username",
    [
        "songhe_chair",
        "wushan_member",
        "city_cadre",
        "county_leader",
        "system_admin",
        "security_admin",
    ],
)
def test_nobody_but_the_audit_admin_exports_the_audit_log(cast, login, username):
    audit_record(actor=cast.songhe_chair, action="test.secret")
    response = login(getattr(cast, username)).get(reverse("audit:export"))
    assert response.status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(reverse("audit:export"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_audit_admin_exports_the_audit_log(cast, login):
    response = login(cast.audit_admin).get(reverse("audit:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')


def test_the_audit_log_is_not_in_the_admin(cast, login):
    with pytest.raises(NotRegistered):
        admin_site.get_model_admin(AuditEvent)
    client = login(cast.system_admin)
    assert client.get("/admin/audit/auditevent/").status_code == 404
    assert client.post("/admin/audit/auditevent/1/delete/", {"post": "yes"}).status_code == 404


@pytest.mark.parametrize("name", ["audit:list", "audit:export"])
def test_the_audit_pages_accept_no_writes_even_from_the_audit_admin(cast, login, name):
    event = audit_record(actor=cast.songhe_chair, action="test.kept")
    client = login(cast.audit_admin)
    for method in (client.post, client.put, client.delete):
        assert method(reverse(name), {"id": event.pk, "note": "x"}).status_code == 405
    assert AuditEvent.objects.get(pk=event.pk).note == ""
