import pytest

from jinguo.audit.models import AuditEvent
from jinguo.households.models import Household, HouseholdAssignment, HouseholdChange
from jinguo.households.tests.factories import household
from jinguo.people.idcard import check_digit
from jinguo.people.models import Person

JSON = "application/json"


def numbers(response) -> list[str]:
    return sorted(row["number"] for row in response.json()["results"])


def call(client, endpoint: str, ledger, tree):
    """One request to `endpoint` about 港口村's household GK-005 (or its units); valid payloads,
    so only access decides the answer."""
    h = ledger.h5
    if endpoint == "list":
        return client.get("/api/v1/households/", {"org": tree.gangkou.pk})
    if endpoint == "list_grid":
        return client.get("/api/v1/households/", {"grid": tree.gangkou_grid.pk})
    if endpoint == "detail":
        return client.get(f"/api/v1/households/{h.pk}/")
    if endpoint == "coverage":
        return client.get("/api/v1/households/coverage/", {"org": tree.gangkou.pk})
    if endpoint == "create":
        data = {"grid": tree.gangkou_grid.pk, "number": "GK-100"}
        return client.post("/api/v1/households/", data, content_type=JSON)
    if endpoint == "assign":
        data = {"executive": ledger.jia.pk}
        return client.post(f"/api/v1/households/{h.pk}/assign/", data, content_type=JSON)
    raise AssertionError(endpoint)


READS = ["list", "list_grid", "detail", "coverage"]
WRITES = ["create", "assign"]


def state():
    return (
        Household.objects.count(),
        HouseholdAssignment.objects.count(),
        HouseholdChange.objects.count(),
        AuditEvent.objects.exclude(action__startswith="access.").count(),
    )


@pytest.mark.parametrize("endpoint", READS + WRITES)
def test_another_villages_records_are_404_on_every_endpoint(ledger, cast, tree, client, endpoint):
    client.force_login(cast.songhe_chair)
    before = state()
    response = call(client, endpoint, ledger, tree)
    assert response.status_code == 404
    assert response.json()["message"]
    assert state() == before


@pytest.mark.parametrize("endpoint", WRITES)
def test_leader_gets_403_on_every_write(ledger, cast, tree, client, endpoint):
    client.force_login(cast.county_leader)
    before = state()
    assert call(client, endpoint, ledger, tree).status_code == 403
    assert state() == before


@pytest.mark.parametrize("endpoint", READS)
def test_leader_reads(ledger, cast, tree, client, endpoint):
    client.force_login(cast.county_leader)
    assert call(client, endpoint, ledger, tree).status_code == 200


def test_anonymous_callers_are_refused(ledger, client):
    assert client.get("/api/v1/households/").status_code == 403


def test_list_filters_like_the_pages(ledger, cast, tree, client):
    client.force_login(cast.township_cadre)
    url = "/api/v1/households/"
    assert numbers(client.get(url, {"q": "wxh"})) == ["WS-001"]
    assert numbers(client.get(url, {"unassigned": "true"})) == ["GK-005", "GK-006"]
    assert numbers(client.get(url, {"unassigned": "false", "relocated": "false"})) == [
        "WS-001",
        "WS-002",
    ]
    assert numbers(client.get(url, {"double": "true"})) == ["WS-002"]
    assert numbers(client.get(url, {"uncovered": "true", "org": tree.helixi.pk})) == ["CJW-004"]
    assert numbers(client.get(url, {"over_quota": "true", "org": tree.helixi.pk})) == [
        "WS-001",
        "WS-002",
    ]
    assert numbers(client.get(url, {"category": ledger.dibao.pk})) == ["WS-001", "WS-002"]
    assert client.get(url, {"category": 999999}).status_code == 404


def test_list_rows_carry_head_grids_categories_and_current_executives(ledger, cast, client):
    client.force_login(cast.songhe_chair)
    rows = {r["number"]: r for r in client.get("/api/v1/households/").json()["results"]}
    h2, h3 = rows["WS-002"], rows["CJW-003"]
    assert h2["head"]["name"] == "李梅"
    # 低保 is sensitive: a cadre sees the masked label (test_sensitive covers the rest).
    assert [c["name"] for c in h2["categories"]] == ["敏感类别"]
    assert sorted(e["executive_name"] for e in h2["executives"]) == ["乙", "甲"]
    assert h3["relocated"] and h3["living_grid"]["name"] == "巫山组网格"
    assert {(e["kind"], e["executive_name"]) for e in h3["executives"]} == {
        ("responsible", "乙"),
        ("covering", "甲"),
    }


