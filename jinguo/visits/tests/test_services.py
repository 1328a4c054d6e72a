import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from conftest import build_tree, build_users
from jinguo.audit.models import AuditEvent
from jinguo.cases.models import Case
from jinguo.common.tests.upload_samples import PNG
from jinguo.visits import services
from jinguo.visits.models import Visit, Wish, WishChange
from jinguo.visits.services import (
    visit_log,
    visit_log_with_case,
    wish_cancel,
    wish_claim,
    wish_collect,
    wish_fulfil,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_visit_records_her_person_as_executive_the_grid_and_an_audit_row(plan, cast, people):
    visit = visit_log(
        actor=cast.wushan_member, household=plan.ws1, channel="home", services=["care", "care"]
    )
    assert visit.executive == people.wushan_exec
    assert visit.org_id == plan.ws1.grid_id
    assert visit.services == ["care"]
    assert AuditEvent.objects.filter(action="visit.create", target_id=str(visit.pk)).exists()


def test_a_cadre_without_a_person_record_logs_a_visit_without_executive(plan, cast):
    visit = visit_log(actor=cast.songhe_chair, household=plan.ws1, channel="phone", services=[])
    assert visit.executive is None


def test_a_visit_in_the_future_is_refused(plan, cast):
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as exc:
        visit_log(
            actor=cast.songhe_chair,
            household=plan.ws1,
            channel="home",
            services=[],
            visited_on=tomorrow,
        )
    assert "visited_on" in exc.value.message_dict


def test_unknown_channel_and_service_are_refused(plan, cast):
    with pytest.raises(ValidationError) as exc:
        visit_log(actor=cast.songhe_chair, household=plan.ws1, channel="fax", services=["x"])
    assert set(exc.value.message_dict) == {"channel", "services"}


def test_a_photo_is_accepted_only_by_its_magic_bytes(plan, cast):
    fake = SimpleUploadedFile("a.jpg", b"GIF89a" + b"\x00" * 20, content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        visit_log(
            actor=cast.songhe_chair, household=plan.ws1, channel="home", services=[], photo=fake
        )
    assert "JPEG" in exc.value.message_dict["photo"][0]
    real = SimpleUploadedFile("a.bin", PNG, content_type="application/octet-stream")
    visit = visit_log(
        actor=cast.songhe_chair, household=plan.ws1, channel="home", services=[], photo=real
    )
    assert visit.photo.name.startswith("visits/")


def test_a_photo_over_five_megabytes_is_refused(plan, cast):
    big = SimpleUploadedFile("a.png", PNG + b"\x00" * (5 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        visit_log(
            actor=cast.songhe_chair, household=plan.ws1, channel="home", services=[], photo=big
        )
    assert "文件太大" in exc.value.message_dict["photo"][0]


def test_a_leader_cannot_log_a_visit(plan, cast):
    with pytest.raises(PermissionDenied):
        visit_log(actor=cast.county_leader, household=plan.ws1, channel="home", services=[])


def test_a_wish_goes_collected_claimed_fulfilled_with_a_change_row_each(plan, cast):
    wish = wish_collect(
        actor=cast.wushan_member, content="一个书包", category="study", household=plan.ws1
    )
    assert wish.org_id == plan.ws1.grid_id
    wish = wish_claim(actor=cast.songhe_chair, wish=wish, donor_name="县农商行")
    assert wish.status == Wish.Status.CLAIMED and wish.claimed_at is not None
    evidence = SimpleUploadedFile("e.png", PNG)
    wish = wish_fulfil(
        actor=cast.songhe_chair, wish=wish, evidence_note="已送达", evidence_file=evidence
    )
    assert wish.status == Wish.Status.FULFILLED and wish.evidence_file
    steps = list(WishChange.objects.filter(wish=wish).values_list("from_status", "to_status"))
    assert steps == [("", "collected"), ("collected", "claimed"), ("claimed", "fulfilled")]
    assert AuditEvent.objects.filter(action="wish.fulfilled").count() == 1


def test_a_wrong_transition_is_refused_in_chinese(plan, cast):
    wish = wish_collect(actor=cast.songhe_chair, content="轮椅", category="medical")
    with pytest.raises(ValidationError) as exc:
        wish_fulfil(actor=cast.songhe_chair, wish=wish, evidence_note="x")
    assert "已收集" in exc.value.messages[0]
    wish_cancel(actor=cast.songhe_chair, wish=wish, note="已由民政解决")
    with pytest.raises(ValidationError):
        wish_claim(actor=cast.songhe_chair, wish=wish, donor_name="某人")
    assert WishChange.objects.filter(wish=wish).count() == 2


def test_a_claim_needs_a_donor(plan, cast):
    wish = wish_collect(actor=cast.songhe_chair, content="轮椅", category="medical")
    with pytest.raises(ValidationError) as exc:
        wish_claim(actor=cast.songhe_chair, wish=wish, donor_name=" ")
    assert "donor_name" in exc.value.message_dict


def test_a_wish_without_household_belongs_to_the_actors_unit(cast, tree):
    wish = wish_collect(actor=cast.songhe_chair, content="图书角", category="study")
    assert wish.org == tree.songhe


# --- concurrency (PostgreSQL: SQLite has no row locks to prove anything with) ------------------


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_donors_claiming_one_wish_at_once_cannot_both_win(monkeypatch):
    users = build_users(build_tree())
    wish = wish_collect(actor=users.songhe_chair, content="一辆自行车", category="living")

    # Widen the window between reading the status and writing the claim: without the row lock
    # both claims would read "collected" and both succeed.
    locked = services._locked

    def slow_locked(*args):
        row = locked(*args)
        time.sleep(0.3)
        return row

    monkeypatch.setattr(services, "_locked", slow_locked)
    start = threading.Barrier(2)
    won: list[str] = []
    refused: list[BaseException] = []

    def claim(donor: str) -> None:
        try:
            start.wait()
            wish_claim(actor=users.songhe_chair, wish=wish, donor_name=donor)
            won.append(donor)
        except BaseException as exc:  # collected here, judged below
            refused.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(d,)) for d in ("甲单位", "乙单位")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(refused) == 1
    assert isinstance(refused[0], ValidationError)
    wish.refresh_from_db()
    assert wish.donor_name == won[0]
    assert WishChange.objects.filter(wish=wish, to_status="claimed").count() == 1


def test_a_visit_with_a_case_creates_both_linked(plan, cast, people):
    visit = visit_log_with_case(
        actor=cast.wushan_member,
        household=plan.ws1,
        case_kind="request",
        case_title="路灯不亮",
        channel="home",
        services=[],
    )
    case = Case.objects.get()
    assert visit.case == case and case.household == plan.ws1 and case.source == "visit"
    assert AuditEvent.objects.filter(action="visit.case", target_id=str(visit.pk)).exists()


def test_a_case_that_cannot_be_reported_leaves_no_visit(plan, cast, people):
    before = Visit.objects.count()
    with pytest.raises(ValidationError) as caught:
        visit_log_with_case(
            actor=cast.wushan_member,
            household=plan.ws1,
            case_kind="nonsense",
            case_title="x",
            channel="home",
            services=[],
        )
    assert "case_kind" in caught.value.message_dict
    assert Visit.objects.count() == before
    assert not Case.objects.exists()
