from django.db import migrations

# (code, name, visit interval in days): the categories the seeds' ledgers keep.
DEFAULTS = [
    ("dibao", "低保", 30),
    ("tekun", "特困", 30),
    ("disabled", "残疾", 30),
    ("serious_illness", "大病", 30),
    ("children_in_difficulty", "困境儿童", 14),
    ("left_behind_children", "留守儿童", 30),
    ("left_behind_women", "留守妇女", 30),
    ("elderly_alone", "独居老人", 7),
    ("floating", "流动人口", 90),
    ("single_mother", "单亲母亲", 30),
    ("pregnant", "孕产妇", 14),
]


def create(apps, schema_editor):
    Category = apps.get_model("households", "Category")
    for order, (code, name, days) in enumerate(DEFAULTS, start=1):
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "visit_interval_days": days, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("households", "0002_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
