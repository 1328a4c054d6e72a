import datetime as dt

import pytest
from django.utils import timezone

from jinguo.meetings.models import Meeting
from jinguo.meetings.tests.factories import held, plan, resolution

TODAY = timezone.localdate


@pytest.fixture
def meeting(tree, execs) -> Meeting:
    return held(tree.songhe, execs, title="议事会", minutes="纪要")


def post(client, url: str, **body):
    return client.post(url, body, content_type="application/json")


def test_the_list_is_scoped_and_filtered(login, cast, tree, meeting, people):
    held(tree.gangkou, [people.gangkou_exec])
    plan(tree.songhe)
    body = login(cast.songhe_chair).get("/api/v1/meetings/?status=held").json()
    assert body["count"] == 1 and body["results"][0]["title"] == "议事会"
    assert body["results"][0]["topic_count"] == 0


def test_the_list_does_not_query_per_row(login, cast, tree, execs, count_queries):
    client = login(cast.songhe_chair)
    resolution(held(tree.songhe, execs), "adopted")
    few = count_queries(lambda: client.get("/api/v1/meetings/"))
    res_few = count_queries(lambda: client.get("/api/v1/meetings/resolutions/"))
    for _i in range(3):
        resolution(held(tree.wushan, execs), "done")
    assert count_queries(lambda: client.get("/api/v1/meetings/")) == few
    assert count_queries(lambda: client.get("/api/v1/meetings/resolutions/")) == res_few


def test_the_whole_loop_through_the_api(login, cast, tree, execs):
    client = login(cast.songhe_chair)
    when = (timezone.now() + dt.timedelta(days=1)).isoformat()
    created = post(
        client,
        "/api/v1/meetings/",
        org=tree.songhe.pk,
        kind="women_council",
        title="API 议事会",
        planned_at=when,
        executives=[p.pk for p in execs],
    )
    assert created.status_code == 201, created.json()
    mid = created.json()["id"]
    answer = post(client, f"/api/v1/meetings/{mid}/topics/", title="路灯", raised_by=execs[0].pk)
    assert answer.status_code == 201
    topic_id = answer.json()["topics"][0]["id"]
    answer = post(client, f"/api/v1/meetings/topics/{topic_id}/resolutions/", content="修路灯")
    assert answer.status_code == 201 and answer.json()["allowed_actions"] == []
    rid = answer.json()["id"]
    answer = post(
        client, f"/api/v1/meetings/{mid}/held/", held_on=TODAY().isoformat(), attended=[execs[0].pk]
    )
    assert answer.status_code == 200 and answer.json()["status"] == "held"
    url = f"/api/v1/meetings/resolutions/{rid}/actions/"
    assert post(client, url, action="adopt").json()["status"] == "adopted"
    answer = post(
        client, url, action="forward", forwarded_on=TODAY().isoformat(), forwarded_to="两委"
    )
    assert answer.json()["status"] == "forwarded"
    assert post(client, url, action="start").json()["status"] == "in_progress"
    answer = post(client, url, action="complete", done_on=TODAY().isoformat(), result="已修好")
    assert answer.json()["status"] == "done"
    assert post(client, url, action="adopt").status_code == 400
    detail = client.get(f"/api/v1/meetings/{mid}/").json()
    assert detail["topics"][0]["resolutions"][0]["status"] == "done"
    assert detail["attendees"][0]["attended"] in (True, False)


def test_a_person_of_another_village_is_refused(login, cast, tree, people):
    answer = post(
        login(cast.songhe_chair),
        "/api/v1/meetings/",
        org=tree.songhe.pk,
        kind="quarterly",
        title="x",
        planned_at=timezone.now().isoformat(),
        residents=[people.gangkou_exec.pk],
    )
    assert answer.status_code == 400 and "residents" in answer.json()["extra"]["fields"]


def test_a_person_id_beyond_any_key_is_a_400_not_a_server_error(login, cast, tree):
    # Found by the API fuzz: SQLite cannot bind an integer above 2**63 - 1 in an IN list.
    answer = post(
        login(cast.songhe_chair),
        "/api/v1/meetings/",
        org=tree.songhe.pk,
        kind="quarterly",
        title="超大编号",
        planned_at=timezone.now().isoformat(),
        executives=[2**70],
    )
    assert answer.status_code == 400
    assert answer.json()["extra"]["fields"]["executives"] == ["所选人员不存在"]
    assert not Meeting.objects.filter(title="超大编号").exists()


def test_gangkou_chair_gets_404_on_songhe_records(login, cast, meeting):
    r = resolution(meeting, "adopted")
    client = login(cast.gangkou_chair)
    assert client.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert post(client, f"/api/v1/meetings/{meeting.pk}/topics/", title="x").status_code == 404
    assert post(client, f"/api/v1/meetings/{meeting.pk}/cancel/", reason="x").status_code == 404
    held_url = f"/api/v1/meetings/{meeting.pk}/held/"
    assert post(client, held_url, held_on=TODAY().isoformat()).status_code == 404
    url = f"/api/v1/meetings/topics/{r.topic_id}/resolutions/"
    assert post(client, url, content="x").status_code == 404
    url = f"/api/v1/meetings/resolutions/{r.pk}/actions/"
    assert post(client, url, action="forward").status_code == 404


def test_county_leader_gets_403_on_writes(login, cast, tree, meeting):
    r = resolution(meeting, "adopted")
    client = login(cast.county_leader)
    assert client.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 200
    answer = post(
        client,
        "/api/v1/meetings/",
        org=tree.songhe.pk,
        kind="quarterly",
        title="x",
        planned_at=timezone.now().isoformat(),
    )
    assert answer.status_code == 403
    assert post(client, f"/api/v1/meetings/{meeting.pk}/topics/", title="x").status_code == 403
    url = f"/api/v1/meetings/resolutions/{r.pk}/actions/"
    assert post(client, url, action="forward").status_code == 403


def test_the_figures_endpoint(login, cast, meeting):
    resolution(meeting, "done")
    body = login(cast.songhe_chair).get("/api/v1/meetings/figures/").json()
    values = {f["key"]: f["value"] for f in body}
    assert values["meetings.held"] == 1 and values["meetings.implementation_rate"] == 100.0
