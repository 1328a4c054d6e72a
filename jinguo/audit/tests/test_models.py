import pytest
from django.db import DatabaseError, connection, transaction

from jinguo.audit.models import AppendOnlyError, AuditEvent
from jinguo.audit.services import audit_record


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(cast):
    event = audit_record(actor=cast.songhe_chair, action="test.action")
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_the_database_refuses_raw_updates(cast):
    event = audit_record(actor=cast.songhe_chair, action="test.action")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET note = 'x' WHERE id = %s", [event.pk])


def test_the_database_refuses_raw_deletes(cast):
    event = audit_record(actor=cast.songhe_chair, action="test.action")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def test_the_database_refuses_a_raw_delete_of_the_whole_log(cast):
    audit_record(actor=cast.songhe_chair, action="test.action")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.filter(action="test.action").exists()
