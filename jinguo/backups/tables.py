"""The tables a backup holds, their rows in canonical form (jinguo.backups.values), and checksums
over those rows that are the same on SQLite and on PostgreSQL for the same values."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.apps import apps
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from jinguo.backups import values

FETCH = 2000
# Sessions are logins in progress, not records: a restored system starts with nobody signed in.
SKIPPED_TABLES = frozenset({"django_session", "django_migrations"})
# What `migrate` itself writes into a new database; restore replaces these rows with the backup's.
SEEDED_BY_MIGRATE = frozenset(
    {
        "django_content_type",
        "auth_permission",
        "cases_holiday",
        "cases_timelimitrule",
        "households_category",
    }
)
VENDORS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Table:
    name: str
    model: type[models.Model]
    fields: tuple[models.Field[Any, Any], ...]

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.fields]

    @property
    def kinds(self) -> list[str]:
        return [values.column_kind(f) for f in self.fields]


def tables() -> list[Table]:
    """Every table of every installed model (many-to-many tables included), sorted by name."""
    found: dict[str, Table] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table in SKIPPED_TABLES:
            continue
        found[meta.db_table] = Table(meta.db_table, model, tuple(meta.local_concrete_fields))
    return [found[name] for name in sorted(found)]


def count(connection: BaseDatabaseWrapper, table: str) -> int:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {qn(table)}")  # noqa: S608
        return int(cursor.fetchone()[0])


def rows(connection: BaseDatabaseWrapper, table: Table) -> Iterator[bytes]:
    """The table's rows as canonical JSON lines (no newline), in primary-key order."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in table.columns)
    order = qn(table.model._meta.pk.column)
    sql = f"SELECT {cols} FROM {qn(table.name)} ORDER BY {order}"  # noqa: S608
    convert = values.Converter([values.reader(f) for f in table.fields])
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    # A server-side cursor on PostgreSQL: the driver holds FETCH rows, not the whole table.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(FETCH):
            for row in batch:
                yield dumps(convert(row)).encode()


_MODULUS = 1 << 256


@dataclass
class RowSum:
    """A table's row count and checksum: the sum, modulo 2²⁵⁶, of the SHA-256 of each canonical
    line. It does not depend on the order rows are read in (collations differ between the two
    databases), and one changed, missing or extra row changes it."""

    rows: int = 0
    total: int = 0
    _sha: Any = field(default=hashlib.sha256, repr=False)

    def add(self, line: bytes) -> None:
        self.rows += 1
        self.total = (self.total + int.from_bytes(self._sha(line).digest(), "big")) % _MODULUS

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "sha256": f"{self.total:064x}"}


def table_sum(connection: BaseDatabaseWrapper, table: Table) -> dict[str, Any]:
    total = RowSum()
    for line in rows(connection, table):
        total.add(line)
    return total.as_dict()


def table_checksums(using: str = "default") -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "sha256": …}} of the database `using` as it is now."""
    connection = connections[using]
    return {table.name: table_sum(connection, table) for table in tables()}


class Progress(Protocol):
    """What backup and restore report as they go (the commands print it)."""

    def table_started(self, name: str, rows: int) -> None: ...

    def advanced(self, rows: int) -> None: ...

    def table_done(self, name: str, rows: int, seconds: float) -> None: ...

    def step(self, message: str) -> None: ...


class Silent:
    def table_started(self, name: str, rows: int) -> None:
        pass

    def advanced(self, rows: int) -> None:
        pass

    def table_done(self, name: str, rows: int, seconds: float) -> None:
        pass

    def step(self, message: str) -> None:
        pass
