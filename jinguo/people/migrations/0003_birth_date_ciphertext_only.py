"""The clear birth-date column goes; its ciphertext (filled by 0002) takes its name."""

from django.db import migrations

import jinguo.common.fields


class Migration(migrations.Migration):
    dependencies = [("people", "0002_encrypt_birth_date")]

    operations = [
        migrations.RemoveField(model_name="person", name="birth_date"),
        migrations.RenameField(
            model_name="person", old_name="birth_date_token", new_name="birth_date"
        ),
        migrations.AlterField(
            model_name="person",
            name="birth_date",
            field=jinguo.common.fields.EncryptedDateField(
                blank=True, null=True, verbose_name="出生日期"
            ),
        ),
    ]
