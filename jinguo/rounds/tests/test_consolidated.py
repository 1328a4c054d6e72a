"""The consolidated report's figures: the township's own are the sum of its units' answers when
every unit answers, and the table of the units' answers is printed only where it informs (no
column of zeros, at least two units), «*» marking what the records now give differently."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jinguo.activities import services as activity_services
from jinguo.cases.models import Case
from jinguo.cases.tests.factories import closed
from jinguo.households.tests.factories import household
from jinguo.meetings.tests.factories import held
from jinguo.orgs.models import OrgUnit
from jinguo.rounds import services
from jinguo.rounds.consolidated import (
    WORK_COLUMNS,
    answers_table,
    consolidated_report,
    latest_answers,
)
from jinguo.rounds.filling import live_figures_for
from jinguo.rounds.models import Round
from jinguo.trainings import services as training_services
from jinguo.visits.models import Visit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
# Counts of records in the period: a unit's value is the sum over its subtree.
ADDITIVE = (*WORK_COLUMNS, "activities.person_times")


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0  # each test sees its own writes at once


def _round(cast, tree) -> Round:
    return services.round_create(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="2026年工作总结报送",
        kind=Round.Kind.WORK_REPORT,
        start=TODAY.replace(month=1, day=1),
        end=TODAY,
        deadline=TODAY + dt.timedelta(days=7),
        targets=[tree.songhe, tree.gangkou],
    )


def _answer(cast, round_, org):
    chair = cast.songhe_chair if org.name == "嵩合社区" else cast.gangkou_chair
    target = round_.targets.get(org=org)
    return services.target_submit(actor=chair, target=target, texts={}, answers=[])


def _records(cast, tree, people) -> None:
    """At 嵩合社区: 2 visits, 1 case, 1 meeting, 1 activity (8 people), 1 training session;
    at 港口村: 1 visit, 1 case, 1 meeting, 2 activities (5 each), 1 training session."""
    for unit, grid, chair, person, visits, activities in (
        (tree.songhe, tree.wushan, cast.songhe_chair, people.wushan_exec, 2, [8]),
        (tree.gangkou, tree.gangkou_grid, cast.gangkou_chair, people.gangkou_exec, 1, [5, 5]),
    ):
        for i in range(visits):
            h = household(grid, f"{unit.code}-{i}")
            Visit.objects.create(
                household=h, visited_by=chair, org=grid, channel="home", visited_on=TODAY
            )
        closed(grid, person, outcome=Case.Outcome.WRITTEN)
        held(unit, [person])
        for headcount in activities:
            activity = activity_services.activity_create(
                actor=chair, org=unit, kind="festival", title="活动", starts_on=TODAY
            )
            activity_services.activity_hold(
                actor=chair, activity=activity, headcount=headcount, summary="开展顺利"
            )
        course = training_services.course_create(
            actor=chair,
            org=unit,
            title="执委履职能力培训",
            topic="policy",
            audience="executives",
            planned_hours=Decimal("8"),
        )
        session = training_services.session_create(
            actor=chair, course=course, held_on=TODAY, hours=Decimal("2"), place="会议室"
        )
        training_services.session_mark_held(actor=chair, session=session)


def test_the_townships_own_figures_are_the_sum_of_its_units_answers(tree, cast, people):
    _records(cast, tree, people)
    round_ = _round(cast, tree)
    children = OrgUnit.objects.filter(parent=tree.helixi)
    assert set(round_.targets.values_list("org", flat=True)) == set(
        children.values_list("pk", flat=True)
    )
    sent = [_answer(cast, round_, org) for org in children]
    own = live_figures_for(user=cast.township_cadre, round_=round_, orgs=[tree.helixi])
    totals = {}
    for key in ADDITIVE:
        totals[key] = sum(s.figures[key]["value"] for s in sent)
        assert all(s.figures[key]["value"] for s in sent), key  # every unit counts some
        assert own[tree.helixi.pk][key]["value"] == totals[key], key
    assert totals == {
        "work.visits": 3,
        "cases.disputes": 2,
        "meetings.held": 2,
        "activities.held": 3,
        "trainings.sessions": 2,
        "activities.person_times": 18,
    }
    # The consolidated report's words say the same sums.
    report = consolidated_report(user=cast.township_cadre, round_=round_)
    words = "".join(t for part in report.parts for p in (part, *part.parts) for t in p.paragraphs)
    for phrase in ("执委入户走访3次", "排查化解矛盾纠纷2件", "召开议事协商会议2次"):
        assert phrase in words
    assert "开展各类活动3场" in words and "参与群众18人次" in words and "举办培训2场" in words


def test_the_units_table_leaves_out_the_columns_every_unit_sent_as_zero(tree, cast, people):
    closed(tree.wushan, people.wushan_exec, outcome=Case.Outcome.WRITTEN)
    round_ = _round(cast, tree)
    songhe = _answer(cast, round_, tree.songhe)
    _answer(cast, round_, tree.gangkou)
    answers = latest_answers(user=cast.township_cadre, round_=round_)
    table = answers_table(user=cast.township_cadre, round_=round_, answers=answers)
    assert table is not None
    assert table.header == ["单位", songhe.figures["cases.disputes"]["label"]]
    assert table.rows == [["嵩合社区", "1"], ["港口村", "0"]]  # a unit that sent 0 keeps its row


def test_a_zero_column_stays_when_the_records_now_give_another_value(tree, cast, people):
    closed(tree.wushan, people.wushan_exec, outcome=Case.Outcome.WRITTEN)
    round_ = _round(cast, tree)
    _answer(cast, round_, tree.songhe)
    _answer(cast, round_, tree.gangkou)
    held(tree.gangkou, [people.gangkou_exec])  # after both answered
    answers = latest_answers(user=cast.township_cadre, round_=round_)
    table = answers_table(user=cast.township_cadre, round_=round_, answers=answers)
    assert table is not None and len(table.header) == 3
    assert table.rows == [["嵩合社区", "1", "0"], ["港口村", "0", "0*"]]


def test_no_units_table_when_only_one_unit_has_answered(tree, cast, people):
    closed(tree.wushan, people.wushan_exec, outcome=Case.Outcome.WRITTEN)
    round_ = _round(cast, tree)
    _answer(cast, round_, tree.songhe)
    answers = latest_answers(user=cast.township_cadre, round_=round_)
    assert len(answers) == 1
    assert answers_table(user=cast.township_cadre, round_=round_, answers=answers) is None


def test_no_units_table_when_every_unit_sent_zeros(tree, cast):
    round_ = _round(cast, tree)
    _answer(cast, round_, tree.songhe)
    _answer(cast, round_, tree.gangkou)
    answers = latest_answers(user=cast.township_cadre, round_=round_)
    assert len(answers) == 2
    assert answers_table(user=cast.township_cadre, round_=round_, answers=answers) is None
    report = consolidated_report(user=cast.township_cadre, round_=round_)
    part = next(p for p in report.parts if p.key == "round.answers")
    assert part.tables == [] and "已报送2个" in part.paragraphs[0]
