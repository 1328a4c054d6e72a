import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jinguo.audit.models import AuditEvent
from jinguo.orgs.models import OrgUnit, OrgUnitChange, Venue
from jinguo.orgs.services import org_create, org_update, venue_create

K = OrgUnit.Kind
JSON = "application/json"


def orgs_url() -> str:
    return "/api/v1/orgs/"


def org_url(org: OrgUnit, suffix: str = "") -> str:
    return f"/api/v1/orgs/{org.pk}/{suffix}"


def call(client: Client, endpoint: str, org: OrgUnit, other: OrgUnit):
    """One request to `endpoint` about `org` (with `other` as a second unit where one is needed);
    the payloads are valid, so only access decides the answer."""
    if endpoint == "list":
        return client.get(orgs_url(), {"parent": org.pk})
    if endpoint == "detail":
        return client.get(org_url(org))
    if endpoint == "history":
        return client.get(org_url(org, "history/"))
    if endpoint == "create":
        data = {"parent": org.pk, "name": "新网格", "kind": K.AGENCY, "code": ""}
        return client.post(orgs_url(), data, content_type=JSON)
    if endpoint == "update":
        return client.patch(org_url(org), {"name": "改名"}, content_type=JSON)
    if endpoint == "move":
        return client.post(org_url(org, "move/"), {"parent": other.pk}, content_type=JSON)
    if endpoint == "move_to":  # move `other` under `org`
        return client.post(org_url(other, "move/"), {"parent": org.pk}, content_type=JSON)
    raise AssertionError(endpoint)


READS = ["list", "detail", "history"]
WRITES = ["create", "update", "move", "move_to"]


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def tree_state() -> tuple[list[tuple], int, int]:
    """Everything a refused write must leave alone: the units, their history, the audit log."""
    rows = OrgUnit.objects.values_list("pk", "name", "code", "parent_id", "path", "is_active")
    return (
        list(rows),
        OrgUnitChange.objects.count(),
        AuditEvent.objects.exclude(action__startswith="access.").count(),
    )


# --- scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", READS + WRITES)
def test_every_endpoint_is_404_for_a_unit_in_another_village(tree, cast, login, endpoint):
    before = tree_state()
    response = call(login(cast.songhe_chair), endpoint, tree.gangkou, tree.wushan)
    assert response.status_code == 404
    assert response.json()["message"]
    assert tree_state() == before


@pytest.mark.parametrize("endpoint", READS + WRITES)
def test_every_endpoint_is_404_for_a_unit_in_another_county(tree, cast, login, endpoint):
    before = tree_state()
    response = call(login(cast.county_cadre), endpoint, tree.jianping, tree.gangkou)
    assert response.status_code == 404
    assert tree_state() == before


@pytest.mark.parametrize("endpoint", READS + WRITES)
def test_every_endpoint_is_404_for_a_unit_that_does_not_exist(tree, cast, login, endpoint):
    missing = OrgUnit(pk=99_999_999, path="x")
    response = call(login(cast.city_cadre), endpoint, missing, tree.wushan)
    assert response.status_code == 404


def test_grid_member_sees_only_her_grid(tree, cast, login):
    client = login(cast.wushan_member)
    assert ids(client.get(orgs_url())) == {tree.wushan.pk}
    assert client.get(org_url(tree.wushan)).status_code == 200
    assert client.get(org_url(tree.chengjiawan)).status_code == 404
    assert client.get(org_url(tree.songhe)).status_code == 404


@pytest.mark.parametrize("username", ["system_admin", "security_admin", "audit_admin"])
def test_administrators_see_an_empty_list_and_no_unit(tree, cast, login, username):
    client = login(getattr(cast, username))
    response = client.get(orgs_url())
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert client.get(org_url(tree.city)).status_code == 404
    assert client.get(org_url(tree.city, "history/")).status_code == 404


@pytest.mark.parametrize("endpoint", WRITES)
def test_leader_gets_403_on_every_write(tree, cast, login, endpoint):
    before = tree_state()
    response = call(login(cast.county_leader), endpoint, tree.songhe, tree.gangkou)
    assert response.status_code == 403
    assert response.json() == {"message": response.json()["message"], "extra": {}}
    assert tree_state() == before


