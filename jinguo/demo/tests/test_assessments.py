import datetime as dt

from jinguo.assessments.models import AllowanceStatement, Appeal, AssessmentRound
from jinguo.assessments.tests.conftest import seat
from jinguo.demo.assessments import AssessmentsDemo, last_quarter


def test_last_quarter():
    assert last_quarter(dt.date(2026, 11, 23)) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert last_quarter(dt.date(2026, 2, 1)) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))


def test_demo_builds_a_published_round_with_an_appeal_and_a_statement(tree, cast, people):
    seat(people.wushan_exec, tree.songhe)
    seat(people.chengjiawan_exec, tree.songhe)
    demo = AssessmentsDemo(
        {"宁国市": tree.ningguo, "songhe": tree.songhe},
        users={
            "ningguo": cast.county_cadre,
            "songhe": cast.songhe_chair,
            "wushan": cast.wushan_member,
        },
    )
    summary = demo.build()
    assert summary.startswith("考核2人（申诉1件）")
    assert AssessmentRound.objects.get().status == "published"
    assert Appeal.objects.get().status == "pending"
    assert AllowanceStatement.objects.get().lines.count() == 2


def test_the_songhe_demo_statement_pays_900_to_the_six_executives_outside_the_two_committees(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", villages=3, stdout=StringIO())
    statement = AllowanceStatement.objects.get(org__name="嵩合社区")
    lines = list(statement.lines.select_related("person"))
    assert len(lines) == 9
    paid = {line.person.name for line in lines if line.annual_share == 900}
    unpaid = [line for line in lines if line.person.name not in paid]
    assert len(paid) == 6
    assert {line.annual_share for line in unpaid} == {0}
    assert all(
        line.person.concurrent_posts.filter(kind="two_committees").exists() for line in unpaid
    )
