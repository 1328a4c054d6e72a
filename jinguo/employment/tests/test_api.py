import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from jinguo.people.models import Person


@pytest.fixture
def api():
    def _as(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _as


def test_a_loan_through_the_api(api, cast, borrower):
    client = api(cast.songhe_chair)
    answer = client.post(
        "/api/v1/employment/loans/",
        {
            "borrower": borrower.pk,
            "amount": "50000",
            "bank": "行",
            "purpose": "店",
            "term_months": 12,
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    loan_id = answer.json()["id"]
    url = f"/api/v1/employment/loans/{loan_id}/actions/"
    assert client.post(url, {"action": "approve"}, format="json").status_code == 200
    issued = client.post(url, {"action": "issue", "date": str(timezone.localdate())}, format="json")
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    assert client.get("/api/v1/employment/loans/?status=issued").json()["count"] == 1


def test_a_man_cannot_borrow_through_the_api(api, cast, tree):
    man = Person.objects.create(org=tree.songhe, name="王强", gender="M")
    answer = api(cast.songhe_chair).post(
        "/api/v1/employment/loans/",
        {"borrower": man.pk, "amount": "50000", "bank": "行", "purpose": "店", "term_months": 12},
        format="json",
    )
    assert answer.status_code == 400 and "borrower" in answer.json()["extra"]["fields"]


def test_a_fair_through_the_api(api, cast, tree):
    client = api(cast.songhe_chair)
    fair = client.post(
        "/api/v1/employment/fairs/",
        {"org": tree.songhe.pk, "title": "招聘会", "held_on": "2026-03-01", "online": True},
        format="json",
    ).json()
    base = f"/api/v1/employment/fairs/{fair['id']}/"
    detail = client.post(base + "employers/", {"name": "茶厂"}, format="json").json()
    employer = detail["employers"][0]["id"]
    detail = client.post(
        base + "posts/", {"employer": employer, "title": "采茶", "openings": 3}, format="json"
    ).json()
    assert detail["employers"][0]["posts"][0]["openings"] == 3
    bad = client.post(base + "results/", {"visitors": 3, "intents": 5}, format="json")
    assert bad.status_code == 400
    assert (
        client.post(base + "results/", {"visitors": 5, "intents": 3}, format="json").status_code
        == 200
    )
    assert client.get("/api/v1/employment/fairs/").json()["results"][0]["post_count"] == 1
    figures = client.get(f"/api/v1/employment/figures/?org={tree.songhe.pk}").json()
    assert {f["key"] for f in figures} >= {"employment.fair_posts", "employment.loans_amount"}


@pytest.mark.parametrize("user", ["gangkou_chair", "langxi_cadre"])
def test_another_village_gets_404_in_the_api(api, cast, loan, fair, user):
    client = api(getattr(cast, user))
    assert client.get(f"/api/v1/employment/loans/{loan.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/employment/loans/{loan.pk}/actions/", {"action": "approve"}, format="json"
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/employment/fairs/{fair.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/employment/fairs/{fair.pk}/employers/", {"name": "x"}, format="json"
        ).status_code
        == 404
    )


def test_a_leader_gets_403_on_api_writes(api, cast, loan, fair):
    client = api(cast.county_leader)
    assert client.get(f"/api/v1/employment/loans/{loan.pk}/").status_code == 200
    assert (
        client.post(
            f"/api/v1/employment/loans/{loan.pk}/actions/", {"action": "approve"}, format="json"
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/employment/fairs/{fair.pk}/results/",
            {"visitors": 1, "intents": 0},
            format="json",
        ).status_code
        == 403
    )


def test_a_head_count_beyond_any_fair_is_a_400_and_nothing_is_written(api, cast, fair):
    # Found by the API fuzz: a 37-digit visitor count overflowed the column (500 on both
    # databases).
    client, huge = api(cast.songhe_chair), 10**36
    base = f"/api/v1/employment/fairs/{fair.pk}/"
    results = client.post(base + "results/", {"visitors": huge, "intents": 1}, format="json")
    assert results.status_code == 400
    assert results.json()["extra"]["fields"]["visitors"] == ["人数不能超过100000"]
    employer = client.post(base + "employers/", {"name": "茶厂"}, format="json")
    body = {"employer": employer.json()["employers"][0]["id"], "title": "采茶", "openings": huge}
    posts = client.post(base + "posts/", body, format="json")
    assert posts.status_code == 400
    assert posts.json()["extra"]["fields"]["openings"] == ["人数不能超过100000"]
    fair.refresh_from_db()
    assert fair.visitors is None and not fair.employers.get().posts.exists()
