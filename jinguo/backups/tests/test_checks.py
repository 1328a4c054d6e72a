"""The deploy check: a site on PostgreSQL names the drill's scratch database."""

import pytest

from jinguo.backups import checks

POSTGRESQL, SQLITE = "django.db.backends.postgresql", "django.db.backends.sqlite3"


@pytest.fixture
def site_on(monkeypatch):
    def _on(engine: str) -> None:
        monkeypatch.setattr(checks, "_site_engine", lambda: engine)

    return _on


def test_a_postgresql_site_without_a_drill_database_is_warned(settings, site_on):
    site_on(POSTGRESQL)
    settings.JINGUO_DRILL_DATABASE_URL = ""
    assert [m.id for m in checks.check_drill_database(None)] == ["backups.W001"]


def test_a_drill_database_or_a_sqlite_site_passes(settings, site_on):
    site_on(POSTGRESQL)
    settings.JINGUO_DRILL_DATABASE_URL = "postgres://jinguo@127.0.0.1:5432/jinguo_drill"
    assert checks.check_drill_database(None) == []
    site_on(SQLITE)
    settings.JINGUO_DRILL_DATABASE_URL = ""
    assert checks.check_drill_database(None) == []
