"""Issue 8: birth dates are encrypted at rest (common.fields.EncryptedDateField): the column
holds ciphertext only, Python code sees a date, the database is never asked to compare it."""

import datetime as dt
import importlib
from typing import Any

import pytest
from django import forms
from django.apps import apps as django_apps
from django.core.exceptions import FieldError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework import serializers

from jinguo.audit.models import AuditEvent
from jinguo.common import crypto
from jinguo.common.fields import EncryptedDateField, decrypt_date
from jinguo.people.idcard import check_digit
from jinguo.people.models import Person, PersonChange
from jinguo.people.services import person_create, person_update

pytestmark = pytest.mark.django_db

BORN = dt.date(2015, 6, 1)


def _id(birth: str, sequence: str = "002") -> str:
    first17 = f"341881{birth}{sequence}"
    return first17 + check_digit(first17)


CHILD_ID, ADULT_ID = _id("20150601"), _id("19900101")
LEAF = [("people", "0004_history_birth_dates")]
convert = importlib.import_module("jinguo.people.migrations.0002_encrypt_birth_date")
history = importlib.import_module("jinguo.people.migrations.0004_history_birth_dates")


def stored(pk: int, column: str = "birth_date") -> Any:
    """The column as the database holds it, read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM people_person WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_the_stored_birth_date_is_ciphertext_and_never_the_clear_date(tree):
    child = Person.objects.create(org=tree.wushan, name="王小明", birth_date=BORN)
    token = stored(child.pk)
    assert isinstance(token, str) and token.startswith(crypto.PREFIX)
    assert BORN.isoformat() not in token and "2015" not in token
    assert crypto.decrypt(token) == "2015-06-01"
    other = Person.objects.create(org=tree.wushan, name="王小红", birth_date=BORN)
    assert stored(other.pk) != token  # a fresh nonce: equal dates do not look equal


def test_a_birth_date_and_no_birth_date_round_trip_through_every_way_of_reading(tree):
    child = Person.objects.create(org=tree.wushan, name="王小明", birth_date=BORN)
    unknown = Person.objects.create(org=tree.wushan, name="李梅", birth_date=None)
    assert stored(unknown.pk) is None
    assert Person.objects.get(pk=child.pk).birth_date == BORN
    assert Person.objects.get(pk=unknown.pk).birth_date is None
    assert list(
        Person.objects.filter(pk__in=[child.pk, unknown.pk]).order_by("pk").values("birth_date")
    ) == [{"birth_date": BORN}, {"birth_date": None}]
    assert Person.objects.filter(pk=child.pk).values_list("birth_date", flat=True).get() == BORN
    assert Person.objects.only("birth_date").get(pk=child.pk).birth_date == BORN


def test_bulk_create_update_and_bulk_update_write_ciphertext(tree):
    made = Person.objects.bulk_create(
        [Person(org=tree.wushan, name="甲", birth_date=BORN), Person(org=tree.wushan, name="乙")]
    )
    first, second = (Person.objects.get(name=p.name) for p in made)
    assert (first.birth_date, second.birth_date) == (BORN, None)
    Person.objects.filter(pk=second.pk).update(birth_date=dt.date(1990, 1, 2))
    assert stored(second.pk).startswith(crypto.PREFIX)
    assert Person.objects.get(pk=second.pk).birth_date == dt.date(1990, 1, 2)
    first.birth_date, second.birth_date = None, dt.date(1980, 3, 4)
    Person.objects.bulk_update([first, second], ["birth_date"])
    assert stored(first.pk) is None
    assert decrypt_date(stored(second.pk)) == dt.date(1980, 3, 4)
    assert Person.objects.get(pk=second.pk).birth_date == dt.date(1980, 3, 4)


def test_a_string_date_is_stored_as_the_date_and_an_empty_one_as_null(tree):
    person = Person.objects.create(org=tree.wushan, name="甲", birth_date="2001-02-03")
    assert decrypt_date(stored(person.pk)) == dt.date(2001, 2, 3)
    Person.objects.filter(pk=person.pk).update(birth_date="")
    assert stored(person.pk) is None


def test_the_database_is_refused_any_comparison_of_birth_dates_but_isnull(tree):
    Person.objects.create(org=tree.wushan, name="王小明", birth_date=BORN)
    with pytest.raises(FieldError):
        Person.objects.filter(birth_date__gte=BORN).count()
    with pytest.raises(FieldError):
        Person.objects.filter(birth_date__year=2015).count()
    assert Person.objects.filter(birth_date__isnull=False).count() == 1
    assert Person.objects.filter(birth_date__isnull=True).count() == 0


def test_forms_and_serializers_still_see_a_date_field():
    field = Person._meta.get_field("birth_date")
    assert isinstance(field, EncryptedDateField)
    assert isinstance(field.formfield(), forms.DateField)

    class PersonSerializer(serializers.ModelSerializer):
        class Meta:
            model = Person
            fields = ["birth_date"]

    assert isinstance(PersonSerializer().fields["birth_date"], serializers.DateField)
    assert PersonSerializer(Person(birth_date=BORN)).data == {"birth_date": "2015-06-01"}
    assert not hasattr(Person, "get_next_by_birth_date")


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_a_clear_birth_date_and_can_be_reversed(tree):
    """people/0002 fills the new column from the clear one (its conversion called here on a
    row written with a clear date), 0003 drops the clear column; backwards gives it back."""
    executor = MigrationExecutor(connection)
    executor.migrate([("people", "0002_encrypt_birth_date")])
    try:
        old = executor.loader.project_state(("people", "0002_encrypt_birth_date")).apps
        person = old.get_model("people", "Person").objects.create(
            org_id=tree.wushan.pk, name="王小明", birth_date=BORN
        )
        unknown = old.get_model("people", "Person").objects.create(
            org_id=tree.wushan.pk, name="李梅", birth_date=None
        )
        assert stored(person.pk, "birth_date_token") is None
        convert.encrypt_birth_dates(old, None)
        token = stored(person.pk, "birth_date_token")
        assert token.startswith(crypto.PREFIX) and "2015" not in token
        assert decrypt_date(token) == BORN
        assert stored(unknown.pk, "birth_date_token") is None
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(LEAF)
    assert Person.objects.get(pk=person.pk).birth_date == BORN
    assert stored(person.pk) == token
    assert Person.objects.get(pk=unknown.pk).birth_date is None

    executor = MigrationExecutor(connection)
    executor.migrate([("people", "0001_initial")])
    try:
        assert str(stored(person.pk)) == "2015-06-01"  # the clear column is back and filled
        assert stored(unknown.pk) is None
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert Person.objects.get(pk=person.pk).birth_date == BORN
    assert stored(person.pk).startswith(crypto.PREFIX)


def stored_change(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT old, new FROM people_personchange WHERE id = %s", [pk])
        old, new = cursor.fetchone()
    return str(old), str(new)


def test_history_and_audit_keep_a_changed_birth_date_encrypted(tree):
    child = person_create(actor=None, org=tree.wushan, name="王小明", id_number=CHILD_ID)
    assert child.birth_date == dt.date(2015, 6, 1)
    adult = person_update(actor=None, person=child, id_number=ADULT_ID)
    assert adult.birth_date == dt.date(1990, 1, 1)
    for change in PersonChange.objects.filter(person=child):
        old, new = stored_change(change.pk)
        assert "2015-06-01" not in old + new and "1990-01-01" not in old + new
    update = PersonChange.objects.filter(person=child).latest("pk")
    assert [decrypt_date(update.old["birth_date"]), decrypt_date(update.new["birth_date"])] == [
        dt.date(2015, 6, 1),
        dt.date(1990, 1, 1),
    ]
    audit = AuditEvent.objects.filter(action="person.update").latest("pk")
    assert "2015-06-01" not in str(audit.changes) and "birth_date" in audit.changes


def test_an_update_that_keeps_the_birth_date_does_not_record_it_as_changed(tree):
    child = person_create(actor=None, org=tree.wushan, name="王小明", id_number=CHILD_ID)
    person_update(actor=None, person=child, name="王小明明")
    audit = AuditEvent.objects.filter(action="person.update").latest("pk")
    assert "name" in audit.changes and "birth_date" not in audit.changes


def test_the_history_migration_encrypts_clear_birth_dates_once(tree):
    child = Person.objects.create(org=tree.wushan, name="王小明", birth_date=BORN)
    row = PersonChange.objects.create(
        person=child,
        action="person.update",
        old={"birth_date": None},
        new={"birth_date": "2015-06-01"},
    )
    history.seal_history(django_apps, None)
    history.seal_history(django_apps, None)  # idempotent: sealed values stay as they are
    row.refresh_from_db()
    assert row.old == {"birth_date": None}
    assert row.new["birth_date"].startswith(crypto.PREFIX)
    assert decrypt_date(row.new["birth_date"]) == BORN
    history.unseal_history(django_apps, None)
    row.refresh_from_db()
    assert row.new == {"birth_date": "2015-06-01"}
