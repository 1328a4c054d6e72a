"""Set-based SQL for imports: executemany and chunked IN look-ups instead of one query per row.

Table and column names come from the models' _meta, so a renamed column cannot silently break
the SQL. Values are passed as parameters, adapted for the database the way Django would.
"""

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import Any

from django.db import connection, models

# SQLite allows 999 parameters in old builds; PostgreSQL takes long IN lists well, and fewer
# round trips matter more there.
IN_CHUNK = {"sqlite": 900}
IN_CHUNK_DEFAULT = 5000
PG_ANY_CHUNK = 20_000
EXECUTEMANY_BATCH = 5000


def chunks(values: Sequence[Any], size: int = 0) -> Iterator[Sequence[Any]]:
    size = size or IN_CHUNK.get(connection.vendor, IN_CHUNK_DEFAULT)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _raw_column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column  # noqa: S101 (a programming error)
    return field.column


def _column(model: type[models.Model], name: str) -> str:
    return connection.ops.quote_name(_raw_column(model, name))


@cache
def _insert_sql(
    model: type[models.Model], fields: tuple[str, ...]
) -> tuple[str, str, tuple[Any, ...]]:
    """The INSERT and the COPY for `fields`, and the values of the other columns: their model
    defaults, as an INSERT through the ORM would write them."""
    meta = model._meta
    extra: list[tuple[str, Any]] = []
    for field in meta.concrete_fields:
        if field.primary_key or field.name in fields:
            continue
        if field.has_default():
            extra.append((field.name, field.get_default()))
        elif not field.null:
            raise ValueError(f"{meta.label}.{field.name} needs a value in a bulk insert")
    names = [*fields, *(name for name, _value in extra)]
    columns = ", ".join(_column(model, name) for name in names)
    marks = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {table(model)} ({columns}) VALUES ({marks})"  # noqa: S608 (from _meta)
    copy = f"COPY {table(model)} ({columns}) FROM STDIN"
    return sql, copy, tuple(value for _name, value in extra)


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """INSERT every row (tuples in the order of `fields`); the number of rows.

    PostgreSQL gets COPY, several times faster than INSERTs even pipelined; SQLite's
    executemany is already a loop over one prepared statement in C."""
    sql, copy, defaults = _insert_sql(model, tuple(fields))
    if defaults:
        rows = ((*row, *defaults) for row in rows)
    if connection.vendor == "postgresql":
        return _copy(copy, rows)
    return _executemany(sql, rows)


def insert_keyed(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    key: str,
    keys: Sequence[Any],
) -> dict[Any, int]:
    """Insert rows and return {key value: new pk}; `keys` are the rows' values of the unique
    field `key`, in order. PostgreSQL takes the ids from the table's sequence first and writes
    them with COPY; SQLite reads them back by the unique key afterwards."""
    if not keys:
        return {}
    if connection.vendor != "postgresql":
        insert(model, fields, rows)
        return ids_by(model, key, keys)
    pk = model._meta.pk.name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, _raw_column(model, pk), len(keys)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    insert(model, (pk, *fields), ((i, *row) for i, row in zip(ids, rows, strict=True)))
    return dict(zip(keys, ids, strict=True))


def _copy(statement: str, rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def update(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """UPDATE rows by primary key: each row is (values in the order of `fields`…, pk)."""
    meta = model._meta
    quote = connection.ops.quote_name
    sets = ", ".join(f"{_column(model, f)} = %s" for f in fields)
    pk = _column(model, meta.pk.name)
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {pk} = %s"  # noqa: S608
    return _executemany(sql, rows)


def _executemany(sql: str, rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= EXECUTEMANY_BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[models.Model], field: str) -> str:
    return _column(model, field)


def select_in(sql: str, values: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    """Rows of `sql`, whose "{marks}" is the parameter list of an IN, run for chunks of
    `values`. Raw rows: dates may come back as text and booleans as 0/1 on SQLite."""
    wanted = sorted(set(values))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter: thousands of %s cost the driver more to parse than to run.
            statement = sql.replace("IN ({marks})", "= ANY(%s)")
            if statement == sql:
                raise ValueError('select_in needs "IN ({marks})" in its SQL')
            for chunk in chunks(wanted, PG_ANY_CHUNK):
                cursor.execute(statement, [list(chunk)])
                yield from cursor.fetchall()
            return
        for chunk in chunks(wanted):
            cursor.execute(sql.format(marks=", ".join(["%s"] * len(chunk))), list(chunk))
            yield from cursor.fetchall()


def ids_by(model: type[models.Model], field: str, values: Iterable[str]) -> dict[str, int]:
    """{value: pk} for the rows whose `field` is one of `values` (chunked IN queries)."""
    key, pk = _column(model, field), _column(model, model._meta.pk.name)
    # The condition repeats the one of a unique index partial on non-blank values
    # (Person.id_hash): SQLite uses such an index only when the query states its condition
    # verbatim, and would otherwise scan the whole table for every chunk.
    sql = (
        f"SELECT {key}, {pk} FROM {table(model)} "  # noqa: S608
        f"WHERE {key} IN ({{marks}}) AND NOT ({key} = '')"
    )
    return dict(select_in(sql, values))


def date_param(value: dt.date | None) -> Any:
    return connection.ops.adapt_datefield_value(value)


def datetime_param(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


# json.dumps(value, ensure_ascii=False, default=str), without building an encoder each call.
_JSON = json.JSONEncoder(ensure_ascii=False, default=str)


def json_param(value: object) -> str:
    return _JSON.encode(value)
