"""Whole-database backup and restore, on SQLite or PostgreSQL and from either to either, proven
by each table's row count and a checksum over its values.

A backup is one file, encrypted under the backup key (jinguo.backups.sealed), holding a gzipped
tar stream:

- `header.json`: format, database vendor, time, the applied migrations, and for every table its
  columns, their kinds (jinguo.backups.values) and row count;
- `tables/<table>/<part>.jsonl`: the rows in canonical form, one JSON array per line, in parts
  of a few megabytes, so neither backup nor restore holds a table in memory;
- `media/<path>`: the uploaded files as stored (already encrypted under the field key);
- `manifest.json`: every table's count and checksum (jinguo.backups.tables.RowSum) and the
  SHA-256 of every file.

Values are written in their canonical form, never one driver's: ID numbers, phones and birth
dates stay ciphertext under the field key. Restore goes into a database migrated to the same
migrations and holding nothing but what `migrate` writes. In one transaction it replaces those
rows, inserts every row (COPY on PostgreSQL), resets the sequences, reads every table back and
compares counts and checksums with the manifest; any difference, or an archive that fails to
open, rolls everything back. Uploaded files are staged and moved into place only after the
commit.
"""

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import time
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from jinguo.backups import sealed, values
from jinguo.backups.errors import BackupError
from jinguo.backups.tables import (
    SEEDED_BY_MIGRATE,
    VENDORS,
    Progress,
    RowSum,
    Silent,
    Table,
    count,
    rows,
    table_checksums,
    table_sum,
    tables,
)

__all__ = ["FORMAT", "BackupError", "backup", "restore", "table_checksums"]

FORMAT = 2
PART_BYTES = 4 << 20
GZIP_LEVEL = 1  # a third of level 6's time for about a fifth more bytes
INSERT_BATCH = 2000


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in VENDORS:
        raise BackupError(f"不支持的数据库：{connection.vendor}（只支持 SQLite 和 PostgreSQL）。")
    return str(connection.vendor)


def _applied_migrations(connection: BaseDatabaseWrapper) -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [list(row) for row in cursor.fetchall()]


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield path.relative_to(root).as_posix(), path


