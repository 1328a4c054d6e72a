import pytest

from jinguo.cases.models import Case
from jinguo.cases.tests.factories import report
from jinguo.households.tests.factories import executive
from jinguo.people.models import Person


@pytest.fixture
def case(tree) -> Case:
    return report(tree.songhe, title="邻里纠纷", reporter_phone="13800001111")


@pytest.fixture
def mediator(tree) -> Person:
    return executive(tree.songhe, "调解员甲")


def act(client, case: Case, **body):
    return client.post(f"/api/v1/cases/{case.pk}/actions/", body, content_type="application/json")


def test_the_list_is_scoped_and_flags_each_case(login, cast, tree, case):
    report(tree.gangkou)
    body = login(cast.songhe_chair).get("/api/v1/cases/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["number"] == case.number and row["is_overdue"] is False
    assert 0 < row["time_left_ratio"] <= 1


def test_the_list_does_not_query_per_row(login, cast, tree, count_queries):
    client = login(cast.songhe_chair)
    report(tree.songhe)
    few = count_queries(lambda: client.get("/api/v1/cases/"))
    for _i in range(4):
        report(tree.wushan)
    assert count_queries(lambda: client.get("/api/v1/cases/")) == few


def test_reporting_through_the_api(login, cast, tree):
    answer = login(cast.songhe_chair).post(
        "/api/v1/cases/",
        {"org": tree.songhe.pk, "kind": "domestic_violence", "title": "家暴求助"},
        content_type="application/json",
    )
    assert answer.status_code == 201
    body = answer.json()
    assert body["org"]["id"] == tree.helixi.pk and body["supervision"] == "red"
    assert [t["action"] for t in body["transitions"]] == ["report", "escalate"]


def test_the_detail_masks_the_reporter_phone(login, cast, case):
    body = login(cast.songhe_chair).get(f"/api/v1/cases/{case.pk}/").json()
    assert body["reporter_phone"] == "138****1111"
    assert body["allowed_actions"][:2] == ["accept", "reject"]


def test_the_loop_through_the_actions_endpoint(login, cast, case, mediator):
    client = login(cast.songhe_chair)
    steps = [
        {"action": "accept"},
        {"action": "dispatch", "assignee": mediator.pk},
        {"action": "start"},
        {"action": "participant", "person": mediator.pk, "role": "mediator"},
        {"action": "resolve", "outcome": "written_agreement"},
        {"action": "verify", "passed": True},
        {"action": "close"},
        {"action": "rate", "satisfaction": 5},
    ]
    for step in steps:
        answer = act(client, case, **step)
        assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "rated"
    assert len(answer.json()["transitions"]) == 9


def test_refused_actions_answer_400_in_the_one_error_shape(login, cast, case):
    client = login(cast.songhe_chair)
    answer = act(client, case, action="reject")
    assert answer.status_code == 400
    assert answer.json()["extra"]["fields"] == {"reason": ["不予受理须说明理由"]}
    assert act(client, case, action="close").status_code == 400
    assert act(client, case, action="explode").status_code == 400
    answer = act(client, case, action="accept")
    assert act(client, case, action="dispatch").json()["extra"]["fields"] == {
        "assignee": ["该操作须填写此项"]
    }


def test_a_leader_gets_403_on_writes(login, cast, tree, case):
    client = login(cast.county_leader)
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert act(client, case, action="accept").status_code == 403
    answer = client.post(
        "/api/v1/cases/",
        {"org": tree.songhe.pk, "kind": "request", "title": "x"},
        content_type="application/json",
    )
    assert answer.status_code == 403


def test_another_village_gets_404_on_every_endpoint(login, cast, tree, case):
    client = login(cast.gangkou_chair)
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert act(client, case, action="accept").status_code == 404
    assert client.get(f"/api/v1/cases/figures/?org={tree.songhe.pk}").status_code == 404
    answer = client.post(
        "/api/v1/cases/",
        {"org": tree.songhe.pk, "kind": "request", "title": "x"},
        content_type="application/json",
    )
    assert answer.status_code == 404
    assert client.get("/api/v1/cases/").json()["count"] == 0


def test_the_figures_endpoint(login, cast, tree):
    body = login(cast.songhe_chair).get("/api/v1/cases/figures/").json()
    assert [f["key"] for f in body][:1] == ["disputes"] and body[0]["value"] == 0
