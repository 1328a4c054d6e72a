import pytest
from django.test import Client

from jinguo.audit.models import AuditEvent
from jinguo.people.models import Person, PersonChange
from jinguo.people.tests.factories import build_songhe, make_executive, make_id, make_person

JSON = "application/json"
PHONE = "13912345678"


@pytest.fixture
def wang(tree):
    return make_person(tree.songhe, "王小红", id_number=make_id(), phone=PHONE)


@pytest.fixture
def gang(tree):
    return make_executive(tree.gangkou, "港红梅", id_number=make_id(), phone=PHONE)


def call(client: Client, endpoint: str, person: Person):
    """One request to `endpoint` about `person` (valid payloads: only access decides)."""
    base = f"/api/v1/people/{person.pk}/"
    if endpoint == "list":
        return client.get("/api/v1/people/", {"org": person.org_id})
    if endpoint == "detail":
        return client.get(base)
    if endpoint == "roster":
        return client.get("/api/v1/people/executives/", {"org": person.org_id})
    if endpoint == "figures":
        return client.get("/api/v1/people/executives/figures/", {"org": person.org_id})
    if endpoint == "create":
        data = {"org": person.org_id, "name": "新人"}
        return client.post("/api/v1/people/", data, content_type=JSON)
    if endpoint == "update":
        return client.patch(base, {"name": "改名"}, content_type=JSON)
    if endpoint == "unmask":
        data = {"purpose": "contact", "reason": "电话联系本人核实住址"}
        return client.post(f"{base}unmask/", data, content_type=JSON)
    raise AssertionError(endpoint)


READS = ["list", "detail", "roster", "figures"]
WRITES = ["create", "update", "unmask"]


def state() -> tuple[list[tuple], int, int]:
    people = list(Person.objects.values_list("pk", "name", "org_id"))
    return (
        people,
        PersonChange.objects.count(),
        AuditEvent.objects.exclude(action__startswith="access.").count(),
    )


# --- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", READS + WRITES)
def test_every_endpoint_is_404_for_a_person_of_another_village(cast, login, gang, endpoint):
    before = state()
    response = call(login(cast.songhe_chair), endpoint, gang)
    assert response.status_code == 404 and response.json()["message"]
    assert state() == before


@pytest.mark.parametrize("endpoint", WRITES)
def test_leader_gets_403_on_every_write_and_on_unmask(cast, login, wang, endpoint):
    before = state()
    assert call(login(cast.county_leader), endpoint, wang).status_code == 403
    assert state() == before


@pytest.mark.parametrize("endpoint", READS)
def test_leader_reads_in_scope(cast, login, wang, endpoint):
    assert call(login(cast.county_leader), endpoint, wang).status_code == 200


@pytest.mark.parametrize("endpoint", READS + WRITES)
def test_anonymous_is_refused(wang, client, endpoint):
    assert call(client, endpoint, wang).status_code == 403


def test_writes_without_a_csrf_token_are_refused(cast, wang):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.songhe_chair)
    assert call(client, "unmask", wang).status_code == 403
    assert not AuditEvent.objects.filter(action="person.unmask").exists()


# --- reads --------------------------------------------------------------------------------------


def test_list_and_detail_mask_the_numbers(cast, login, wang):
    client = login(cast.songhe_chair)
    row = client.get("/api/v1/people/", {"q": "wxh"}).json()["results"][0]
    assert row["name"] == "王小红" and row["phone"] == "139****5678"
    assert row["id_number"] == wang.id_number[:6] + "********" + wang.id_number[-4:]
    detail = client.get(f"/api/v1/people/{wang.pk}/").content.decode()
    assert wang.id_number not in detail and PHONE not in detail


def test_list_searches_by_phone_tail_within_scope(cast, login, wang, gang):
    results = login(cast.township_cadre).get("/api/v1/people/", {"q": "5678"}).json()["results"]
    assert {r["name"] for r in results} == {"王小红", "港红梅"}
    results = login(cast.songhe_chair).get("/api/v1/people/", {"q": "5678"}).json()["results"]
    assert {r["name"] for r in results} == {"王小红"}


def test_detail_lists_seats_and_concurrent_posts(tree, cast, login):
    person = make_executive(
        tree.songhe, "陈芳", post="chair", concurrent=("two_committees", tree.songhe)
    )
    body = login(cast.songhe_chair).get(f"/api/v1/people/{person.pk}/").json()
    assert [s["post"] for s in body["seats"]] == ["chair"]
    assert [p["kind"] for p in body["concurrent_posts"]] == ["two_committees"]


