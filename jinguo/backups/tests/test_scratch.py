"""A scratch database is migrated by itself, and `migrate` fills exactly the tables that restore
replaces (SEEDED_BY_MIGRATE): the migrations' data steps fill it, not the site's
own database (several use a default manager without `.using`, which ScratchRouter catches)."""

from pathlib import Path

import pytest

from jinguo.backups.scratch import scratch_database
from jinguo.backups.tables import SEEDED_BY_MIGRATE, count, tables
from jinguo.households.models import Category

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_scratch_database_gets_what_migrate_writes_and_the_site_does_not():
    from django.db import connections

    Category.objects.all().delete()
    with scratch_database() as alias:
        scratch = connections[alias]
        assert scratch.settings_dict["NAME"].endswith("scratch.sqlite3")
        filled = {t.name for t in tables() if count(scratch, t.name)}
        path = scratch.settings_dict["NAME"]
    assert filled == SEEDED_BY_MIGRATE
    assert not Category.objects.exists()
    assert not Path(path).exists()
