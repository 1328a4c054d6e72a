import jsonschema_rs
import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from jinguo.activities import services
from jinguo.activities.models import ActivitySeries, ServiceHours, VolunteerTeam
from jinguo.activities.tests.conftest import past

API = "/api/v1"


@pytest.fixture
def api(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_create_list_and_detail_an_activity(world, cast, tree, people, api):
    client = api(cast.songhe_chair)
    response = post(
        client,
        f"{API}/activities/",
        {
            "kind": "culture_sport",
            "title": "广场舞比赛",
            "starts_on": past(2).isoformat(),
            "venue": world.home.pk,
            "organisers": [people.wushan_exec.pk],
        },
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "planned" and created["venue"]["name"] == "嵩合社区妇女之家"
    listed = client.get(f"{API}/activities/?kind=culture_sport").json()
    assert [row["title"] for row in listed["results"]] == ["广场舞比赛"]
    detail = client.get(f"{API}/activities/{created['id']}/").json()
    assert detail["organisers"] == [{"id": people.wushan_exec.pk, "name": "汪秀兰"}]


def test_an_organiser_or_venue_of_another_village_is_refused(world, cast, people, api):
    client = api(cast.songhe_chair)
    base = {"kind": "lecture", "title": "x", "starts_on": past(1).isoformat()}
    assert (
        post(
            client, f"{API}/activities/", base | {"organisers": [people.gangkou_exec.pk]}
        ).status_code
        == 404
    )
    response = post(client, f"{API}/activities/", base | {"venue": world.gangkou_home.pk})
    assert response.status_code == 400 and "venue" in response.json()["extra"]["fields"]


def test_headcount_below_attended_is_a_400_in_chinese(world, cast, api):
    client = api(cast.songhe_chair)
    a = world.activity.pk
    for name in ("甲", "乙"):
        p = post(client, f"{API}/activities/{a}/participants/", {"name": name}).json()
        post(client, f"{API}/activities/{a}/participants/{p['id']}/attendance/", {"attended": True})
    refused = post(client, f"{API}/activities/{a}/held/", {"headcount": 1, "summary": "x"})
    assert refused.status_code == 400
    assert "不能少于已到场的报名人数" in str(refused.json()["extra"]["fields"]["headcount"])
    done = post(client, f"{API}/activities/{a}/held/", {"headcount": 25, "summary": "好"})
    assert done.status_code == 200 and done.json()["headcount"] == 25


def test_series_create_and_schedule_idempotently(world, cast, api):
    client = api(cast.songhe_chair)
    created = post(
        client,
        f"{API}/activity-series/",
        {
            "kind": "volunteer_service",
            "title": "爱心义剪",
            "rule": "monthly",
            "day_of_month": 17,
            "starts_on": past(60).isoformat(),
            "venue": world.home.pk,
        },
    )
    assert created.status_code == 201, created.json()
    sid = created.json()["id"]
    first = post(client, f"{API}/activity-series/{sid}/schedule/", {})
    assert first.status_code == 200 and len(first.json()) >= 4
    assert post(client, f"{API}/activity-series/{sid}/schedule/", {}).json() == []
    assert client.get(f"{API}/activity-series/").json()["count"] == 1


def test_team_create_member_add_and_hours(world, cast, people, api):
    client = api(cast.songhe_chair)
    team = post(client, f"{API}/volunteer-teams/", {"name": "巾帼红服务队"})
    assert team.status_code == 201 and team.json()["members"] == 0
    tid = team.json()["id"]
    member = post(
        client, f"{API}/volunteer-teams/{tid}/members/", {"person": people.chengjiawan_exec.pk}
    )
    assert member.status_code == 201
    twice = post(
        client, f"{API}/volunteer-teams/{tid}/members/", {"person": people.chengjiawan_exec.pk}
    )
    assert twice.status_code == 400
    hours = post(
        client,
        f"{API}/volunteer-memberships/{member.json()['id']}/hours/",
        {"served_on": past(0).isoformat(), "hours": "3.5", "activity": world.activity.pk},
    )
    assert hours.status_code == 201 and hours.json()["hours"] == "3.5"
    listed = client.get(f"{API}/volunteer-teams/").json()["results"]
    assert {row["name"] for row in listed} == {"巾帼红服务队", "嵩合巾帼志愿者服务队"}


def test_figures_through_the_api(world, cast, tree, api):
    services.activity_hold(
        actor=cast.songhe_chair, activity=world.activity, headcount=9, summary="x"
    )
    rows = (
        api(cast.township_cadre)
        .get(f"{API}/activities/figures/?org={tree.songhe.pk}&start={past(30)}")
        .json()
    )
    values = {row["key"]: row["value"] for row in rows}
    assert values["activities.held"] == 1 and values["activities.person_times"] == 9


def test_gangkou_chair_gets_404_on_songhe_records_through_the_api(world, cast, people, api):
    client = api(cast.gangkou_chair)
    a, t, m = world.activity.pk, world.team.pk, world.membership.pk
    series = services.series_create(
        actor=cast.songhe_chair,
        org=world.activity.org,
        kind="lecture",
        title="x",
        rule="weekly",
        weekday=1,
        starts_on=past(3),
    )
    p = services.activity_register(actor=cast.songhe_chair, activity=world.activity, name="甲")
    assert client.get(f"{API}/activities/{a}/").status_code == 404
    for url, data in [
        (f"/activities/{a}/participants/", {"name": "x"}),
        (f"/activities/{a}/participants/{p.pk}/attendance/", {"attended": True}),
        (f"/activities/{a}/held/", {"headcount": 3, "summary": "x"}),
        (f"/activities/{a}/cancel/", {"reason": "x"}),
        (f"/activity-series/{series.pk}/schedule/", {}),
        (f"/volunteer-teams/{t}/members/", {"person": people.gangkou_exec.pk}),
        (f"/volunteer-memberships/{m}/hours/", {"served_on": past(1).isoformat(), "hours": "1"}),
    ]:
        assert post(client, API + url, data).status_code == 404, url
    songhe = {
        "kind": "lecture",
        "title": "x",
        "starts_on": past(1).isoformat(),
        "org": world.activity.org_id,
    }
    assert post(client, f"{API}/activities/", songhe).status_code == 404
    assert client.get(f"{API}/activities/").json()["count"] == 1
    assert not ServiceHours.objects.exists()


def test_county_leader_gets_403_on_every_write_through_the_api(world, cast, people, api):
    client = api(cast.county_leader)
    a, t, m = world.activity.pk, world.team.pk, world.membership.pk
    assert client.get(f"{API}/activities/{a}/").status_code == 200
    for url, data in [
        ("/activities/", {"kind": "lecture", "title": "x", "starts_on": past(1).isoformat()}),
        (f"/activities/{a}/participants/", {"name": "x"}),
        (f"/activities/{a}/held/", {"headcount": 3, "summary": "x"}),
        (f"/activities/{a}/cancel/", {"reason": "x"}),
        (
            "/activity-series/",
            {
                "kind": "lecture",
                "title": "x",
                "rule": "weekly",
                "weekday": 1,
                "starts_on": past(1).isoformat(),
            },
        ),
        ("/volunteer-teams/", {"name": "x"}),
        (f"/volunteer-teams/{t}/members/", {"person": people.chengjiawan_exec.pk}),
        (f"/volunteer-memberships/{m}/hours/", {"served_on": past(1).isoformat(), "hours": "1"}),
    ]:
        assert post(client, API + url, data).status_code == 403, url
    assert not ActivitySeries.objects.exists() and VolunteerTeam.objects.count() == 1


def _property_schema(component: str, name: str) -> dict:
    with GENERATOR_STATS.silence():
        openapi = SchemaGenerator().get_schema(request=None, public=True)
    found = dict(openapi["components"]["schemas"][component]["properties"][name])
    found.pop("nullable", None)  # OpenAPI 3.0's, not JSON Schema's
    return found


def test_a_start_time_is_answered_in_the_form_its_schema_declares(world, cast, api):
    client = api(cast.songhe_chair)
    base = {"kind": "lecture", "title": "家庭教育讲座", "starts_on": past(1).isoformat()}
    created = post(client, f"{API}/activities/", base | {"start_time": "09:00"})
    assert created.status_code == 201, created.json()
    listed = client.get(f"{API}/activities/?kind=lecture").json()["results"]
    answered = next(row["start_time"] for row in listed if row["id"] == created.json()["id"])
    assert answered == "09:00:00"
    for component in ("ActivityListItem", "Activity", "ActivityDetail"):
        declared = _property_schema(component, "start_time")
        validator = jsonschema_rs.Draft4Validator(declared, validate_formats=True)
        assert validator.is_valid(answered), (component, declared)


def test_a_start_time_with_an_offset_is_refused_in_chinese(world, cast, api):
    client = api(cast.songhe_chair)
    base = {"kind": "lecture", "title": "家庭教育讲座", "starts_on": past(1).isoformat()}
    refused = post(client, f"{API}/activities/", base | {"start_time": "09:00:00+05:00"})
    assert refused.status_code == 400
    assert "北京时间" in str(refused.json()["extra"]["fields"]["start_time"])
