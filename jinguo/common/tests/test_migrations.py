from io import StringIO

from django.core.management import call_command


def test_models_and_migrations_agree(db):
    # Fails when a model change has no migration, or when a migration is not deterministic.
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
