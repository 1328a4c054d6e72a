import datetime as dt

import pytest

from jinguo.people.models import Person
from jinguo.sanxin.models import SanxinWorker
from jinguo.sanxin.tests.conftest import register

JSON = "application/json"


def test_the_list_is_scoped_and_filtered(login, cast, sx):
    body = login(cast.songhe_chair).get("/api/v1/sanxin/orgs/").json()
    assert body["count"] == 2
    body = login(cast.county_cadre).get("/api/v1/sanxin/orgs/?category=new_social").json()
    assert [r["name"] for r in body["results"]] == ["港口律师事务所"]


def test_the_list_does_not_query_per_row(login, cast, tree, count_queries):
    client = login(cast.county_cadre)
    register(cast.county_cadre, tree.songhe, name="a")
    few = count_queries(lambda: client.get("/api/v1/sanxin/orgs/"))
    for i in range(3):
        register(cast.county_cadre, tree.gangkou, name=f"b{i}")
    assert count_queries(lambda: client.get("/api/v1/sanxin/orgs/")) == few


def test_create_update_establish_and_add_a_worker(login, cast, tree):
    client = login(cast.songhe_chair)
    answer = client.post("/api/v1/sanxin/orgs/", {
        "org": tree.songhe.pk, "name": "直播基地", "category": "new_economic",
        "sector": "live_commerce", "workers": 8, "women_workers": 6,
        "credit_code": "91350100M000100Y43", "contact_phone": "13800001111",
    }, content_type=JSON)  # fmt: skip
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["contact_phone"] == "138****1111" and body["has_federation"] is False
    pk = body["id"]
    answer = client.patch(f"/api/v1/sanxin/orgs/{pk}/", {"women_workers": 9}, content_type=JSON)
    assert answer.status_code == 400
    assert "women_workers" in answer.json()["extra"]["fields"]
    answer = client.patch(f"/api/v1/sanxin/orgs/{pk}/", {"workers": 12}, content_type=JSON)
    assert answer.json()["workers"] == 12
    answer = client.post(f"/api/v1/sanxin/orgs/{pk}/federation/",
                         {"name": "直播基地妇联", "established_on": "2025-04-01"},
                         content_type=JSON)  # fmt: skip
    assert answer.status_code == 200 and answer.json()["federation"]["name"] == "直播基地妇联"
    again = client.post(
        f"/api/v1/sanxin/orgs/{pk}/federation/",
        {"name": "又一个", "established_on": "2025-04-01"},
        content_type=JSON,
    )
    assert again.status_code == 400
    answer = client.post(f"/api/v1/sanxin/orgs/{pk}/workers/",
                         {"name": "主播小王", "gender": "F", "joined_on": "2025-01-01"},
                         content_type=JSON)  # fmt: skip
    assert answer.status_code == 201 and answer.json()["gender"] == "F"
    detail = client.get(f"/api/v1/sanxin/orgs/{pk}/").json()
    assert [w["person"]["name"] for w in detail["workers_list"]] == ["主播小王"]


def test_a_worker_of_another_village_is_not_found(login, cast, sx, people):
    answer = login(cast.songhe_chair).post(
        f"/api/v1/sanxin/orgs/{sx.courier.pk}/workers/",
        {"person": people.gangkou_exec.pk, "joined_on": "2025-01-01"},
        content_type=JSON,
    )
    assert answer.status_code == 400 and not SanxinWorker.objects.exists()


@pytest.mark.parametrize("user", ["gangkou_chair", "langxi_cadre"])
def test_another_village_gets_404_on_a_songhe_record(login, cast, sx, user):
    client = login(getattr(cast, user))
    pk = sx.courier.pk
    assert client.get(f"/api/v1/sanxin/orgs/{pk}/").status_code == 404
    assert (
        client.patch(f"/api/v1/sanxin/orgs/{pk}/", {"workers": 3}, content_type=JSON).status_code
        == 404
    )
    body = {"name": "x", "established_on": "2025-01-01"}
    assert (
        client.post(f"/api/v1/sanxin/orgs/{pk}/federation/", body, content_type=JSON).status_code
        == 404
    )
    body = {"name": "x", "joined_on": "2025-01-01"}
    assert (
        client.post(f"/api/v1/sanxin/orgs/{pk}/workers/", body, content_type=JSON).status_code
        == 404
    )


def test_the_county_leader_gets_403_on_writes(login, cast, tree, sx):
    client = login(cast.county_leader)
    pk = sx.courier.pk
    assert client.get(f"/api/v1/sanxin/orgs/{pk}/").status_code == 200
    assert (
        client.patch(f"/api/v1/sanxin/orgs/{pk}/", {"workers": 3}, content_type=JSON).status_code
        == 403
    )
    body = {"org": tree.songhe.pk, "name": "x", "category": "new_economic", "sector": "other"}
    assert client.post("/api/v1/sanxin/orgs/", body, content_type=JSON).status_code == 403
    body = {"name": "x", "established_on": "2025-01-01"}
    assert (
        client.post(f"/api/v1/sanxin/orgs/{pk}/federation/", body, content_type=JSON).status_code
        == 403
    )
    body = {"org": tree.ningguo.pk, "title": "t", "metric": "orgs_registered", "target_value": 3,
            "period_start": "2025-01-01", "deadline": "2026-01-01"}  # fmt: skip
    assert client.post("/api/v1/sanxin/targets/", body, content_type=JSON).status_code == 403


def test_targets_with_progress_and_figures(login, cast, tree, sx):
    client = login(cast.city_cadre)
    body = {"org": tree.city.pk, "title": "到2026年登记三新组织", "metric": "orgs_registered",
            "target_value": 6, "period_start": "2024-01-01", "deadline": "2030-12-31"}  # fmt: skip
    answer = client.post("/api/v1/sanxin/targets/", body, content_type=JSON)
    assert answer.status_code == 201
    assert answer.json()["progress"]["value"] == 3 and answer.json()["progress"]["percent"] == 50.0
    rows = client.get(f"/api/v1/sanxin/targets/?org={tree.city.pk}").json()
    assert rows[0]["progress"]["value"] == 3
    figures = client.get(f"/api/v1/sanxin/figures/?org={tree.city.pk}").json()
    by_key = {f["key"]: f for f in figures}
    assert by_key["sanxin.orgs_registered"]["value"] == 3


def test_a_songhe_cadre_cannot_set_a_target_for_the_county(login, cast, tree):
    body = {"org": tree.ningguo.pk, "title": "t", "metric": "orgs_registered", "target_value": 3,
            "period_start": "2025-01-01", "deadline": "2026-01-01"}  # fmt: skip
    answer = login(cast.songhe_chair).post("/api/v1/sanxin/targets/", body, content_type=JSON)
    assert answer.status_code == 404


def test_exemplary_add_through_the_api(login, cast, tree, people):
    client = login(cast.songhe_chair)
    body = {"person": people.wushan_exec.pk, "org": tree.songhe.pk, "reason": "事迹",
            "listed_on": str(dt.date(2025, 1, 1))}  # fmt: skip
    assert client.post("/api/v1/sanxin/exemplary/", body, content_type=JSON).status_code == 201
    body["person"] = people.gangkou_exec.pk
    assert client.post("/api/v1/sanxin/exemplary/", body, content_type=JSON).status_code == 400
    man = Person.objects.create(org=tree.songhe, name="张三", gender="M")
    body["person"] = man.pk
    assert client.post("/api/v1/sanxin/exemplary/", body, content_type=JSON).status_code == 400