class _Hashing:
    """A file read once: tarfile copies its bytes into the archive and the SHA-256 is taken of
    exactly those bytes on the way."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


# --- backup ------------------------------------------------------------------------------------


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(time.time())
    archive.addfile(info, io.BytesIO(content))


def _add_table(
    archive: tarfile.TarFile, connection: BaseDatabaseWrapper, table: Table, progress: Progress
) -> dict[str, Any]:
    total, part, buffer = RowSum(), 0, bytearray()

    def flush() -> None:
        nonlocal part, buffer
        _add_bytes(archive, f"tables/{table.name}/{part:05d}.jsonl", bytes(buffer))
        part, buffer = part + 1, bytearray()

    for line in rows(connection, table):
        total.add(line)
        buffer += line + b"\n"
        if len(buffer) >= PART_BYTES:
            flush()
            progress.advanced(total.rows)
    if buffer or part == 0:
        flush()
    return total.as_dict()


def _write_archive(
    out: IO[bytes], connection: BaseDatabaseWrapper, progress: Progress
) -> dict[str, Any]:
    header: dict[str, Any] = {
        "format": FORMAT,
        "vendor": _vendor(connection),
        "created_at": dt.datetime.now(tz=dt.UTC).isoformat(),
        "migrations": _applied_migrations(connection),
        "tables": {
            t.name: {"columns": t.columns, "kinds": t.kinds, "rows": count(connection, t.name)}
            for t in tables()
        },
    }
    manifest: dict[str, Any] = {**header, "tables": {}, "media": {}}
    with (
        sealed.SealedWriter(out) as sealed_out,
        gzip.GzipFile(fileobj=sealed_out, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) as zipped,
        tarfile.open(fileobj=zipped, mode="w|", format=tarfile.PAX_FORMAT) as archive,
    ):
        _add_bytes(archive, "header.json", json.dumps(header, ensure_ascii=False).encode())
        for table in tables():
            started = time.monotonic()
            progress.table_started(table.name, header["tables"][table.name]["rows"])
            sums = _add_table(archive, connection, table, progress)
            manifest["tables"][table.name] = {"columns": table.columns, **sums}
            progress.table_done(table.name, sums["rows"], time.monotonic() - started)
        for name, path in _media_files(Path(settings.MEDIA_ROOT)):
            info = archive.gettarinfo(str(path), arcname=f"media/{name}")
            with path.open("rb") as handle:
                hashing = _Hashing(handle)
                archive.addfile(info, hashing)
            manifest["media"][name] = hashing.digest.hexdigest()
        _add_bytes(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False).encode())
    return manifest


def backup(
    target: Path, *, using: str = "default", progress: Progress | None = None
) -> dict[str, Any]:
    """Write the encrypted archive to `target` (mode 0600, through a temporary name beside it,
    renamed when complete: only a complete archive bears the name); the manifest. One
    repeatable-read snapshot on PostgreSQL and one read transaction on SQLite, so rows written
    meanwhile cannot leave it half old, half new."""
    connection = connections[using]
    progress = progress or Silent()
    sealed.current_key()  # refuse before writing anything when there is no backup key
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    outermost = not connection.in_atomic_block  # inside a caller's transaction: its snapshot
    try:
        # Readable by the site's user only, from its first byte (it is encrypted, even so).
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with transaction.atomic(using=using), os.fdopen(descriptor, "wb") as out:
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            manifest = _write_archive(out, connection, progress)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


# --- restore -----------------------------------------------------------------------------------


def _member_json(archive: tarfile.TarFile, member: tarfile.TarInfo | None, name: str) -> Any:
    if member is None or member.name != name:
        raise BackupError(f"备份文件缺少 {name}，不是完整的 Jinguo 备份；未做任何恢复。")
    handle = archive.extractfile(member)
    if handle is None:
        raise BackupError(f"备份文件中的 {name} 无法读取。")
    return json.loads(handle.read())


def _check_header(header: dict[str, Any], connection: BaseDatabaseWrapper) -> None:
    if header.get("format") != FORMAT:
        raise BackupError(f"不支持的备份格式：{header.get('format')}（本系统读取格式 {FORMAT}）。")
    here = _applied_migrations(connection)
    if here != header["migrations"]:
        theirs = {tuple(m) for m in header["migrations"]}
        ours = {tuple(m) for m in here}
        raise BackupError(
            "数据库结构与备份不一致，请先迁移到与备份相同的版本；未做任何恢复。"
            f"缺少的迁移：{sorted(theirs - ours)[:5]}；多出的迁移：{sorted(ours - theirs)[:5]}"
        )
    known = {t.name: t for t in tables()}  # every table, sorted by name
    if set(header["tables"]) != set(known):
        unknown = sorted(set(header["tables"]) - set(known))
        missing = sorted(set(known) - set(header["tables"]))
        raise BackupError(f"备份与本系统的数据表不一致：多出 {unknown}，缺少 {missing}。")
    for name, entry in header["tables"].items():
        if entry["columns"] != known[name].columns:
            raise BackupError(f"数据表 {name} 的列与备份不一致；未做任何恢复。")
    busy = [
        f"{name}（{n} 行）"
        for name in known
        if name not in SEEDED_BY_MIGRATE and (n := count(connection, name))
    ]
    if busy:
        raise BackupError(
            "目标数据库已有数据，恢复只能在新建并完成迁移的空数据库上进行；未做任何修改。"
            f"有数据的表：{'、'.join(busy[:5])}{' 等' if len(busy) > 5 else ''}"
        )


class _Inserter:
    """Writes one table's canonical lines into `connection`: COPY on PostgreSQL, executemany
    of INSERT on SQLite; keeps the count and checksum of the lines it was given."""

    def __init__(self, connection: BaseDatabaseWrapper, table: Table) -> None:
        self.connection, self.table = connection, table
        self.convert = values.Converter([values.writer(f, connection) for f in table.fields])
        self.sums = RowSum()
        qn = connection.ops.quote_name
        self.columns = ", ".join(qn(c) for c in table.columns)
        self.target = qn(table.name)

    def _parsed(self, lines: Iterator[bytes]) -> Iterator[list[Any]]:
        for raw in lines:
            line = raw.rstrip(b"\n")
            if not line:
                continue
            self.sums.add(line)
            row = json.loads(line)
            yield self.convert(row)

    def write(self, lines: Iterator[bytes]) -> None:
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                copy_sql = f"COPY {self.target} ({self.columns}) FROM STDIN"
                with cursor.cursor.copy(copy_sql) as copy:
                    for row in self._parsed(lines):
                        copy.write_row(row)
                return
            marks = ", ".join(["%s"] * len(self.table.columns))
            sql = f"INSERT INTO {self.target} ({self.columns}) VALUES ({marks})"  # noqa: S608
            batch: list[list[Any]] = []
            for row in self._parsed(lines):
                batch.append(row)
                if len(batch) >= INSERT_BATCH:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)


@contextmanager
def _opened(source: Path) -> Iterator[tuple[tarfile.TarFile, gzip.GzipFile]]:
    try:
        raw = source.open("rb")
    except OSError as exc:
        raise BackupError(f"无法打开备份文件：{exc}") from exc
    with raw:
        head = raw.read(len(sealed.MAGIC))
        raw.seek(0)
        if head[:2] == b"\x1f\x8b":
            raise BackupError(
                "这是旧格式（未加密的 .tar.gz）的备份，本版本不能恢复；未做任何恢复。"
            )
        reader = io.BufferedReader(sealed.SealedReader(raw), sealed.PIECE)
        try:
            with (
                gzip.GzipFile(fileobj=reader, mode="rb") as zipped,
                tarfile.open(fileobj=zipped, mode="r|") as archive,
            ):
                yield archive, zipped
        except (tarfile.TarError, zlib.error, EOFError, gzip.BadGzipFile, UnicodeError) as exc:
            raise BackupError(f"备份文件内容无法读取（{exc}）；未做任何恢复。") from exc
        except json.JSONDecodeError as exc:
            raise BackupError(f"备份文件中的数据无法解析（{exc}）；未做任何恢复。") from exc


def _stage_media(handle: IO[bytes], staging: Path, name: str) -> str:
    destination = (staging / name).resolve()
    if staging.resolve() not in destination.parents:  # a crafted name must not leave staging
        raise BackupError(f"备份中的文件路径不安全：{name}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with destination.open("wb") as out:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _compare(
    manifest: dict[str, Any], read: dict[str, RowSum], staged: dict[str, str], restored: Any
) -> None:
    from_archive = [n for n, e in manifest["tables"].items() if read[n].as_dict() != _sums(e)]
    if from_archive:
        raise BackupError(f"备份中以下数据表的内容与清单不符，备份已损坏：{from_archive}")
    if staged != manifest["media"]:
        raise BackupError("备份中的上传文件与清单不符（缺少或校验和不同），备份已损坏。")
    wrong = [n for n, e in manifest["tables"].items() if restored(n) != _sums(e)]
    if wrong:
        raise BackupError(f"恢复后以下数据表的行数或校验和与备份不符，已全部回滚：{wrong}")


def _sums(entry: dict[str, Any]) -> dict[str, Any]:
    return {"rows": entry["rows"], "sha256": entry["sha256"]}


class _Restoring:
    """Takes the archive's members in order: table parts into their tables, files into staging;
    reports progress table by table."""

    def __init__(
        self,
        header: dict[str, Any],
        connection: BaseDatabaseWrapper,
        staging: Path,
        progress: Progress,
    ) -> None:
        self.header, self.staging, self.progress = header, staging, progress
        self.by_name = {t.name: t for t in tables()}
        self.inserters = {
            name: _Inserter(connection, self.by_name[name]) for name in header["tables"]
        }
        self.staged: dict[str, str] = {}
        self.current, self.started = "", time.monotonic()

    def take(self, archive: tarfile.TarFile, member: tarfile.TarInfo) -> None:
        handle = archive.extractfile(member)
        if handle is None:
            raise BackupError(f"备份中的 {member.name} 无法读取。")
        kind, _, rest = member.name.partition("/")
        name = rest.split("/")[0]
        if kind == "tables" and name in self.inserters:
            if name != self.current:
                self.table_done()
                self.current, self.started = name, time.monotonic()
                self.progress.table_started(name, self.header["tables"][name]["rows"])
            self.inserters[name].write(iter(handle))
            self.progress.advanced(self.inserters[name].sums.rows)
        elif kind == "media":
            self.staged[rest] = _stage_media(handle, self.staging, rest)
        else:
            raise BackupError(f"备份中有无法识别的内容：{member.name}")

    def table_done(self) -> None:
        if self.current:
            rows_read = self.inserters[self.current].sums.rows
            self.progress.table_done(self.current, rows_read, time.monotonic() - self.started)

    def read(self) -> dict[str, RowSum]:
        return {name: inserter.sums for name, inserter in self.inserters.items()}


_FOREIGN_KEYS = """
    SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
    FROM pg_constraint
    WHERE contype = 'f' AND connamespace = current_schema()::regnamespace
    ORDER BY 1, 2