def test_roster_filters_and_pages(tree, cast, login):
    build_songhe(tree)
    client = login(cast.songhe_chair)
    body = client.get("/api/v1/people/executives/", {"org": tree.songhe.pk}).json()
    assert body["count"] == 9
    body = client.get(
        "/api/v1/people/executives/", {"org": tree.songhe.pk, "concurrent": "two_committees"}
    ).json()
    assert {r["post"] for r in body["results"]} == {"chair", "vice_chair", "member"}
    assert body["results"][0]["concurrent_posts"] == ["two_committees"]


def test_roster_rejects_an_unknown_filter_value(tree, cast, login):
    response = login(cast.songhe_chair).get(
        "/api/v1/people/executives/", {"org": tree.songhe.pk, "post": "king"}
    )
    assert response.status_code == 400 and "post" in response.json()["extra"]["fields"]


def test_roster_query_count_does_not_grow_with_the_rows(tree, cast, login, count_queries):
    client = login(cast.songhe_chair)

    def run():
        return client.get("/api/v1/people/executives/", {"org": tree.songhe.pk})

    for i in range(3):
        make_executive(tree.songhe, f"甲{i}", concurrent=("group_leader", tree.wushan))
    few = count_queries(run)
    for i in range(9):
        make_executive(tree.songhe, f"乙{i}", concurrent=("grid_head", tree.wushan))
    assert count_queries(run) == few


def test_figures_are_the_songhe_ones(tree, cast, login):
    build_songhe(tree)
    body = (
        login(cast.songhe_chair)
        .get("/api/v1/people/executives/figures/", {"org": tree.songhe.pk})
        .json()
    )
    assert body["total"] == 9 and body["party_members"] == 4
    assert body["education"]["college_plus"] == 6 and body["concurrent"]["group_leader"] == 6


# --- writes -------------------------------------------------------------------------------------


def test_create_registers_a_person_and_answers_masked(tree, cast, login):
    number = make_id("19850312")
    response = login(cast.songhe_chair).post(
        "/api/v1/people/",
        {"org": tree.songhe.pk, "name": "李娟", "id_number": number, "phone": PHONE},
        content_type=JSON,
    )
    assert response.status_code == 201
    body = response.json()
    # Beside the masked number the birth date is the year only (issue 20).
    assert body["birth_year"] == 1985 and "birth_date" not in body and body["gender"] == "F"
    assert number not in response.content.decode()
    assert AuditEvent.objects.filter(action="person.create").exists()


def test_create_with_a_bad_id_number_is_400_on_the_field_in_chinese(tree, cast, login):
    response = login(cast.songhe_chair).post(
        "/api/v1/people/",
        {"org": tree.songhe.pk, "name": "李娟", "id_number": "341881850312002"},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert "15位旧身份证" in response.json()["extra"]["fields"]["id_number"][0]


def test_create_with_a_registered_number_is_400(tree, cast, login, wang):
    response = login(cast.songhe_chair).post(
        "/api/v1/people/",
        {"org": tree.songhe.pk, "name": "重复", "id_number": wang.id_number},
        content_type=JSON,
    )
    assert response.json()["extra"]["fields"]["id_number"] == ["该身份证号已登记"]


def test_update_changes_only_what_is_sent(cast, login, wang):
    response = login(cast.songhe_chair).patch(
        f"/api/v1/people/{wang.pk}/", {"education": "bachelor"}, content_type=JSON
    )
    assert response.status_code == 200
    wang.refresh_from_db()
    assert wang.education == "bachelor" and wang.phone == PHONE and wang.name == "王小红"


def test_unmask_returns_whole_numbers_uncached_and_audited(cast, login, wang):
    response = login(cast.songhe_chair).post(
        f"/api/v1/people/{wang.pk}/unmask/",
        {"purpose": "assistance", "reason": "填写临时救助申请"},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert response.json() == {
        "id_number": wang.id_number,
        "phone": PHONE,
        "birth_date": "1985-03-12",
    }
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="person.unmask")
    assert event.note == "办理救助/帮扶事项：填写临时救助申请"
    assert event.changes["purpose"] == "assistance"


def test_unmask_without_a_reason_is_400(cast, login, wang):
    response = login(cast.songhe_chair).post(
        f"/api/v1/people/{wang.pk}/unmask/",
        {"purpose": "contact", "reason": "看"},
        content_type=JSON,
    )
    assert response.status_code == 400 and "reason" in response.json()["extra"]["fields"]
    assert not AuditEvent.objects.filter(action="person.unmask").exists()
