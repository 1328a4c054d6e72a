"""The canonical form of a value does not depend on the database it was read from."""

import datetime as dt
import decimal
import uuid

import pytest
from django.db import models

from jinguo.backups import values


def _field(field: models.Field) -> models.Field:
    field.set_attributes_from_name("value")
    return field


SAME_VALUE = [
    # (field, as SQLite returns it, as PostgreSQL returns it, canonical)
    (models.TimeField(), "09:00:00", dt.time(9, 0), "09:00:00"),
    (models.TimeField(), "09:00:00.250000", dt.time(9, 0, 0, 250000), "09:00:00.250000"),
    (models.DateField(), "2026-12-08", dt.date(2026, 12, 8), "2026-12-08"),
    (
        models.DateTimeField(),
        "2026-12-08 01:30:00.250000",
        dt.datetime(2026, 12, 8, 9, 30, 0, 250000, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        "2026-12-08T01:30:00.250000+00:00",
    ),
    (
        models.DateTimeField(),
        "2026-12-08 01:30:00",
        dt.datetime(2026, 12, 8, 1, 30, tzinfo=dt.UTC),
        "2026-12-08T01:30:00+00:00",
    ),
    (models.BooleanField(), 1, True, True),
    (models.DecimalField(max_digits=5, decimal_places=2), 2.5, decimal.Decimal("2.50"), "2.50"),
    (models.DecimalField(max_digits=5, decimal_places=1), 3, decimal.Decimal("3.0"), "3.0"),
    (models.DurationField(), 90_000_000, dt.timedelta(seconds=90), 90_000_000),
    (
        models.UUIDField(),
        "12345678123456781234567812345678",
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "12345678123456781234567812345678",
    ),
    (
        models.JSONField(),
        '{"b": 1, "a": [1.5, "网格"]}',
        '{"a": [1.5, "网格"], "b": 1}',
        '{"a": [1.5, "网格"], "b": 1}',
    ),
    (models.JSONField(), "null", "null", "null"),
    (models.BinaryField(), b"\x00\xff", memoryview(b"\x00\xff"), "AP8="),
    (models.GenericIPAddressField(), "10.0.0.1", "10.0.0.1", "10.0.0.1"),
]


@pytest.mark.parametrize(("field", "sqlite", "postgresql", "canonical"), SAME_VALUE)
def test_a_value_read_from_either_database_has_one_canonical_form(
    field, sqlite, postgresql, canonical
):
    read = values.reader(_field(field)) or (lambda v: v)
    assert read(sqlite) == canonical
    assert read(postgresql) == canonical


def test_a_field_type_the_backup_does_not_know_is_named_not_skipped():
    class Point(models.Field):
        def get_internal_type(self) -> str:
            return "PointField"

    field = _field(Point())
    field.model = type("M", (), {"_meta": type("Meta", (), {"db_table": "t"})})
    with pytest.raises(values.UnknownColumn, match=r"t\.value: PointField"):
        values.column_kind(field)


def test_a_foreign_key_column_takes_its_targets_kind():
    from jinguo.orgs.models import OrgUnit

    assert values.column_kind(OrgUnit._meta.get_field("parent")) == "int"


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 12, 8, 1, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 8, 1, 30, 0, 250, tzinfo=dt.UTC),
        dt.datetime(1999, 1, 1, 23, 59, 59, 999999, tzinfo=dt.UTC),
    ],
)
def test_a_datetime_goes_back_into_sqlite_as_django_itself_stores_it(moment):
    from django.db import connections

    sqlite = connections["default"]
    if sqlite.vendor != "sqlite":
        pytest.skip("SQLite's stored form")
    field = _field(models.DateTimeField())
    read, write = values.reader(field), values.writer(field, sqlite)
    assert read is not None and write is not None
    canonical = read(sqlite.ops.adapt_datetimefield_value(moment))
    assert canonical == moment.isoformat()
    assert write(canonical) == sqlite.ops.adapt_datetimefield_value(moment)