"""


def _drop_foreign_keys(connection: BaseDatabaseWrapper) -> list[tuple[str, str, str]]:
    """PostgreSQL: the foreign keys of this schema, dropped inside the restore's transaction
    and added back once the rows are in (_add_foreign_keys), as pg_restore does: each is then
    checked in one pass over its table instead of once per row at the commit. A rollback
    brings them back untouched."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(_FOREIGN_KEYS)
        keys = [(str(t), str(n), str(d)) for t, n, d in cursor.fetchall()]
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    return keys


def _add_foreign_keys(connection: BaseDatabaseWrapper, keys: list[tuple[str, str, str]]) -> None:
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            quoted = connection.ops.quote_name(name)
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quoted} {definition}")


def _restore_rows(
    archive: tarfile.TarFile,
    rest_of_file: gzip.GzipFile,
    connection: BaseDatabaseWrapper,
    staging: Path,
    progress: Progress,
) -> dict[str, Any]:
    members = iter(archive)
    header = _member_json(archive, next(members, None), "header.json")
    _check_header(header, connection)
    restoring = _Restoring(header, connection, staging, progress)
    foreign_keys = _drop_foreign_keys(connection)
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name in sorted(SEEDED_BY_MIGRATE & set(restoring.by_name)):
            cursor.execute(f"DELETE FROM {qn(name)}")  # noqa: S608
    manifest = None
    for member in members:
        if member.name == "manifest.json":
            manifest = _member_json(archive, member, "manifest.json")
            break
        restoring.take(archive, member)
    if manifest is None:
        raise BackupError("备份文件缺少 manifest.json（结尾缺失），不是完整的备份；未做任何恢复。")
    restoring.table_done()
    if next(members, None) is not None:
        raise BackupError("备份文件在清单之后还有内容，已被改动；未做任何恢复。")
    # Read to the very end: the gzip checksum and the sealed last piece prove the file whole.
    while rest_of_file.read(1 << 20):
        pass
    progress.step("正在检查外键、重置序列并逐表核对……")
    _add_foreign_keys(connection, foreign_keys)
    models_ = [t.model for t in restoring.by_name.values()]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(sql)
    by_name = restoring.by_name
    _compare(
        manifest, restoring.read(), restoring.staged, lambda n: table_sum(connection, by_name[n])
    )
    if connection.vendor == "sqlite":
        connection.check_constraints()
    return manifest


def _move_media(staging: Path, root: Path) -> None:
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            destination = root / path.relative_to(staging)
            destination.parent.mkdir(parents=True, exist_ok=True)
            path.replace(destination)


def restore(
    source: Path,
    *,
    using: str = "default",
    media_root: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Restore the archive at `source` into the (migrated, empty) database `using` and the
    uploaded files under `media_root` (MEDIA_ROOT); the manifest. BackupError (Chinese) leaves
    the database and the files as they were."""
    connection = connections[using]
    _vendor(connection)
    progress = progress or Silent()
    root = Path(media_root or settings.MEDIA_ROOT)
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = root.parent / f".restore-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        with _opened(source) as (archive, rest_of_file):
            try:
                with transaction.atomic(using=using):
                    manifest = _restore_rows(archive, rest_of_file, connection, staging, progress)
            except DatabaseError as exc:  # a constraint checked at the commit included
                raise BackupError(f"写入数据库时出错，已全部回滚：{exc}") from exc
        _move_media(staging, root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest
