from django.db import migrations, models


def mark_domestic_violence(apps, schema_editor):
    """Domestic violence is always sensitive: the cases reported before the flag existed too."""
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(kind="domestic_violence").update(sensitive=True)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_list_order_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="sensitive",
            field=models.BooleanField(db_default=False, default=False, verbose_name="敏感案件"),
        ),
        migrations.RunPython(mark_domestic_violence, migrations.RunPython.noop),
    ]
