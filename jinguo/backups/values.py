"""Column values in a form that is the same whichever database they were read from.

A backup holds every value in one canonical JSON form chosen by its field's type, not in the
form one database driver returns it: SQLite hands back a time as "09:00:00", a boolean as 1, a
decimal as 2.5 and a datetime as naive UTC text; PostgreSQL as `datetime.time`, `True`,
`Decimal('2.50')` and an aware datetime. Reading through `reader()` and writing through
`writer()` makes a SQLite backup restorable into PostgreSQL and back, and lets a checksum over
the canonical lines prove a restore by value on either database.

Canonical forms (JSON): integers, text and floats as themselves; booleans as true/false;
decimals as text with the field's decimal places ("2.50"); dates "2026-12-08"; datetimes in UTC
"2026-12-08T01:30:00.250000+00:00" (microseconds only when not zero); times "09:00:00";
durations as whole microseconds; binary as base64 text; UUIDs as 32 hex digits; JSON as its
text with sorted keys (so SQL NULL, None, and JSON null, "null", stay apart). Encrypted fields
are text columns: their ciphertext is copied as stored, never decrypted.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from jinguo.backups.errors import BackupError

Convert = Callable[[Any], Any]

# Column kinds: each internal type of Django's fields maps to one, and a kind not listed here
# cannot be backed up (column_kind raises), so a new field type is noticed the day it appears.
_KINDS = {
    **dict.fromkeys(
        (
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
        ),
        "int",
    ),
    **dict.fromkeys(
        (
            "CharField",
            "TextField",
            "SlugField",
            "EmailField",
            "URLField",
            "FileField",
            "ImageField",
            "FilePathField",
        ),
        "text",
    ),
    "GenericIPAddressField": "inet",
    "IPAddressField": "inet",
    "BooleanField": "bool",
    "FloatField": "float",
    "DecimalField": "decimal",
    "DateField": "date",
    "DateTimeField": "datetime",
    "TimeField": "time",
    "DurationField": "duration",
    "BinaryField": "binary",
    "UUIDField": "uuid",
    "JSONField": "json",
}


class UnknownColumn(BackupError):
    """A field of a type the backup does not know how to keep: refused, never skipped."""


def column_kind(field: models.Field[Any, Any]) -> str:
    """The canonical kind of a concrete field's column; a relation takes its target's."""
    while field.is_relation and field.target_field is not field:  # type: ignore[attr-defined]
        field = field.target_field  # type: ignore[attr-defined]
    internal = field.get_internal_type()
    try:
        return _KINDS[internal]
    except KeyError:
        raise UnknownColumn(f"{field.model._meta.db_table}.{field.column}: {internal}") from None


# --- reading: the stored value (either database) → canonical ------------------------------------


def _aware_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:  # SQLite keeps UTC without an offset
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _read_datetime(value: Any) -> str:
    if isinstance(value, str):
        if len(value) in (19, 26) and value[10] == " ":  # as Django stores it on SQLite: UTC
            return f"{value[:10]}T{value[11:]}+00:00"
        value = dt.datetime.fromisoformat(value)
    return _aware_utc(value).isoformat()


def _read_date(value: Any) -> str:
    return value if isinstance(value, str) else value.isoformat()


def _read_time(value: Any) -> str:
    if isinstance(value, str):
        value = dt.time.fromisoformat(value)
    return value.isoformat()


def _read_duration(value: Any) -> int:
    if isinstance(value, dt.timedelta):
        return value // dt.timedelta(microseconds=1)
    return int(value)


def _read_binary(value: Any) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def _read_uuid(value: Any) -> str:
    return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(str(value)).hex


def _read_json(value: Any) -> str:
    if isinstance(value, str) and len(value) <= 200:
        return _canonical_json(value)  # short values repeat: a visit's services, a flag set
    parsed = json.loads(value) if isinstance(value, (str, bytes)) else value
    return json.dumps(parsed, ensure_ascii=False, sort_keys=True)


@lru_cache(maxsize=4096)
def _canonical_json(text: str) -> str:
    return json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True)


def _read_text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


_FLOAT_CONTEXT = decimal.Context(prec=15)


def _decimal_reader(places: int) -> Convert:
    quantum = decimal.Decimal(1).scaleb(-places)

    def read(value: Any) -> str:
        if isinstance(value, float):
            value = _FLOAT_CONTEXT.create_decimal_from_float(value)
        return str(decimal.Decimal(value).quantize(quantum))

    return read


_READERS: dict[str, Convert | None] = {
    "int": None,  # as the driver returns it: an int on both
    "text": None,  # a str on both
    "inet": _read_text,  # PostgreSQL's inet may come back as an ipaddress object
    "bool": bool,
    "float": float,
    "date": _read_date,
    "datetime": _read_datetime,
    "time": _read_time,
    "duration": _read_duration,
    "binary": _read_binary,
    "uuid": _read_uuid,
    "json": _read_json,
}


def reader(field: models.Field[Any, Any]) -> Convert | None:
    """stored → canonical for the field's column; None where the stored value is canonical."""
    kind = column_kind(field)
    if kind == "decimal":
        return _decimal_reader(field.decimal_places or 0)  # type: ignore[attr-defined]
    return _READERS[kind]


# --- writing: canonical → what this database takes ----------------------------------------------


def writer(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Convert | None:
    """canonical → the value written for the field's column (None: the canonical value as is).

    PostgreSQL takes rows through COPY, whose text input parses the canonical text of every kind
    but binary and durations. SQLite takes them through executemany: the canonical forms are the
    text Django itself stores there, but for datetimes (naive UTC text) and binary."""
    kind = column_kind(field)
    if kind == "binary":
        return base64.b64decode
    if connection.vendor == "postgresql":
        return (lambda v: dt.timedelta(microseconds=v)) if kind == "duration" else None
    if kind == "datetime":
        return _sqlite_datetime(connection)
    return None


def _sqlite_datetime(connection: BaseDatabaseWrapper) -> Convert:
    """Canonical (UTC, "+00:00") → the naive UTC text Django stores on SQLite, by slicing; any
    other offset through Django's own adaptation."""

    def write(value: str) -> Any:
        if value.endswith("+00:00"):
            return value[:-6].replace("T", " ", 1)
        return connection.ops.adapt_datetimefield_value(dt.datetime.fromisoformat(value))

    return write


class Converter:
    """Applies each column's converter to a row; columns without one, and None values, are left
    as they are (only the columns that have one are visited)."""

    def __init__(self, converters: list[Convert | None]) -> None:
        self.columns = [(i, c) for i, c in enumerate(converters) if c is not None]

    def __call__(self, row: Any) -> Any:
        if not self.columns:
            return row
        out = list(row)
        for index, convert in self.columns:
            value = out[index]
            if value is not None:
                out[index] = convert(value)
        return out