@pytest.mark.parametrize("endpoint", READS)
def test_leader_reads_units_in_scope(tree, cast, login, endpoint):
    response = call(login(cast.county_leader), endpoint, tree.songhe, tree.gangkou)
    assert response.status_code == 200


@pytest.mark.parametrize("endpoint", READS + WRITES)
def test_anonymous_is_refused_every_endpoint(tree, client, endpoint):
    before = tree_state()
    response = call(client, endpoint, tree.songhe, tree.gangkou)
    assert response.status_code in (401, 403)
    assert tree_state() == before


def test_writes_without_a_csrf_token_are_refused(tree, cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.songhe_chair)
    for endpoint in WRITES:
        assert call(client, endpoint, tree.songhe, tree.wushan).status_code == 403
    assert not OrgUnit.objects.filter(name__in=["新网格", "改名"]).exists()


def test_unsupported_methods_are_405_naming_the_methods_of_the_route(tree, cast, login):
    client = login(cast.songhe_chair)
    response = client.delete(org_url(tree.songhe))
    assert response.status_code == 405
    assert set(response.json()) == {"message", "extra"}
    assert response["Allow"] == "GET, HEAD, OPTIONS, PATCH"
    response = client.put(orgs_url(), {}, content_type=JSON)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.post(org_url(tree.songhe), {}, content_type=JSON).status_code == 405


# --- list and detail ---------------------------------------------------------------------------


def test_list_shows_the_visible_active_units_with_their_fields(tree, cast, login):
    response = login(cast.township_cadre).get(orgs_url())
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    names = ["helixi", "songhe", "wushan", "chengjiawan", "gangkou", "gangkou_grid"]
    assert ids(response) == {getattr(tree, name).pk for name in names}
    wushan = next(row for row in body["results"] if row["id"] == tree.wushan.pk)
    assert wushan == {
        "id": tree.wushan.pk,
        "name": "巫山组网格",
        "kind": "grid",
        "kind_label": "网格",
        "code": "341881001001001",
        "parent": tree.songhe.pk,
        "depth": 5,
        "is_active": True,
    }


def test_list_filters_by_parent_kind_and_query(tree, cast, login):
    client = login(cast.county_cadre)
    assert ids(client.get(orgs_url(), {"parent": tree.helixi.pk})) == {
        tree.songhe.pk,
        tree.gangkou.pk,
    }
    assert ids(client.get(orgs_url(), {"kind": "grid"})) == {
        tree.wushan.pk,
        tree.chengjiawan.pk,
        tree.gangkou_grid.pk,
    }
    assert ids(client.get(orgs_url(), {"q": "港口"})) == {tree.gangkou.pk, tree.gangkou_grid.pk}
    assert ids(client.get(orgs_url(), {"q": "341881001001"})) == {
        tree.songhe.pk,
        tree.wushan.pk,
        tree.chengjiawan.pk,
    }
    both = client.get(orgs_url(), {"parent": tree.songhe.pk, "q": "程家"})
    assert ids(both) == {tree.chengjiawan.pk}


def test_list_ignores_empty_filters(tree, cast, login):
    response = login(cast.songhe_chair).get(orgs_url(), {"parent": "", "kind": "", "q": ""})
    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_list_rejects_an_unknown_kind_with_400(tree, cast, login):
    response = login(cast.county_cadre).get(orgs_url(), {"kind": "planet"})
    assert response.status_code == 400
    assert "kind" in response.json()["extra"]["fields"]


def test_list_leaves_out_merged_units(tree, cast, login):
    OrgUnit.objects.filter(pk=tree.chengjiawan.pk).update(is_active=False)
    assert tree.chengjiawan.pk not in ids(login(cast.songhe_chair).get(orgs_url()))


