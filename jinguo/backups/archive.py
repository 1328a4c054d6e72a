"""Whole-database backup and restore, proven by per-table row counts and checksums.

A backup is a .tar.gz holding `manifest.json`, one JSON-lines file per table (rows in primary-key
order, values exactly as stored: encrypted ID numbers and phones stay ciphertext, so a backup
never holds them in clear) and the uploaded files under `media/`. The manifest records, for
every table, its columns, row count and SHA-256 over its lines, the SHA-256 of every media file,
and the applied migrations.

Restore goes into a database migrated to the same migrations and holding no business data. In
one transaction it empties the tables that `migrate` filled (content types, permissions, default
categories), inserts every row, resets the sequences, then reads every table back and compares
counts and checksums with the manifest; any difference rolls the whole restore back.
"""

import base64
import datetime as dt
import decimal
import hashlib
import io
import json
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction

FORMAT = 1
CHUNK = 2000
# Sessions are logins in progress, not records: a restored system starts with nobody signed in.
SKIPPED_TABLES = frozenset({"django_session", "django_migrations"})


class BackupError(Exception):
    """A backup that cannot be restored here; the message is Chinese and says why."""


# --- values ------------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    """A stored value as JSON, tagged where JSON has no type for it, so it comes back as is."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, decimal.Decimal):
        return {"$d": str(value)}
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$t": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$td": value.total_seconds()}
    if isinstance(value, (bytes, memoryview)):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (dict, list)):  # PostgreSQL jsonb comes back parsed
        return {"$j": json.dumps(value, ensure_ascii=False, sort_keys=True)}
    raise TypeError(f"cannot back up a {type(value).__name__}")


_DECODERS: dict[str, Any] = {
    "$d": decimal.Decimal,
    "$dt": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$t": dt.time.fromisoformat,
    "$td": lambda s: dt.timedelta(seconds=s),
    "$b": base64.b64decode,
    "$j": str,  # the database parses the JSON text into its json column
}


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        ((tag, raw),) = value.items()
        return _DECODERS[tag](raw)
    return value


# --- tables ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[str]
    order_by: str
    model: type[models.Model]


def tables() -> list[Table]:
    """Every table of every installed model (many-to-many tables included), sorted by name."""
    found: dict[str, Table] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table in SKIPPED_TABLES:
            continue
        columns = [f.column for f in meta.local_concrete_fields]
        found[meta.db_table] = Table(meta.db_table, columns, meta.pk.column, model)
    return [found[name] for name in sorted(found)]


def _rows(table: Table) -> Iterator[str]:
    """The table's rows as canonical JSON lines, in primary-key order, read in chunks."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in table.columns)
    sql = f"SELECT {cols} FROM {qn(table.name)} ORDER BY {qn(table.order_by)}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(CHUNK):
            for row in batch:
                yield json.dumps([_encode(v) for v in row], ensure_ascii=False)


@dataclass
class TableSum:
    rows: int = 0
    digest: Any = field(default_factory=hashlib.sha256)

    def add(self, line: str) -> None:
        self.rows += 1
        self.digest.update(line.encode())
        self.digest.update(b"\n")

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "sha256": self.digest.hexdigest()}


def table_checksums() -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "sha256": …}} of the database as it is now."""
    sums: dict[str, dict[str, Any]] = {}
    for table in tables():
        total = TableSum()
        for line in _rows(table):
            total.add(line)
        sums[table.name] = total.as_dict()
    return sums


def _applied_migrations() -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [list(row) for row in cursor.fetchall()]


def _media_files() -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield path.relative_to(root).as_posix(), path


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- backup ------------------------------------------------------------------------------------


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(dt.datetime.now(tz=dt.UTC).timestamp())
    archive.addfile(info, io.BytesIO(content))


def backup(target: Path) -> dict[str, Any]:
    """Write the archive to `target`; the manifest. One repeatable-read snapshot on PostgreSQL,
    so rows written while it runs cannot leave it half old, half new."""
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "vendor": connection.vendor,
        "created_at": dt.datetime.now(tz=dt.UTC).isoformat(),
        "migrations": [],
        "tables": {},
        "media": {},
    }
    with transaction.atomic(), tarfile.open(target, "w:gz") as archive:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        manifest["migrations"] = _applied_migrations()
        for table in tables():
            total, buffer = TableSum(), io.BytesIO()
            for line in _rows(table):
                total.add(line)
                buffer.write(line.encode() + b"\n")
            _add_bytes(archive, f"tables/{table.name}.jsonl", buffer.getvalue())
            manifest["tables"][table.name] = {"columns": table.columns, **total.as_dict()}
        for name, path in _media_files():
            manifest["media"][name] = _sha256_file(path)
            archive.add(path, arcname=f"media/{name}")
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
    return manifest


