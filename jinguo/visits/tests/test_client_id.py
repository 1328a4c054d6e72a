"""A record made on a phone carries its client_id: sent twice (the first answer was lost), it is
stored once; another user's client_id is refused, never answered with her record."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jinguo.cases.models import Case
from jinguo.cases.services import case_report
from jinguo.visits.forms import VisitForm
from jinguo.visits.models import Visit, Wish
from jinguo.visits.services import visit_log, visit_log_with_case, wish_collect


def test_a_visit_sent_twice_with_its_client_id_is_stored_once(plan, cast):
    client_id = uuid.uuid4()
    first = visit_log(
        actor=cast.wushan_member,
        household=plan.ws1,
        channel="home",
        services=[],
        client_id=client_id,
    )
    again = visit_log(
        actor=cast.wushan_member,
        household=plan.ws1,
        channel="phone",
        services=[],
        client_id=client_id,
    )
    assert again.pk == first.pk
    assert Visit.objects.filter(client_id=client_id).count() == 1
    assert Visit.objects.get(client_id=client_id).channel == "home"


def test_visits_without_a_client_id_are_each_stored(plan, cast):
    for _ in range(2):
        visit_log(actor=cast.wushan_member, household=plan.ws1, channel="home", services=[])
    assert Visit.objects.filter(household=plan.ws1, visited_by=cast.wushan_member).count() == 2


def test_another_users_client_id_is_refused(plan, cast):
    client_id = uuid.uuid4()
    visit_log(
        actor=cast.wushan_member,
        household=plan.ws1,
        channel="home",
        services=[],
        client_id=client_id,
    )
    with pytest.raises(ValidationError, match="已被他人使用"):
        visit_log(
            actor=cast.songhe_chair,
            household=plan.ws1,
            channel="home",
            services=[],
            client_id=client_id,
        )


def test_a_visit_with_a_case_sent_twice_reports_the_case_once(plan, cast, people):
    client_id = uuid.uuid4()
    log = {
        "actor": cast.wushan_member,
        "household": plan.ws1,
        "case_kind": "dispute_neighbour",
        "case_title": "宅基地纠纷",
        "channel": "home",
        "services": [],
        "client_id": client_id,
    }
    first = visit_log_with_case(**log)
    again = visit_log_with_case(**log)
    assert again.pk == first.pk
    assert Case.objects.filter(household=plan.ws1).count() == 1


def test_a_wish_sent_twice_is_collected_once(plan, cast):
    client_id = uuid.uuid4()
    for _ in range(2):
        wish_collect(
            actor=cast.wushan_member,
            household=plan.ws1,
            content="一个书包",
            category="study",
            client_id=client_id,
        )
    assert Wish.objects.filter(client_id=client_id).count() == 1


def test_a_case_report_sent_twice_is_reported_once(plan, cast, people):
    client_id = uuid.uuid4()
    report = {
        "actor": cast.wushan_member,
        "org": plan.ws1.grid,
        "kind": "request",
        "title": "申请低保",
        "household": plan.ws1,
        "client_id": client_id,
    }
    assert case_report(**report).pk == case_report(**report).pk
    assert Case.objects.filter(client_id=client_id).count() == 1


def test_the_visit_form_passes_its_client_id_to_the_service(plan, cast):
    client_id = uuid.uuid4()
    form = VisitForm({"channel": "home", "client_id": str(client_id)})
    assert form.is_valid(), form.errors
    assert form.visit_data()["client_id"] == client_id
    assert "client_id" not in [field.name for field in form.other_fields()]


def test_the_visit_form_posted_twice_with_its_client_id_stores_one_visit(plan, cast, login):
    client = login(cast.wushan_member)
    url = reverse("visits:create") + f"?household={plan.ws1.pk}"
    page = client.get(url).content.decode()
    assert 'name="client_id"' in page and 'data-offline="visit"' in page
    posted = {"channel": "home", "note": "双击了两次", "client_id": str(uuid.uuid4())}
    for _ in range(2):
        assert client.post(url, posted).status_code == 302
    assert Visit.objects.filter(household=plan.ws1, note="双击了两次").count() == 1
