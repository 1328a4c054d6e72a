"""The notices' and tasks' JSON API: the same rules as the pages."""

import datetime as dt

import pytest
from django.utils import timezone

from jinguo.notices.models import Notice, NoticeTarget, Task, TaskRecipient

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


@pytest.fixture
def api_notice(tree, cast, login) -> Notice:
    response = post(
        login(cast.township_cadre),
        "/api/v1/notices/",
        {"title": "关于开展家庭教育讲座的通知", "body": "请各社区组织。", "audience": "all"},
    )
    assert response.status_code == 201, response.content
    return Notice.objects.get(pk=response.json()["id"])


@pytest.fixture
def api_task(tree, cast, login) -> Task:
    response = post(
        login(cast.township_cadre),
        "/api/v1/notices/tasks/",
        {
            "title": "上报巾帼志愿者名单",
            "body": "请各社区上报。",
            "deadline": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
            "audience": "chosen",
            "units": [tree.songhe.pk, tree.gangkou.pk],
        },
    )
    assert response.status_code == 201, response.content
    return Task.objects.get(pk=response.json()["id"])


def test_the_township_sends_a_notice_through_the_api(api_notice):
    assert api_notice.targets.count() == 5


def test_a_community_reads_it_and_the_receipts_count_it(api_notice, cast, tree, login):
    client = login(cast.songhe_chair)
    assert [n["id"] for n in client.get("/api/v1/notices/").json()["results"]] == [api_notice.pk]
    assert post(client, f"/api/v1/notices/{api_notice.pk}/read/").json() == {"marked": True}
    assert NoticeTarget.objects.get(notice=api_notice, org=tree.songhe).read_by == cast.songhe_chair
    receipts = login(cast.township_cadre).get(f"/api/v1/notices/{api_notice.pk}/receipts/").json()
    assert (receipts["total"], receipts["read"], receipts["unread"]) == (5, 1, 4)
    assert len(receipts["units"]) == 5
    unread = login(cast.township_cadre).get(
        f"/api/v1/notices/{api_notice.pk}/receipts/?state=unread"
    )
    assert len(unread.json()["units"]) == 4


def test_another_county_gets_404_and_a_recipient_cannot_remind(api_notice, cast, login):
    assert login(cast.langxi_cadre).get(f"/api/v1/notices/{api_notice.pk}/").status_code == 404
    assert (
        post(login(cast.songhe_chair), f"/api/v1/notices/{api_notice.pk}/remind/").status_code
        == 403
    )
    assert post(login(cast.township_cadre), f"/api/v1/notices/{api_notice.pk}/remind/").json() == {
        "reminded": 5
    }


def test_a_unit_outside_cannot_be_chosen(cast, tree, login):
    response = post(
        login(cast.township_cadre),
        "/api/v1/notices/",
        {"title": "x", "body": "y", "audience": "chosen", "units": [tree.dongmen.pk]},
    )
    assert response.status_code == 400
    assert not Notice.objects.exists()


def test_a_community_returns_the_task_and_the_sender_sees_it_done(api_task, cast, tree, login):
    client = login(cast.songhe_chair)
    items = client.get("/api/v1/notices/tasks/").json()
    assert [i["title"] for i in items] == [api_task.title]
    done = post(client, f"/api/v1/notices/tasks/{api_task.pk}/return/", {"text": "已上报12人。"})
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "done"
    receipts = login(cast.township_cadre).get(f"/api/v1/notices/tasks/{api_task.pk}/receipts/")
    body = receipts.json()
    assert (body["total"], body["done"], body["late"], body["pending"]) == (2, 1, 0, 1)


def test_the_sender_reopens_reminds_and_closes(api_task, cast, tree, login):
    row = TaskRecipient.objects.get(task=api_task, org=tree.songhe)
    post(login(cast.songhe_chair), f"/api/v1/notices/tasks/{api_task.pk}/return/", {"text": "好"})
    sender = login(cast.township_cadre)
    reopened = post(
        sender, f"/api/v1/notices/tasks/recipients/{row.pk}/reopen/", {"reason": "补充"}
    )
    assert reopened.json()["status"] == "pending"
    assert post(sender, f"/api/v1/notices/tasks/{api_task.pk}/remind/").json() == {"reminded": 2}
    assert post(sender, f"/api/v1/notices/tasks/{api_task.pk}/close/").json()["status"] == "closed"


def test_a_leader_cannot_create_a_task(cast, tree, login):
    response = post(
        login(cast.county_leader),
        "/api/v1/notices/tasks/",
        {
            "title": "x",
            "body": "y",
            "deadline": timezone.localdate().isoformat(),
            "audience": "all",
        },
    )
    assert response.status_code in (403, 404)
    assert not Task.objects.exists()