# --- restore -----------------------------------------------------------------------------------


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile("manifest.json")
    except KeyError:
        raise BackupError("备份文件缺少 manifest.json，不是 Jinguo 的备份。") from None
    if member is None:
        raise BackupError("备份文件中的 manifest.json 无法读取。")
    manifest: dict[str, Any] = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不支持的备份格式：{manifest.get('format')}")
    return manifest


def _check_target(manifest: dict[str, Any]) -> None:
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"备份来自 {manifest['vendor']} 数据库，当前是 {connection.vendor}；"
            "请恢复到同类数据库。"
        )
    here = _applied_migrations()
    if here != manifest["migrations"]:
        missing = {tuple(m) for m in manifest["migrations"]} - {tuple(m) for m in here}
        extra = {tuple(m) for m in here} - {tuple(m) for m in manifest["migrations"]}
        raise BackupError(
            "数据库结构与备份不一致，请先迁移到与备份相同的版本。"
            f"缺少的迁移：{sorted(missing)[:5]}；多出的迁移：{sorted(extra)[:5]}"
        )
    known = {t.name for t in tables()}
    unknown = set(manifest["tables"]) - known
    if unknown:
        raise BackupError(f"备份中有本系统没有的数据表：{sorted(unknown)}")
    from jinguo.accounts.models import User
    from jinguo.audit.models import AuditEvent
    from jinguo.orgs.models import OrgUnit

    for model in (User, OrgUnit, AuditEvent):
        if model.objects.exists():
            raise BackupError(
                "目标数据库已有业务数据（账号、组织或审计日志），恢复只能在新建并完成迁移的"
                "空数据库上进行；未做任何修改。"
            )


def _insert(archive: tarfile.TarFile, table: Table, columns: list[str]) -> None:
    qn = connection.ops.quote_name
    member = archive.extractfile(f"tables/{table.name}.jsonl")
    if member is None:
        raise BackupError(f"备份缺少数据表 {table.name}")
    cols = ", ".join(qn(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {qn(table.name)} ({cols}) VALUES ({marks})"  # noqa: S608
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for raw in member:
            batch.append([_decode(v) for v in json.loads(raw)])
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), [t.model for t in tables()])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _restore_media(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    root = Path(settings.MEDIA_ROOT).resolve()
    for name, expected in manifest["media"].items():
        destination = (root / name).resolve()
        if root not in destination.parents:  # a crafted archive must not write outside media
            raise BackupError(f"备份中的文件路径不安全：{name}")
        member = archive.extractfile(f"media/{name}")
        if member is None:
            raise BackupError(f"备份缺少文件 {name}")
        content = member.read()
        if hashlib.sha256(content).hexdigest() != expected:
            raise BackupError(f"文件 {name} 的校验和与备份清单不符，备份已损坏。")
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(content)


def _compare(manifest: dict[str, Any]) -> None:
    restored = table_checksums()
    wrong = [
        name
        for name, expected in manifest["tables"].items()
        if restored.get(name) != {"rows": expected["rows"], "sha256": expected["sha256"]}
    ]
    if wrong:
        raise BackupError(f"恢复后以下数据表的行数或校验和与备份不符，已全部回滚：{wrong}")


def _open(source: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(source, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"无法打开备份文件：{exc}") from exc


def restore(source: Path) -> dict[str, Any]:
    """Restore the archive at `source` into this (empty, migrated) database; the manifest."""
    with _open(source) as archive:
        manifest = _read_manifest(archive)
        _check_target(manifest)
        by_name = {t.name: t for t in tables()}
        qn = connection.ops.quote_name
        with transaction.atomic():
            # Foreign keys are deferred to the commit on both databases, so the order of the
            # tables does not matter within this transaction.
            with connection.cursor() as cursor:
                for name in manifest["tables"]:
                    cursor.execute(f"DELETE FROM {qn(name)}")  # noqa: S608
            for name, entry in manifest["tables"].items():
                _insert(archive, by_name[name], entry["columns"])
            _reset_sequences()
            _compare(manifest)
            if connection.vendor == "sqlite":
                connection.check_constraints()
        _restore_media(archive, manifest)
    return manifest
