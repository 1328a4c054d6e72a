import pytest
from django.core.cache import caches
from django.core.exceptions import ValidationError

from jinguo.audit.models import AuditEvent
from jinguo.cases import services as cases
from jinguo.cases.models import Case
from jinguo.intake import services
from jinguo.intake.models import Submission


def close(case, person):
    case = cases.case_accept(actor=None, case=case)
    case = cases.case_dispatch(actor=None, case=case, assignee=person)
    case = cases.case_start(actor=None, case=case)
    case = cases.case_resolve(actor=None, case=case, outcome="")
    case = cases.case_verify(actor=None, case=case, passed=True)
    return cases.case_close(actor=None, case=case)


def test_creating_a_point_is_audited_and_gets_a_token(point, cast):
    assert len(point.token) >= 20
    assert AuditEvent.objects.filter(action="intake.point_create", actor=cast.songhe_chair).exists()


def test_a_point_only_for_villages_communities_and_grids(cast, tree):
    with pytest.raises(ValidationError):
        services.intake_point_create(actor=cast.township_cadre, org=tree.helixi)


def test_filing_a_request_creates_a_public_case_at_the_points_unit(file, tree):
    submission = file()
    case = submission.case
    assert case.source == "public" and case.org == tree.wushan and case.kind == "request"
    assert case.title == submission.content[:30]
    assert case.reporter_phone == "13905631234" and case.reporter_name == "王阿姨"
    assert len(submission.receipt) >= 20 and submission.phone == "13905631234"


def test_a_wish_is_filed_as_a_wish_waiting_for_a_donor(file, tree):
    submission = file(kind="wish", content="想给孙女买一套课外书")
    assert submission.kind == "wish" and submission.case is None
    wish = submission.wish
    assert wish.content == "想给孙女买一套课外书" and wish.org == tree.wushan
    assert wish.status == "collected" and wish.collected_by is None
    assert wish.changes.get().actor is None


def test_a_phone_is_required_and_checked(file):
    with pytest.raises(ValidationError) as blank:
        file(phone="")
    with pytest.raises(ValidationError) as wrong:
        file(phone="12345")
    assert "phone" in blank.value.message_dict and "phone" in wrong.value.message_dict
    assert not Submission.objects.exists()


def test_the_sixth_submission_from_one_ip_within_the_hour_is_refused(file):
    for _ in range(5):
        file()
    with pytest.raises(services.RateLimited):
        file()
    assert file(ip="10.0.0.2").pk  # another address is still welcome
    assert Submission.objects.count() == 6


def test_the_hourly_limit_is_not_kept_in_the_process_memory(file):
    for _ in range(5):
        file()
    caches["default"].clear()  # what another worker, or a restarted one, starts with
    with pytest.raises(services.RateLimited):
        file()
    assert caches["shared"].get_many([f"throttle:intake:ip:10.0.0.1:{n}" for n in range(5)])


def test_a_point_takes_at_most_a_hundred_submissions_a_day(file, monkeypatch):
    monkeypatch.setattr(services, "PER_POINT_PER_DAY", 2)
    file(ip="10.0.0.1")
    file(ip="10.0.0.2")
    with pytest.raises(services.RateLimited):
        file(ip="10.0.0.3")


def test_rating_is_refused_before_closing_accepted_once_after(file, people):
    submission = file()
    with pytest.raises(ValidationError) as early:
        services.submission_rate(submission=submission, rating=5, note="")
    assert "办结后" in str(early.value)
    close(submission.case, people.wushan_exec)
    rated = services.submission_rate(submission=submission, rating=4, note="很快")
    assert rated.rating == 4 and rated.rated_at is not None
    case = Case.objects.get(pk=submission.case_id)
    assert case.status == Case.Status.RATED and case.satisfaction == 4
    assert AuditEvent.objects.filter(action="intake.rate", actor=None).exists()
    with pytest.raises(ValidationError) as again:
        services.submission_rate(submission=submission, rating=1, note="")
    assert "已经评价" in str(again.value)


def test_a_public_wish_can_be_rated_once_it_is_fulfilled(file, cast):
    from jinguo.intake.services import submission_rate
    from jinguo.visits.services import wish_claim, wish_fulfil

    submission = file(kind="wish", content="想学电脑")
    with pytest.raises(ValidationError):
        submission_rate(submission=submission, rating=5)
    wish_claim(actor=cast.songhe_chair, wish=submission.wish, donor_name="县图书馆")
    wish_fulfil(actor=cast.songhe_chair, wish=submission.wish, evidence_note="已安排培训")
    submission.refresh_from_db()
    rated = submission_rate(submission=submission, rating=5, note="谢谢")
    assert rated.rating == 5
