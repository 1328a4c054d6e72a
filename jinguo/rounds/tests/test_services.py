"""A round from 河沥溪街道 to 嵩合社区 and 港口村: create, draft, submit, review, remind, close."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.cases.models import Case
from jinguo.cases.tests.factories import closed
from jinguo.reports.frozen import report_from_data
from jinguo.rounds import services
from jinguo.rounds.models import Round, RoundChange, Submission, Target
from jinguo.rounds.selectors import (
    figure_changes,
    live_changes,
    my_tasks,
    round_progress,
    text_changes,
)

pytestmark = pytest.mark.django_db


def _new_round(cast, tree, *, kind=Round.Kind.WORK_REPORT, deadline=None, **kw) -> Round:
    today = timezone.localdate()
    return services.round_create(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="2026年工作总结报送",
        kind=kind,
        start=today.replace(month=1, day=1),
        end=today,
        deadline=deadline or today + dt.timedelta(days=7),
        targets=[tree.songhe, tree.gangkou],
        **kw,
    )


@pytest.fixture
def work_round(tree, cast, people) -> SimpleNamespace:
    closed(tree.wushan, people.wushan_exec, outcome=Case.Outcome.WRITTEN)
    r = _new_round(cast, tree)
    return SimpleNamespace(
        round=r,
        songhe=r.targets.get(org=tree.songhe),
        gangkou=r.targets.get(org=tree.gangkou),
    )


def _submit(cast, target, texts=None, answers=None) -> Submission:
    return services.target_submit(
        actor=cast.songhe_chair if target.org.name == "嵩合社区" else cast.gangkou_chair,
        target=target,
        texts=texts or {},
        answers=answers or [],
    )


def test_a_township_round_fills_every_target_units_figures_from_its_records(work_round):
    songhe = work_round.songhe
    assert songhe.status == Target.Status.PENDING
    assert songhe.figures["cases.disputes"]["value"] == 1
    assert work_round.gangkou.figures["cases.disputes"]["value"] == 0
    assert RoundChange.objects.filter(round=work_round.round, action="create").count() == 1
    assert AuditEvent.objects.filter(action="round.create").exists()


def test_a_round_only_goes_to_units_below_the_issuing_unit(tree, cast):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.round_create(
            actor=cast.township_cadre,
            org=tree.helixi,
            title="越级",
            kind=Round.Kind.WORK_REPORT,
            start=today,
            end=today,
            deadline=today,
            targets=[tree.dongmen, tree.helixi],
        )
    assert "下级单位" in str(error.value)


def test_a_community_chair_cannot_issue_a_round_for_the_township(tree, cast):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.round_create(
            actor=cast.songhe_chair,
            org=tree.helixi,
            title="越权",
            kind=Round.Kind.WORK_REPORT,
            start=today,
            end=today,
            deadline=today,
            targets=[tree.songhe],
        )


def test_a_form_needs_at_least_one_figure_or_question(tree, cast):
    with pytest.raises(ValidationError) as error:
        _new_round(cast, tree, kind=Round.Kind.FORM)
    assert "至少选择一项数据" in str(error.value)


def test_submitting_freezes_figures_words_who_and_when(tree, cast, work_round):
    submission = _submit(cast, work_round.songhe)
    assert submission.version == 1
    assert submission.submitted_by == cast.songhe_chair
    assert submission.figures["cases.disputes"]["value"] == 1
    report = report_from_data(submission.report)
    assert report.title.startswith("嵩合社区妇联")
    work_round.songhe.refresh_from_db()
    assert work_round.songhe.status == Target.Status.SUBMITTED
    assert work_round.songhe.first_submitted_at == submission.submitted_at


def test_edited_words_are_kept_but_a_changed_figure_is_refused(tree, cast, work_round):
    submission = _submit(cast, work_round.songhe)
    part = next(p for p in report_from_data(submission.report).parts if p.key == "problems")
    services.submission_return(
        actor=cast.township_cadre, submission=submission, reason="请补充存在问题"
    )
    with pytest.raises(ValidationError) as error:
        _submit(cast, work_round.songhe, texts={"work.cases": ["排查化解矛盾纠纷99件。"]})
    assert "99" in str(error.value) and "不能修改" in str(error.value)
    edited = ["我们发现还有不足，下一步将认真整改。"]
    second = _submit(cast, work_round.songhe, texts={"problems": edited})
    assert second.version == 2
    report = report_from_data(second.report)
    assert next(p for p in report.parts if p.key == "problems").paragraphs == edited
    assert text_changes(submission.report, second.report)[0][0] == part.heading


def test_only_the_issuing_unit_reviews_and_a_return_needs_a_reason(tree, cast, work_round):
    submission = _submit(cast, work_round.songhe)
    with pytest.raises(PermissionDenied):
        services.submission_approve(actor=cast.songhe_chair, submission=submission)
    with pytest.raises(ValidationError):
        services.submission_return(actor=cast.township_cadre, submission=submission, reason=" ")
    services.submission_approve(actor=cast.township_cadre, submission=submission)
    work_round.songhe.refresh_from_db()
    assert work_round.songhe.status == Target.Status.APPROVED
    with pytest.raises(ValidationError):
        _submit(cast, work_round.songhe)  # approved: nothing more to send


def test_a_unit_cannot_answer_for_another_unit(tree, cast, work_round):
    with pytest.raises(PermissionDenied):
        services.target_submit(
            actor=cast.gangkou_chair, target=work_round.songhe, texts={}, answers=[]
        )


def test_progress_counts_expected_submitted_on_time_approved_returned_overdue(tree, cast, people):
    r = _new_round(cast, tree, deadline=timezone.localdate())
    songhe, gangkou = r.targets.get(org=tree.songhe), r.targets.get(org=tree.gangkou)
    services.submission_approve(actor=cast.township_cadre, submission=_submit(cast, songhe))
    services.submission_return(
        actor=cast.township_cadre, submission=_submit(cast, gangkou), reason="数据不全"
    )
    later = timezone.now() + dt.timedelta(days=2)
    total = round_progress(round_=r, user=cast.township_cadre, now=later).total
    assert (total.expected, total.submitted, total.on_time) == (2, 2, 2)
    assert (total.approved, total.returned, total.overdue) == (1, 1, 1)
    assert total.reporting_rate == 100.0
    # The community sees its own row only.
    mine = round_progress(round_=r, user=cast.songhe_chair, now=later)
    assert [t.org for t, _p in mine.rows] == [tree.songhe]


def test_the_task_waits_on_the_units_home_until_it_is_submitted(tree, cast, work_round):
    assert list(my_tasks(user=cast.songhe_chair)) == [work_round.songhe]
    _submit(cast, work_round.songhe)
    assert list(my_tasks(user=cast.songhe_chair)) == []
    assert list(my_tasks(user=cast.township_cadre)) == []


def test_reminding_marks_only_the_units_that_have_not_submitted(tree, cast, work_round):
    _submit(cast, work_round.songhe)
    assert services.round_remind(actor=cast.township_cadre, round_=work_round.round) == 1
    work_round.gangkou.refresh_from_db()
    work_round.songhe.refresh_from_db()
    assert work_round.gangkou.reminded_at is not None
    assert work_round.songhe.reminded_at is None


def test_a_submission_shows_which_figures_the_records_now_give_differently(
    tree, cast, people, work_round
):
    submission = _submit(cast, work_round.songhe)
    assert live_changes(user=cast.township_cadre, submission=submission) == []
    closed(tree.wushan, people.wushan_exec, outcome=Case.Outcome.WRITTEN)
    changes = {c.key: c for c in live_changes(user=cast.township_cadre, submission=submission)}
    assert changes["cases.disputes"].before == 1 and changes["cases.disputes"].after == 2
    assert changes["cases.disputes"].delta == 1


def test_figure_changes_name_the_figures_that_differ():
    before = {"a": {"label": "甲", "value": 1}, "b": {"label": "乙", "value": 2}}
    after = {"a": {"label": "甲", "value": 1}, "b": {"label": "乙", "value": 5}}
    assert [(c.key, c.before, c.after) for c in figure_changes(before, after)] == [("b", 2, 5)]


def test_a_closed_round_takes_no_more_answers(tree, cast, work_round):
    services.round_close(actor=cast.township_cadre, round_=work_round.round)
    with pytest.raises(ValidationError):
        _submit(cast, work_round.gangkou)
