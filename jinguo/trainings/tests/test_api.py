import pytest
from rest_framework.test import APIClient

from jinguo.trainings.models import Course, Session
from jinguo.trainings.tests.conftest import END, START


@pytest.fixture
def api():
    def _as(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _as


def test_the_course_list_is_scoped(plan, cast, api):
    response = api(cast.songhe_chair).get("/api/v1/trainings/courses/")
    assert response.status_code == 200
    assert [c["title"] for c in response.json()["results"]] == ["家庭教育指导"]


def test_a_cadre_creates_a_course_a_leader_cannot(plan, cast, tree, api):
    body = {"title": "数字技能", "topic": "digital", "audience": "both", "planned_hours": "4"}
    response = api(cast.township_cadre).post("/api/v1/trainings/courses/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["org"] == {"id": tree.helixi.pk, "name": "河沥溪街道"}
    refused = api(cast.county_leader).post("/api/v1/trainings/courses/", body, format="json")
    assert refused.status_code == 403
    out = api(cast.songhe_chair).post(
        "/api/v1/trainings/courses/", {**body, "org": tree.gangkou.pk}, format="json"
    )
    assert out.status_code == 404
    assert Course.objects.filter(title="数字技能").count() == 1


def test_the_course_detail_lists_sessions_and_enrolments(plan, cast, api):
    response = api(cast.township_cadre).get(f"/api/v1/trainings/courses/{plan.a.pk}/")
    data = response.json()
    assert response.status_code == 200 and len(data["enrolments"]) == 3
    assert {s["id"]: s["person_times"] for s in data["sessions"]}[plan.a1.pk] == 2


def test_gangkou_chair_gets_404_on_every_songhe_course_operation(plan, cast, people, api):
    client = api(cast.gangkou_chair)
    assert client.get(f"/api/v1/trainings/courses/{plan.b.pk}/").status_code == 404
    body = {"held_on": "2025-09-01", "hours": "2", "place": "x"}
    assert (
        client.post(
            f"/api/v1/trainings/courses/{plan.b.pk}/sessions/", body, format="json"
        ).status_code
        == 404
    )
    enrol = {"people": [people.gangkou_exec.pk]}
    assert (
        client.post(
            f"/api/v1/trainings/courses/{plan.b.pk}/enrolments/", enrol, format="json"
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/trainings/sessions/{plan.b1.pk}/held/").status_code == 404
    assert (
        client.post(
            f"/api/v1/trainings/sessions/{plan.b1.pk}/attendance/", {"attended": []}, format="json"
        ).status_code
        == 404
    )


def test_a_leader_gets_403_on_api_writes(plan, cast, api):
    client = api(cast.county_leader)
    body = {"held_on": "2025-09-01", "hours": "2", "place": "x"}
    assert (
        client.post(
            f"/api/v1/trainings/courses/{plan.a.pk}/sessions/", body, format="json"
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/trainings/sessions/{plan.a1.pk}/attendance/", {"attended": []}, format="json"
        ).status_code
        == 403
    )


def test_session_create_held_and_attendance_through_the_api(plan, cast, people, api):
    client = api(cast.songhe_chair)
    body = {"held_on": "2025-09-01", "hours": "2.5", "place": "社区活动室", "trainer": "王老师"}
    created = client.post(f"/api/v1/trainings/courses/{plan.b.pk}/sessions/", body, format="json")
    assert created.status_code == 201, created.json()
    session_id = created.json()["id"]
    held = client.post(f"/api/v1/trainings/sessions/{session_id}/held/")
    assert held.status_code == 200 and held.json()["status"] == "held"
    response = client.post(
        f"/api/v1/trainings/sessions/{session_id}/attendance/",
        {"attended": [plan.resident.pk], "walk_ins": [people.chengjiawan_exec.pk]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    ticks = {row["person"]["name"]: row["attended"] for row in response.json()}
    assert ticks == {"居民甲": True, "程丽": True, "汪秀兰": False}
    assert Session.objects.get(pk=session_id).attendances.filter(attended=True).count() == 2


def test_a_person_out_of_scope_is_a_400_not_silently_accepted(plan, cast, people, api):
    response = api(cast.songhe_chair).post(
        f"/api/v1/trainings/courses/{plan.b.pk}/enrolments/",
        {"people": [people.gangkou_exec.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "people" in response.json()["extra"]["fields"]


def test_a_person_id_beyond_any_key_is_a_400_not_a_server_error(plan, cast, people, api):
    # Found by the API fuzz: SQLite cannot bind an integer above 2**63 - 1 in an IN list.
    client, before = api(cast.songhe_chair), plan.b.enrolments.count()
    for huge in (2**70, -(2**70)):
        response = client.post(
            f"/api/v1/trainings/courses/{plan.b.pk}/enrolments/",
            {"people": [people.wushan_exec.pk, huge]},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["extra"]["fields"]["people"] == ["所选人员不存在"]
    assert plan.b.enrolments.count() == before


def test_attendance_for_a_planned_session_is_a_400(plan, cast, api):
    planned = Session.objects.create(course=plan.b, held_on=START, hours=2, place="x")
    response = api(cast.songhe_chair).post(
        f"/api/v1/trainings/sessions/{planned.pk}/attendance/", {"attended": []}, format="json"
    )
    assert response.status_code == 400


def test_coverage_and_figures_through_the_api(plan, cast, tree, api):
    client = api(cast.township_cadre)
    params = {"org": tree.helixi.pk, "start": START.isoformat(), "end": END.isoformat()}
    coverage = client.get("/api/v1/trainings/coverage/", params).json()
    assert coverage["total"]["sessions"] == 3 and coverage["total"]["person_times"] == 5
    assert [c["org"]["name"] for c in coverage["children"]] == ["嵩合社区", "港口村"]
    figures = {f["key"]: f for f in client.get("/api/v1/trainings/figures/", params).json()}
    assert figures["trainings.person_times"]["value"] == 5
    assert figures["trainings.sessions"]["url"].startswith("/trainings/sessions/?")
    outside = api(cast.gangkou_chair).get("/api/v1/trainings/coverage/", params)
    assert outside.status_code == 404
