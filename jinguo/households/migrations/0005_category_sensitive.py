from django.db import migrations, models

# The default categories whose membership is sensitive personal information (issue 8): social
# assistance, disability and illness, children and pregnancy. 留守妇女, 独居老人, 流动人口 and
# 单亲母亲 stay visible.
SENSITIVE = [
    "dibao",
    "tekun",
    "disabled",
    "serious_illness",
    "children_in_difficulty",
    "left_behind_children",
    "pregnant",
]


def create(apps, schema_editor):
    """Named like 0003's function: the authorisation matrix test re-runs both after a flush."""
    Category = apps.get_model("households", "Category")
    Category.objects.filter(code__in=SENSITIVE).update(sensitive=True)


class Migration(migrations.Migration):
    dependencies = [("households", "0004_visit_plan")]

    operations = [
        migrations.AddField(
            model_name="category",
            name="sensitive",
            field=models.BooleanField(
                default=False,
                help_text="勾选后，除本网格执委外，台账、详情、接口和导出中均显示为“敏感类别”。",
                verbose_name="敏感类别",
            ),
        ),
        migrations.RunPython(create, migrations.RunPython.noop),
    ]
