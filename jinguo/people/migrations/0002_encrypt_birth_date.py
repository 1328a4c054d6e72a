"""Birth dates are encrypted at rest (issue 8, common.fields.EncryptedDateField): add a text
column and fill it with the ciphertext of every stored date, in batches. 0003 drops the clear
column and gives the new one its name."""

from django.db import migrations, models

BATCH = 1_000


def seal(day):
    # Frozen copy of common.fields.encrypt_date: the stored format.
    from jinguo.common import crypto

    return crypto.encrypt(day.isoformat()) if day else None


def unseal(token):
    import datetime as dt

    from jinguo.common import crypto

    return dt.date.fromisoformat(crypto.decrypt(token)) if token else None


def _convert(rows, source, target, convert, fields):
    """Set `target` from `source` on every row of `rows`, BATCH rows a statement, walking the
    primary key (no cursor left open on the table being written, which SQLite dislikes)."""
    manager = rows.model._default_manager
    last = 0
    while batch := list(rows.filter(pk__gt=last).order_by("pk").only("pk", source)[:BATCH]):
        for row in batch:
            setattr(row, target, convert(getattr(row, source)))
        manager.bulk_update(batch, fields, batch_size=BATCH)
        last = batch[-1].pk


def encrypt_birth_dates(apps, schema_editor):
    person = apps.get_model("people", "Person")
    rows = person.objects.filter(birth_date__isnull=False, birth_date_token__isnull=True)
    _convert(rows, "birth_date", "birth_date_token", seal, ["birth_date_token"])


def decrypt_birth_dates(apps, schema_editor):
    person = apps.get_model("people", "Person")
    rows = person.objects.exclude(birth_date_token__isnull=True).exclude(birth_date_token="")
    _convert(rows, "birth_date_token", "birth_date", unseal, ["birth_date"])


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="birth_date_token",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.RunPython(encrypt_birth_dates, decrypt_birth_dates, elidable=False),
    ]