def test_list_is_paginated(tree, cast, login):
    client = login(cast.city_cadre)
    first = client.get(orgs_url(), {"page_size": 5}).json()
    assert first["count"] == 11
    assert len(first["results"]) == 5
    assert first["next"] and first["previous"] is None
    last = client.get(orgs_url(), {"page_size": 5, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    pages = [client.get(orgs_url(), {"page_size": 5, "page": n}) for n in (1, 2, 3)]
    assert set().union(*(ids(page) for page in pages)) == set(
        OrgUnit.objects.values_list("pk", flat=True)
    )
    assert client.get(orgs_url(), {"page": 9}).status_code == 404


def test_detail_has_children_count_and_active_venues(tree, cast, login):
    venue = venue_create(
        actor=cast.songhe_chair,
        org=tree.songhe,
        kind=Venue.Kind.WOMEN_HOME,
        name="嵩合妇女之家",
        address="嵩合路1号",
    )
    closed = venue_create(
        actor=cast.songhe_chair, org=tree.songhe, kind="mediation_room", name="旧调解室"
    )
    Venue.objects.filter(pk=closed.pk).update(is_active=False)
    body = login(cast.songhe_chair).get(org_url(tree.songhe)).json()
    assert body["id"] == tree.songhe.pk and body["parent"] == tree.helixi.pk
    assert body["children_count"] == 2
    assert body["venues"] == [
        {
            "id": venue.pk,
            "kind": "women_home",
            "kind_label": "妇女之家",
            "name": "嵩合妇女之家",
            "address": "嵩合路1号",
        }
    ]


# --- create, update, move ----------------------------------------------------------------------


def test_create_adds_a_unit_under_a_parent_in_scope(tree, cast, login):
    data = {
        "parent": tree.songhe.pk,
        "name": "新村组网格",
        "kind": "grid",
        "code": "341881001001003",
    }
    response = login(cast.songhe_chair).post(orgs_url(), data, content_type=JSON)
    assert response.status_code == 201
    org = OrgUnit.objects.get(pk=response.json()["id"])
    assert (org.name, org.code, org.parent_id) == ("新村组网格", "341881001001003", tree.songhe.pk)
    assert response.json()["children_count"] == 0 and response.json()["venues"] == []
    change = org.changes.get()
    assert (change.action, change.actor) == ("create", cast.songhe_chair)


def test_grid_member_may_add_below_her_grid(tree, cast, login):
    code = "341881001001001001"
    data = {"parent": tree.wushan.pk, "name": "一号微网格", "kind": "micro_grid", "code": code}
    response = login(cast.wushan_member).post(orgs_url(), data, content_type=JSON)
    assert response.status_code == 201


def test_create_with_a_bad_code_is_400_in_chinese_and_writes_nothing(tree, cast, login):
    before = tree_state()
    data = {"parent": tree.songhe.pk, "name": "新村组网格", "kind": "grid", "code": "3418810010"}
    response = login(cast.songhe_chair).post(orgs_url(), data, content_type=JSON)
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "提交的数据有误"
    assert body["extra"]["fields"]["code"] == ["网格的区划代码应为15位数字，实际为10位"]
    assert tree_state() == before


def test_create_with_missing_fields_is_400_per_field(tree, cast, login):
    response = login(cast.songhe_chair).post(orgs_url(), {}, content_type=JSON)
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"parent", "name", "kind"}


def test_create_checks_the_tree_structure(tree, cast, login):
    data = {"parent": tree.songhe.pk, "name": "怪镇", "kind": "township", "code": "341881002000"}
    response = login(cast.songhe_chair).post(orgs_url(), data, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["kind"] == ["乡镇（街道）不能设在社区之下"]


def test_update_renames_and_keeps_what_is_not_sent(tree, cast, login):
    response = login(cast.songhe_chair).patch(
        org_url(tree.wushan), {"name": "巫山网格"}, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json()["name"] == "巫山网格"
    tree.wushan.refresh_from_db()
    assert (tree.wushan.name, tree.wushan.code) == ("巫山网格", "341881001001001")
    assert tree.wushan.changes.first().actor == cast.songhe_chair


def test_update_with_a_code_in_use_is_400(tree, cast, login):
    response = login(cast.songhe_chair).patch(
        org_url(tree.wushan), {"code": "341881001001002"}, content_type=JSON
    )
    assert response.status_code == 400
    assert "程家湾组网格" in response.json()["extra"]["fields"]["code"][0]


def test_move_takes_a_grid_to_another_village_with_a_new_code(tree, cast, login):
    data = {"parent": tree.gangkou.pk, "code": "341881001002002"}
    response = login(cast.township_cadre).post(
        org_url(tree.wushan, "move/"), data, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json()["parent"] == tree.gangkou.pk
    tree.wushan.refresh_from_db()
    assert tree.wushan.parent_id == tree.gangkou.pk
    assert tree.wushan.path.startswith(tree.gangkou.path)
    assert tree.wushan.code == "341881001002002"
    assert tree.wushan.changes.first().action == "move"


def test_move_across_scope_is_refused_with_404(tree, cast, login):
    before = tree_state()
    # To a parent she cannot see, and of a unit she cannot see:
    chair = login(cast.songhe_chair)
    to_gangkou = {"parent": tree.gangkou.pk, "code": "341881001002002"}
    assert (
        chair.post(org_url(tree.wushan, "move/"), to_gangkou, content_type=JSON).status_code == 404
    )
    to_songhe = {"parent": tree.songhe.pk, "code": "341881001001009"}
    response = chair.post(org_url(tree.gangkou_grid, "move/"), to_songhe, content_type=JSON)
    assert response.status_code == 404
    # A county cadre cannot move a township into another county.
    response = login(cast.county_cadre).post(
        org_url(tree.helixi, "move/"), {"parent": tree.langxi.pk}, content_type=JSON
    )
    assert response.status_code == 404
    assert tree_state() == before


def test_move_below_itself_is_400(tree, cast, login):
    response = login(cast.songhe_chair).post(
        org_url(tree.songhe, "move/"), {"parent": tree.wushan.pk}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["parent"] == ["不能移动到自身或其下级组织之下"]


# --- history -----------------------------------------------------------------------------------


def test_history_lists_changes_newest_first(tree, cast, login):
    org_update(actor=cast.songhe_chair, org=tree.wushan, name="巫山网格", code=tree.wushan.code)
    body = login(cast.songhe_chair).get(org_url(tree.wushan, "history/")).json()
    assert body["count"] == 2
    update, create = body["results"]
    assert update["action"] == "update" and update["action_label"] == "修改"
    assert update["actor"] == "songhe_chair"
    assert update["old"]["name"] == "巫山组网格" and update["new"]["name"] == "巫山网格"
    assert create["action"] == "create" and create["actor"] is None
    assert set(update) == {"action", "action_label", "at", "actor", "old", "new", "note"}


# --- queries -----------------------------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_grids(parent: OrgUnit, first: int, n: int, actor=None) -> None:
    for i in range(first, first + n):
        org = org_create(
            actor=actor, parent=parent, name=f"网格{i}", kind=K.GRID, code=f"{parent.code}{i:03d}"
        )
        org_update(actor=actor, org=org, name=f"网格{i}号", code=org.code)


def test_list_query_count_does_not_grow_with_the_rows(tree, cast, login, django_assert_num_queries):
    client = login(cast.songhe_chair)
    baseline = count_queries(client, orgs_url())
    add_grids(tree.songhe, 10, 20)
    with django_assert_num_queries(baseline):
        response = client.get(orgs_url())
    assert response.json()["count"] == 23


def test_history_query_count_does_not_grow_with_the_rows(
    tree, cast, login, django_assert_num_queries
):
    client = login(cast.songhe_chair)
    baseline = count_queries(client, org_url(tree.wushan, "history/"))
    for i in range(10):
        org_update(actor=cast.songhe_chair, org=tree.wushan, name=f"巫山{i}", code=tree.wushan.code)
    with django_assert_num_queries(baseline):
        response = client.get(org_url(tree.wushan, "history/"))
    assert response.json()["count"] == 11


def test_detail_query_count_does_not_grow_with_children_or_venues(
    tree, cast, login, django_assert_num_queries
):
    client = login(cast.songhe_chair)
    baseline = count_queries(client, org_url(tree.songhe))
    add_grids(tree.songhe, 10, 5)
    for i in range(5):
        venue_create(actor=cast.songhe_chair, org=tree.songhe, kind="women_home", name=f"之家{i}")
    with django_assert_num_queries(baseline):
        response = client.get(org_url(tree.songhe))
    assert response.json()["children_count"] == 7 and len(response.json()["venues"]) == 5
