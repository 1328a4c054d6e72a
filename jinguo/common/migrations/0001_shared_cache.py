from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    """The cache shared by every web worker (settings.CACHES["shared"]): rate limits and
    throttles that must hold across workers and restarts."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS jinguo_shared_cache")


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_dashboard_opened")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
