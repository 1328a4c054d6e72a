"""The demo's report rounds, built on the cast tree (港口村 stands in for 西山村)."""

import pytest
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.tests.factories import UserFactory
from jinguo.demo.rounds import FORM_FIGURES, RETURN_REASON, RoundsDemo, reworded
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.tests.factories import OrgUnitFactory
from jinguo.reports.frozen import numbers_in, report_from_data
from jinguo.rounds.filling import draft_report, in_order
from jinguo.rounds.models import Round, RoundChange, Submission, Target
from jinguo.rounds.selectors import round_progress


@pytest.fixture
def built(tree) -> dict[str, OrgUnit]:
    R = User.Role
    UserFactory(username="helixi", role=R.CADRE, org=tree.helixi)
    UserFactory(username="songhe", role=R.CADRE, org=tree.songhe)
    UserFactory(username="xishan", role=R.CADRE, org=tree.gangkou)
    tree.third = OrgUnitFactory(
        name="锦城社区", kind=OrgUnit.Kind.COMMUNITY, code="341881001003", parent=tree.helixi
    )
    OrgUnitFactory(name="街道直属妇联", kind=OrgUnit.Kind.NEW_ECONOMIC, parent=tree.helixi)
    orgs = {"helixi": tree.helixi, "songhe": tree.songhe, "xishan": tree.gangkou}
    assert "通过1、退回1、待报送1" in RoundsDemo(orgs).build()
    return orgs


def _work(tree) -> Round:
    return Round.objects.get(org=tree.helixi, kind=Round.Kind.WORK_REPORT)


def test_the_street_asks_every_village_and_community_for_this_years_work_report(tree, built):
    work = _work(tree)
    today = timezone.localdate()
    assert (work.start, work.end) == (today.replace(month=1, day=1), today)
    assert today < work.deadline and work.status == Round.Status.OPEN
    assert work.created_by.username == "helixi"
    assert {t.org.name for t in work.targets.all()} == {"嵩合社区", "港口村", "锦城社区"}
    assert RoundChange.objects.filter(round=work, action="create").exists()


def test_songhe_is_approved_with_one_plan_reworded_and_every_number_kept(tree, built):
    target = _work(tree).targets.get(org=tree.songhe)
    assert target.status == Target.Status.APPROVED
    submission = target.submissions.get()
    assert submission.review == Submission.Review.APPROVED
    assert submission.reviewed_by is not None and submission.reviewed_by.username == "helixi"
    sent = next(p for p in report_from_data(submission.report).parts if p.key == "plans")
    chair = User.objects.get(username="songhe")
    drafted = next(
        p
        for p in draft_report(user=chair, org=tree.songhe, round_=target.round).parts
        if p.key == "plans"
    )
    assert sent.paragraphs[0] == reworded(drafted.paragraphs[0]) != drafted.paragraphs[0]
    assert sent.paragraphs[1:] == drafted.paragraphs[1:]
    assert numbers_in(sent.paragraphs) == numbers_in(drafted.paragraphs) != []


def test_the_other_submission_is_returned_with_a_reason_and_the_rest_are_pending(tree, built):
    work = _work(tree)
    returned = work.targets.get(org=tree.gangkou)
    assert returned.status == Target.Status.RETURNED
    assert returned.submissions.get().review_note == RETURN_REASON
    assert work.targets.get(org=tree.third).status == Target.Status.PENDING
    progress = round_progress(round_=work, user=User.objects.get(username="helixi"))
    assert (progress.total.expected, progress.total.submitted) == (3, 2)
    assert (progress.total.approved, progress.total.returned) == (1, 1)


def test_songhe_has_answered_the_form_and_awaits_review(tree, built):
    form = Round.objects.get(org=tree.helixi, kind=Round.Kind.FORM)
    assert form.figure_keys == FORM_FIGURES and len(form.questions) == 1
    songhe = form.targets.get(org=tree.songhe)
    assert songhe.status == Target.Status.SUBMITTED
    submission = songhe.submissions.get()
    assert [key for key, _f in in_order(submission.figures)] == FORM_FIGURES and submission.answers[
        0
    ]
    waiting = form.targets.exclude(org=tree.songhe).values_list("status", flat=True)
    assert set(waiting) == {Target.Status.PENDING}
