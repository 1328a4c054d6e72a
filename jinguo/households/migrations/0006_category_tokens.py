"""Household ↔ category links store a keyed token instead of the category id (households.tokens):
add the token, fill it from the id, then drop the id and its index."""

from django.db import migrations, models

BATCH = 5_000


def category_token(category_id):
    # Frozen copy of households.tokens.category_token: the stored format.
    from jinguo.common import crypto

    return crypto.blind_index(f"household-category:{category_id}")


def fill_tokens(apps, schema_editor):
    link = apps.get_model("households", "HouseholdCategory")
    for category_id in link.objects.values_list("category_id", flat=True).distinct():
        link.objects.filter(category_id=category_id).update(token=category_token(category_id))


def fill_ids(apps, schema_editor):
    link = apps.get_model("households", "HouseholdCategory")
    for pk in apps.get_model("households", "Category").objects.values_list("pk", flat=True):
        link.objects.filter(token=category_token(pk)).update(category_id=pk)
    link.objects.filter(category__isnull=True).delete()  # tokens of no category: unreadable


def _history(apps, convert):
    change = apps.get_model("households", "HouseholdChange")
    rows = change.objects.filter(
        models.Q(old__has_key="categories") | models.Q(new__has_key="categories")
    )
    for row in rows.iterator(chunk_size=BATCH):
        for side in (row.old, row.new):
            if isinstance(side.get("categories"), list):
                side["categories"] = [convert(v) for v in side["categories"]]
        row.save(update_fields=["old", "new"])


def history_tokens(apps, schema_editor):
    # The history said 低保 by name (households.services) or by id (imports): now by token.
    categories = apps.get_model("households", "Category").objects.values_list("pk", "name")
    by_value = {}
    for pk, name in categories:
        by_value[name] = by_value[str(pk)] = category_token(pk)
    _history(apps, lambda v: by_value.get(str(v), v))


def history_names(apps, schema_editor):
    categories = apps.get_model("households", "Category").objects.values_list("pk", "name")
    by_token = {category_token(pk): name for pk, name in categories}
    _history(apps, lambda v: by_token.get(v, v))


class Migration(migrations.Migration):
    dependencies = [("households", "0005_category_sensitive")]

    operations = [
        migrations.RemoveField(model_name="household", name="categories"),
        migrations.AddField(
            model_name="householdcategory",
            name="token",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="householdcategory",
            name="category",
            field=models.ForeignKey(
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="households.category",
            ),
        ),
        migrations.RunPython(fill_tokens, fill_ids),
        migrations.RunPython(history_tokens, history_names),
        migrations.RemoveConstraint(model_name="householdcategory", name="household_category"),
        migrations.RemoveIndex(model_name="householdcategory", name="category_household"),
        migrations.RemoveField(model_name="householdcategory", name="category"),
        migrations.AlterField(
            model_name="householdcategory",
            name="household",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE,
                related_name="category_links",
                to="households.household",
            ),
        ),
        migrations.AddConstraint(
            model_name="householdcategory",
            constraint=models.UniqueConstraint(
                fields=("household", "token"), name="household_category"
            ),
        ),
        migrations.AddIndex(
            model_name="householdcategory",
            index=models.Index(fields=["token", "household"], name="category_household"),
        ),
    ]
