"""A new database for a while: migrated, empty, under a temporary connection alias, and gone
afterwards. The weekly restore drill restores the newest backup into one; the tests restore a
backup of one database kind into the other through one.

Without a URL it is a SQLite file in a temporary folder. A PostgreSQL URL names the scratch
database itself: it is dropped if it exists, created, and dropped again at the end, through a
connection to the server's `postgres` database (the URL's user needs CREATEDB)."""

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from django.core.management import call_command
from django.db import connections
from django.db.utils import load_backend
from psycopg import sql

from jinguo.backups.errors import BackupError

_migrating: ContextVar[str | None] = ContextVar("jinguo_scratch_migrating", default=None)


class ScratchRouter:
    """While a scratch database is migrated in this thread, the migrations' data steps read and
    write it: several of them use a model's default manager without `.using(alias)`, which
    would otherwise reach the site's own database (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return _migrating.get()

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return _migrating.get()


def _local_connections() -> Any:
    """This thread's open connections by alias (Django keeps them in an asgiref Local)."""
    return connections._connections  # type: ignore[attr-defined]


def _maintenance(settings: dict[str, Any]) -> psycopg.Connection[Any]:
    return psycopg.connect(
        dbname="postgres",
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        autocommit=True,
    )


def _postgres(settings: dict[str, Any], *, create: bool) -> None:
    name = sql.Identifier(settings["NAME"])
    try:
        with _maintenance(settings) as maintenance:
            maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            if create:
                maintenance.execute(sql.SQL("CREATE DATABASE {}").format(name))
    except psycopg.Error as exc:
        raise BackupError(f"无法准备临时数据库 {settings['NAME']}：{exc}") from exc


@contextmanager
def scratch_database(url: str = "") -> Iterator[str]:
    """The alias of a new, migrated database; dropped on leaving."""
    folder = Path(tempfile.mkdtemp(prefix="jinguo-scratch-"))
    parsed: dict[str, Any] = dict(
        dj_database_url.parse(url or f"sqlite:///{folder / 'scratch.sqlite3'}")
    )
    if parsed["ENGINE"] not in (
        "django.db.backends.sqlite3",
        "django.db.backends.postgresql",
    ):
        shutil.rmtree(folder, ignore_errors=True)
        raise BackupError(f"临时数据库只能是 SQLite 或 PostgreSQL：{parsed['ENGINE']}")
    alias = f"scratch_{uuid.uuid4().hex[:8]}"
    postgres = parsed["ENGINE"] == "django.db.backends.postgresql"
    site = connections.settings["default"]
    if postgres and (parsed.get("NAME"), parsed.get("HOST") or "") == (
        site.get("NAME"),
        site.get("HOST") or "",
    ):
        shutil.rmtree(folder, ignore_errors=True)
        raise BackupError(
            "临时数据库不能是本站点自己的数据库（它会被删除并重建）：请为恢复演练指定一个专用的"
            f"数据库，现为 {parsed.get('NAME')}。"
        )
    settings = {**connections.settings["default"], "OPTIONS": {}, "TEST": {}, **parsed}
    settings["CONN_MAX_AGE"] = 0
    try:
        if postgres:
            _postgres(settings, create=True)
        # Only in this thread's connections, not in the configured ones: the alias is not a
        # database of the site, and Django's test isolation lets such a connection be.
        wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias)
        setattr(_local_connections(), alias, wrapper)
        token = _migrating.set(alias)
        try:
            call_command("migrate", database=alias, verbosity=0, interactive=False)
        finally:
            _migrating.reset(token)
        yield alias
    finally:
        if hasattr(_local_connections(), alias):
            connections[alias].close()
            delattr(_local_connections(), alias)
        if postgres:
            _postgres(settings, create=False)
        shutil.rmtree(folder, ignore_errors=True)