def test_the_list_does_not_query_per_row(ledger, cast, tree, client, count_queries):
    client.force_login(cast.township_cadre)
    few = count_queries(lambda: client.get("/api/v1/households/"))
    for i in range(12):
        household(tree.wushan, f"A{i:03d}")
    assert count_queries(lambda: client.get("/api/v1/households/")) == few


def test_detail_masks_numbers_and_lists_every_assignment(ledger, cast, client):
    number = "34188119900101002" + check_digit("34188119900101002")
    head = Person.objects.get(pk=ledger.h1.head_id)
    head.id_number, head.phone = number, "13912345678"
    head.save()
    client.force_login(cast.songhe_chair)
    body = client.get(f"/api/v1/households/{ledger.h1.pk}/").json()
    [resident] = body["residents"]
    assert resident["id_number"] == f"{number[:6]}********{number[-4:]}"
    assert resident["phone"] == "139****5678" and resident["relation"] == "head"
    assert number not in str(body)
    assert [a["executive_name"] for a in body["assignments"]] == ["甲"]


def test_create_writes_the_household_and_its_history(ledger, cast, tree, client):
    client.force_login(cast.songhe_chair)
    data = {
        "grid": tree.wushan.pk,
        "number": " ＷＳ-200 ",
        "living_grid": tree.chengjiawan.pk,
        "living_address": "程家湾安置点",
    }
    response = client.post("/api/v1/households/", data, content_type=JSON)
    assert response.status_code == 201
    body = response.json()
    assert body["number"] == "WS-200" and body["relocated"] is True
    assert HouseholdChange.objects.filter(household_id=body["id"], action="create").exists()


def test_create_answers_validation_errors_in_the_common_shape(ledger, cast, tree, client):
    client.force_login(cast.songhe_chair)
    data = {"grid": tree.wushan.pk, "number": "WS-001"}
    response = client.post("/api/v1/households/", data, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {"number": ["户号“WS-001”已存在"]}


def test_create_in_a_community_rather_than_a_grid_is_404(ledger, cast, tree, client):
    client.force_login(cast.songhe_chair)
    data = {"grid": tree.songhe.pk, "number": "X"}
    assert client.post("/api/v1/households/", data, content_type=JSON).status_code == 404


def test_assign_hands_the_household_over(ledger, cast, client):
    client.force_login(cast.songhe_chair)
    data = {"executive": ledger.wang_exec.pk, "start_date": "2025-04-01", "reason": "调整"}
    response = client.post(f"/api/v1/households/{ledger.h1.pk}/assign/", data, content_type=JSON)
    assert response.status_code == 201
    body = response.json()
    assert body["executive_name"] == "汪秀兰" and body["end_date"] is None
    old = ledger.h1.assignments.get(executive=ledger.jia)
    assert str(old.end_date) == "2025-04-01"


def test_assign_refuses_an_executive_of_another_grid_without_naming_her(ledger, cast, client):
    client.force_login(cast.songhe_chair)
    data = {"executive": ledger.yi.pk}
    response = client.post(f"/api/v1/households/{ledger.h1.pk}/assign/", data, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["executive"] == [
        "该执委没有分配到该户所属或现居住的网格"
    ]


def test_covering_an_unrelocated_household_is_refused(ledger, cast, client):
    client.force_login(cast.songhe_chair)
    data = {"executive": ledger.wang_exec.pk, "kind": "covering"}
    response = client.post(f"/api/v1/households/{ledger.h1.pk}/assign/", data, content_type=JSON)
    assert response.status_code == 400 and "kind" in response.json()["extra"]["fields"]


def test_coverage_answers_the_figures_and_the_children(ledger, cast, tree, client):
    client.force_login(cast.township_cadre)
    body = client.get("/api/v1/households/coverage/", {"org": tree.helixi.pk}).json()
    assert body["org"]["name"] == "河沥溪街道"
    assert body["total"] == {
        "households": 6,
        "unassigned": 2,
        "double": 1,
        "unstaffed_grids": 1,
        "grids": 3,
        "covered_grids": 2,
        "uncovered": 1,
        "over_quota": 1,
    }
    assert [c["org"]["name"] for c in body["children"]] == ["嵩合社区", "港口村"]
    assert body["over_quota"][0]["executive_name"] == "甲"


def test_coverage_defaults_to_the_callers_unit(ledger, cast, client):
    client.force_login(cast.songhe_chair)
    body = client.get("/api/v1/households/coverage/").json()
    assert body["org"]["name"] == "嵩合社区" and body["total"]["households"] == 4


def test_administrators_get_no_coverage(ledger, cast, client):
    client.force_login(cast.system_admin)
    assert client.get("/api/v1/households/coverage/").status_code == 404
