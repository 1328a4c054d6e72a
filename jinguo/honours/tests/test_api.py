import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    def _as(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _as


def test_nominate_then_approve_through_the_api(api, cast, tree):
    client = api(cast.songhe_chair)
    answer = client.post(
        "/api/v1/honours/families/",
        {
            "org": tree.wushan.pk,
            "family_name": "张家",
            "title": "most_beautiful",
            "level": "village",
            "year": 2026,
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    honour_id = answer.json()["id"]
    assert answer.json()["allowed_actions"] == ["approve", "reject"]
    done = client.post(
        f"/api/v1/honours/families/{honour_id}/actions/", {"action": "approve"}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "approved"
    listed = client.get("/api/v1/honours/families/?status=approved").json()
    assert listed["count"] == 1


def test_an_unmet_approval_level_is_a_400(api, cast, individual):
    answer = api(cast.songhe_chair).post(
        f"/api/v1/honours/individuals/{individual.pk}/actions/",
        {"action": "approve"},
        format="json",
    )
    assert answer.status_code == 400 and "level" in answer.json()["extra"]["fields"]


def test_another_villages_person_is_refused(api, cast, people):
    answer = api(cast.songhe_chair).post(
        "/api/v1/honours/individuals/",
        {
            "person": people.gangkou_exec.pk,
            "title": "march8_red_flag",
            "level": "village",
            "year": 2026,
        },
        format="json",
    )
    assert answer.status_code == 400


@pytest.mark.parametrize("user", ["gangkou_chair", "langxi_cadre"])
def test_another_village_gets_404_in_the_api(api, cast, family, individual, user):
    client = api(getattr(cast, user))
    assert client.get(f"/api/v1/honours/families/{family.pk}/").status_code == 404
    assert client.get(f"/api/v1/honours/individuals/{individual.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/honours/families/{family.pk}/actions/", {"action": "approve"}, format="json"
        ).status_code
        == 404
    )


def test_a_leader_gets_403_on_api_writes(api, cast, tree, family):
    client = api(cast.county_leader)
    assert client.get(f"/api/v1/honours/families/{family.pk}/").status_code == 200
    assert (
        client.post(
            f"/api/v1/honours/families/{family.pk}/actions/", {"action": "approve"}, format="json"
        ).status_code
        == 403
    )
    answer = client.post(
        "/api/v1/honours/families/",
        {
            "org": tree.wushan.pk,
            "family_name": "张家",
            "title": "model",
            "level": "village",
            "year": 2026,
        },
        format="json",
    )
    assert answer.status_code == 403


def test_the_figures_endpoint(api, cast, tree, family):
    rows = api(cast.songhe_chair).get(f"/api/v1/honours/figures/?org={tree.songhe.pk}").json()
    pending = next(r for r in rows if r["key"] == "honours.family.pending")
    assert pending["value"] == 1 and pending["url"].startswith("/honours/?")
