"""Person history kept birth dates in clear: encrypt them as people.services now writes them.
(Audit rows are append-only and age out under the retention period; they are left alone.)"""

from django.db import migrations, models

BATCH = 1_000


def _seal(value):
    from jinguo.common import crypto

    if isinstance(value, str) and value and not value.startswith(crypto.PREFIX):
        return crypto.encrypt(value)
    return value


def _unseal(value):
    from jinguo.common import crypto

    if isinstance(value, str) and value.startswith(crypto.PREFIX):
        return crypto.decrypt(value)
    return value


def _convert(apps, convert):
    change = apps.get_model("people", "PersonChange")
    named = models.Q(old__has_key="birth_date") | models.Q(new__has_key="birth_date")
    last = 0
    while batch := list(change.objects.filter(named, pk__gt=last).order_by("pk")[:BATCH]):
        for row in batch:
            for side in (row.old, row.new):
                if "birth_date" in side:
                    side["birth_date"] = convert(side["birth_date"])
        change.objects.bulk_update(batch, ["old", "new"], batch_size=BATCH)
        last = batch[-1].pk


def seal_history(apps, schema_editor):
    _convert(apps, _seal)


def unseal_history(apps, schema_editor):
    _convert(apps, _unseal)


class Migration(migrations.Migration):
    dependencies = [("people", "0003_birth_date_ciphertext_only")]

    operations = [migrations.RunPython(seal_history, unseal_history)]
