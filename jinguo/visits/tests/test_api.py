import pytest
from rest_framework.test import APIClient

from jinguo.visits.models import Visit, Wish
from jinguo.visits.services import wish_collect


@pytest.fixture
def api():
    def _as(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _as


def test_a_grid_member_logs_a_visit_through_the_api(plan, cast, people, api):
    response = api(cast.wushan_member).post(
        "/api/v1/visits/",
        {"household": plan.ws1.pk, "channel": "wechat", "services": ["legal"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    visit = Visit.objects.get(pk=response.json()["id"])
    assert visit.executive == people.wushan_exec and visit.services == ["legal"]


def test_the_api_refuses_another_grids_household_and_a_leader(plan, cast, api):
    body = {"household": plan.gk6.pk, "channel": "home"}
    assert api(cast.wushan_member).post("/api/v1/visits/", body, format="json").status_code == 404
    body["household"] = plan.ws1.pk
    assert api(cast.county_leader).post("/api/v1/visits/", body, format="json").status_code == 403


def test_the_api_refuses_an_unknown_service(plan, cast, api):
    body = {"household": plan.ws1.pk, "channel": "home", "services": ["magic"]}
    response = api(cast.songhe_chair).post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400


def test_the_todo_api_lists_due_households_in_scope(plan, cast, api, tree):
    rows = api(cast.wushan_member).get("/api/v1/visits/todo/").json()["results"]
    assert {r["number"] for r in rows} == {"WS-1", "WS-2", "WS-4"}  # WS-3: no category
    hidden = api(cast.songhe_chair).get(f"/api/v1/visits/todo/?org={tree.gangkou.pk}")
    assert hidden.status_code == 404


def test_the_todo_api_runs_the_same_queries_for_one_grid_or_a_township(
    plan, cast, api, tree, count_queries
):
    client = api(cast.township_cadre)
    few = count_queries(lambda: client.get(f"/api/v1/visits/todo/?org={tree.wushan.pk}"))
    many = count_queries(lambda: client.get(f"/api/v1/visits/todo/?org={tree.helixi.pk}"))
    assert few == many


def test_wishes_go_through_collect_claim_fulfil_in_the_api(plan, cast, api):
    client = api(cast.songhe_chair)
    created = client.post(
        "/api/v1/wishes/", {"content": "一套校服", "category": "study"}, format="json"
    )
    assert created.status_code == 201
    wish_id = created.json()["id"]
    claim = client.post(f"/api/v1/wishes/{wish_id}/claim/", {"donor_name": "县妇联"}, format="json")
    assert claim.json()["status"] == "claimed"
    again = client.post(f"/api/v1/wishes/{wish_id}/claim/", {"donor_name": "x"}, format="json")
    assert again.status_code == 400
    done = client.post(
        f"/api/v1/wishes/{wish_id}/fulfil/", {"evidence_note": "已送"}, format="json"
    )
    assert done.json()["status"] == "fulfilled"
    listed = client.get("/api/v1/wishes/?status=fulfilled").json()["results"]
    assert [w["id"] for w in listed] == [wish_id]


def test_the_wish_api_hides_other_villages_and_refuses_leaders(plan, cast, api):
    wish = wish_collect(actor=cast.gangkou_chair, content="书包", category="study")
    url = f"/api/v1/wishes/{wish.pk}/claim/"
    assert api(cast.songhe_chair).post(url, {"donor_name": "x"}, format="json").status_code == 404
    assert api(cast.county_leader).post(url, {"donor_name": "x"}, format="json").status_code == 403
    body = {"content": "x", "category": "study"}
    assert api(cast.county_leader).post("/api/v1/wishes/", body, format="json").status_code == 403
    assert Wish.objects.count() == 1
