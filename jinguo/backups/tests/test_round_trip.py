"""Round trips on data made by the product itself: the full demo and generated town data come
back from their backup table for table, into the same kind of database and into the other kind
(SQLite ↔ PostgreSQL), and Django reads the same values on both sides."""

import io
import os
import shutil
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, connections

from jinguo.backups.archive import backup, restore, table_checksums
from jinguo.backups.scratch import scratch_database
from jinguo.demo.tests.test_demo_covers_every_table import EMPTY_TABLES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def seeded(default_categories) -> None:
    """What `migrate` writes (transactional tests empty every table when they end), and no
    note of an opened dashboard left in this process's cache by an earlier test's demo."""
    caches["default"].clear()
    from importlib import import_module

    import_module("jinguo.cases.migrations.0002_default_time_limits_and_holidays").create(
        apps, None
    )


def _flush() -> None:
    call_command("flush", interactive=False, verbosity=0)


def _other_kind_url() -> str:
    """A scratch database of the kind the tests are not running on."""
    if connection.vendor == "sqlite":
        server = os.environ.get("JINGUO_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
        return f"{server.rstrip('/')}/jinguo_scratch_{uuid.uuid4().hex[:8]}"
    return ""  # a SQLite file


def _orm_values(using: str) -> dict[str, list[dict]]:
    """Every model's rows as Django reads them (decrypted, converted), in key order."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table != "django_session":
            found[meta.db_table] = list(model._base_manager.using(using).order_by("pk").values())
    return found


def _round_trip(tmp_path: Path, media: Path) -> dict:
    before = table_checksums()
    files = {p.relative_to(media): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    path = tmp_path / "backup.jgbk"
    manifest = backup(path)
    _flush()
    shutil.rmtree(media, ignore_errors=True)
    restore(path)
    assert table_checksums() == before
    assert {p.relative_to(media): p.read_bytes() for p in media.rglob("*") if p.is_file()} == files
    return manifest


def test_the_full_demo_comes_back_from_its_backup_table_for_table(seeded, media, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    manifest = _round_trip(tmp_path, media)
    empty = {name for name, table in manifest["tables"].items() if not table["rows"]}
    assert empty == set(EMPTY_TABLES) - {"django_session"}  # every other model goes round
    assert manifest["media"]  # uploaded photos and attachments too


def test_generated_town_data_comes_back_from_its_backup(seeded, media, tmp_path):
    call_command("generate", scale="town", stdout=io.StringIO())
    _round_trip(tmp_path, media)


def test_the_demo_moves_to_the_other_kind_of_database_and_back(seeded, media, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    here_sums, here_values = table_checksums(), _orm_values("default")
    there_backup, back = tmp_path / "here.jgbk", tmp_path / "there.jgbk"
    backup(there_backup)
    with scratch_database(_other_kind_url()) as other:
        assert connections[other].vendor != connection.vendor
        restore(there_backup, using=other, media_root=tmp_path / "other-media")
        assert table_checksums(other) == here_sums
        assert _orm_values(other) == here_values
        backup(back, using=other)
    _flush()
    restore(back)
    assert table_checksums() == here_sums
    assert _orm_values("default") == here_values
