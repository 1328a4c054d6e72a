"""The demo part, built on the cast tree (load_demo wires it in at integration)."""

import datetime as dt

from django.utils import timezone

from jinguo.demo.trainings import TrainingsDemo
from jinguo.people.models import ExecutiveSeat, Person
from jinguo.trainings.models import Course, Session
from jinguo.trainings.selectors import training_coverage


def test_the_demo_builds_courses_with_realistic_coverage(tree, cast, people):
    for i in range(10):
        person = Person.objects.create(org=tree.songhe, name=f"执委{i}", gender="F")
        ExecutiveSeat.objects.create(
            person=person, org=tree.songhe, post="member", term_start=dt.date(2023, 1, 1)
        )
    Person.objects.create(org=tree.songhe, name="居民乙", gender="F")
    summary = TrainingsDemo({"helixi": tree.helixi, "宁国市": tree.ningguo}).build()
    assert summary.startswith("培训课程6门")
    assert Course.objects.filter(org=tree.helixi).count() == 3
    assert Session.objects.filter(status="planned").count() == 6
    today = timezone.localdate()
    coverage = training_coverage(
        user=cast.county_cadre, org=tree.ningguo, start=today.replace(month=1, day=1), end=today
    ).total
    assert coverage.person_times > 0 and coverage.sessions == 18
    assert 0 < coverage.executives_trained < coverage.executives
