"""Staff phones are encrypted at rest like residents' (issue 20, item 15): a text column filled
with the ciphertext of every stored number, the clear column dropped, the new one renamed.
Reversible: going back decrypts into a plain column again."""

import jinguo.common.fields
from django.db import migrations, models

BATCH = 1_000


def seal(value):
    # Frozen copy of common.fields.EncryptedCharField.get_prep_value: the stored format.
    from jinguo.common import crypto

    return crypto.encrypt(value) if value else ""


def unseal(token):
    from jinguo.common import crypto

    return crypto.decrypt(token) if token else ""


def _convert(rows, source, target, convert):
    """Set `target` from `source` on every row, BATCH rows a statement, walking the key."""
    manager = rows.model._default_manager
    last = 0
    while batch := list(rows.filter(pk__gt=last).order_by("pk").only("pk", source)[:BATCH]):
        for row in batch:
            setattr(row, target, convert(getattr(row, source)))
        manager.bulk_update(batch, [target], batch_size=BATCH)
        last = batch[-1].pk


def encrypt_phones(apps, schema_editor):
    user = apps.get_model("accounts", "User")
    _convert(user.objects.exclude(phone=""), "phone", "phone_token", seal)


def decrypt_phones(apps, schema_editor):
    user = apps.get_model("accounts", "User")
    _convert(user.objects.exclude(phone_token=""), "phone_token", "phone", unseal)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_approval_and_password_history")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="phone_token",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(encrypt_phones, decrypt_phones, elidable=False),
        migrations.RemoveField(model_name="user", name="phone"),
        migrations.RenameField(model_name="user", old_name="phone_token", new_name="phone"),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=jinguo.common.fields.EncryptedCharField(
                blank=True, default="", verbose_name="手机号"
            ),
        ),
    ]
