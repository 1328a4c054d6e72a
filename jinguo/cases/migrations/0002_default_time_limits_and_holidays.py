"""Default time limits and the 2026 public-holiday calendar (国务院办公厅 2026 年部分节假日安排).

Both are data: the system administrator retunes them in the admin.
"""

import datetime as dt

from django.db import migrations

DISPUTES = ("dispute_marriage", "dispute_emotional", "dispute_neighbour", "dispute_support")

# (kind, level or None for any level, working days)
RULES = [
    *((kind, None, 10) for kind in DISPUTES),
    *((kind, 3, 15) for kind in DISPUTES),  # escalated to the township
    *((kind, 2, 20) for kind in DISPUTES),  # and to the county
    *((kind, 1, 20) for kind in DISPUTES),
    ("domestic_violence", None, 1),
    ("request", None, 15),
    ("rights_visit", None, 5),
]

# (first day, last day, name) of days off; (day, name) of make-up working days (调休上班).
DAYS_OFF_2026 = [
    ("2026-01-01", "2026-01-03", "元旦"),
    ("2026-02-15", "2026-02-23", "春节"),
    ("2026-04-04", "2026-04-06", "清明节"),
    ("2026-05-01", "2026-05-05", "劳动节"),
    ("2026-06-19", "2026-06-21", "端午节"),
    ("2026-09-25", "2026-09-27", "中秋节"),
    ("2026-10-01", "2026-10-07", "国庆节"),
]
WORKDAYS_2026 = [
    ("2026-01-04", "元旦调休"),
    ("2026-02-14", "春节调休"),
    ("2026-02-28", "春节调休"),
    ("2026-05-09", "劳动节调休"),
    ("2026-09-20", "国庆节调休"),
    ("2026-10-10", "国庆节调休"),
]


def holiday_rows():
    for first, last, name in DAYS_OFF_2026:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            yield day, False, name
            day += dt.timedelta(days=1)
    for day, name in WORKDAYS_2026:
        yield dt.date.fromisoformat(day), True, name


def create(apps, schema_editor):
    TimeLimitRule = apps.get_model("cases", "TimeLimitRule")
    Holiday = apps.get_model("cases", "Holiday")
    for kind, level, days in RULES:
        TimeLimitRule.objects.get_or_create(kind=kind, level=level, defaults={"working_days": days})
    for day, is_workday, name in holiday_rows():
        Holiday.objects.get_or_create(date=day, defaults={"is_workday": is_workday, "name": name})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
