"""The scratch database a restore drill restores into, and the router that keeps the drill's
`migrate` inside it.

A scratch database is registered as a temporary alias in django.db.connections, with the site's
database settings but another engine and name: a SQLite file in a temporary directory, or the
PostgreSQL database JINGUO_DRILL_DATABASE_URL names, dropped and created afresh through a
maintenance connection (to the server's `postgres` database) and dropped again afterwards. The
uploaded files of the archive go into that temporary directory too.

The data migrations (RunPython) query through the models' default managers, which would write
into the site's database while `migrate --database=<alias>` builds the scratch one: ScratchRouter
sends every query of this thread to the scratch alias while `routed_to(alias)` is active, and
says nothing (the default database) otherwise.
"""

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from django.conf import settings
from django.db import connections
from psycopg import sql

from jinguo.backups.archive import BackupError

_ROUTED: ContextVar[str | None] = ContextVar("jinguo_scratch_alias", default=None)


class ScratchRouter:
    """Every query of this thread to the scratch alias while routed_to() is active."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return _ROUTED.get()

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return _ROUTED.get()


@contextmanager
def routed_to(alias: str) -> Iterator[None]:
    token = _ROUTED.set(alias)
    try:
        yield
    finally:
        _ROUTED.reset(token)


@dataclass(frozen=True)
class Scratch:
    alias: str
    target: str  # BackupRun.Target: "sqlite" or "postgresql"
    media_root: Path


def scratch_target() -> str:
    """The kind of scratch database the drill would use now."""
    return "postgresql" if settings.JINGUO_DRILL_DATABASE_URL else "sqlite"


def _postgres_settings(base: dict[str, Any], url: str) -> dict[str, Any]:
    parsed: dict[str, Any] = dict(dj_database_url.parse(url))
    name = parsed.get("NAME") or ""
    if not name or name == base.get("NAME"):
        raise BackupError(
            "JINGUO_DRILL_DATABASE_URL 必须指定一个专用于恢复演练的数据库，不能是本站点自己的"
            "数据库（演练会删除并重建它）。"
        )
    return {**base, **parsed, "OPTIONS": parsed.get("OPTIONS") or {}}


def _maintenance(config: dict[str, Any]) -> "psycopg.Connection[Any]":
    return psycopg.connect(
        dbname="postgres",
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        autocommit=True,
    )


def _drop(config: dict[str, Any]) -> None:
    with _maintenance(config) as conn:
        name = sql.Identifier(config["NAME"])
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))


def _create(config: dict[str, Any]) -> None:
    _drop(config)
    with _maintenance(config) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


@contextmanager
def scratch_database() -> Iterator[Scratch]:
    """A fresh, empty scratch database registered under a temporary alias; afterwards its
    connection is closed, the alias removed, and the database and files deleted."""
    alias = f"jinguo_drill_{uuid.uuid4().hex[:12]}"
    url = settings.JINGUO_DRILL_DATABASE_URL
    base = {**connections.settings["default"], "CONN_MAX_AGE": 0}
    with tempfile.TemporaryDirectory(prefix="jinguo-drill-") as tmp:
        if url:
            config = _postgres_settings(base, url)
            _create(config)
        else:
            config = {
                **base,
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(Path(tmp) / "drill.sqlite3"),
                "USER": "",
                "PASSWORD": "",
                "HOST": "",
                "PORT": "",
                "OPTIONS": {},
            }
        connections.settings[alias] = config
        try:
            yield Scratch(alias, scratch_target(), Path(tmp) / "media")
        finally:
            try:
                connections[alias].close()
                del connections[alias]
            finally:
                del connections.settings[alias]
                if url:
                    _drop(config)
