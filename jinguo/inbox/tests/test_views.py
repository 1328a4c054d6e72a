"""The bell, the inbox pages and her settings: her own messages only, read when opened, no open
redirect, the 三员 without an inbox, one COUNT for the bell."""

import pytest
from django.urls import reverse

from jinguo.audit.models import AuditEvent
from jinguo.inbox.models import Message, Preference
from jinguo.inbox.services import Outgoing, messages_send


def give(user, n=1, *, link="/visits/", items=None, source="notice"):
    for i in range(n):
        messages_send(
            kind="notice",
            source=f"{source}:{i}",
            outgoing=[Outgoing(user.pk, f"通知{i}", link=link, items=items or [])],
        )


def test_the_bell_shows_her_unread_count_on_every_page(cast, login):
    give(cast.wushan_member, 3)
    html = login(cast.wushan_member).get("/").content.decode()
    assert 'aria-label="未读消息 3 条"' in html


def test_the_bell_costs_one_query_whatever_the_count(cast, login, count_queries):
    client = login(cast.wushan_member)
    give(cast.wushan_member, 1)
    one = count_queries(lambda: client.get("/inbox/"))
    give(cast.wushan_member, 15, source="more")
    many = count_queries(lambda: client.get("/inbox/"))
    assert one == many


@pytest.mark.parametrize("admin", ["system_admin", "security_admin", "audit_admin"])
def test_the_administrators_have_no_inbox(cast, login, admin):
    client = login(getattr(cast, admin))
    assert "未读消息" not in client.get("/").content.decode()
    for url in ("/inbox/", "/inbox/settings/", "/api/v1/inbox/messages/"):
        assert client.get(url).status_code == 403
    assert client.post("/inbox/read-all/").status_code == 403


def test_the_inbox_lists_her_messages_newest_first_unread_bold(cast, login):
    give(cast.wushan_member, 2)
    give(cast.songhe_chair, 1, source="other")
    Message.objects.filter(title="通知0").update(read_at="2026-12-01T00:00:00Z")
    html = login(cast.wushan_member).get("/inbox/").content.decode()
    assert html.index("通知1") < html.index("通知0")
    assert "fw-bold" in html.split("通知1")[0].rsplit("card", 1)[-1]
    assert html.count('class="card ') == 2


def test_opening_a_message_marks_it_read_and_goes_to_its_page(cast, login):
    give(cast.wushan_member)
    message = Message.objects.get()
    response = login(cast.wushan_member).get(reverse("inbox:open", args=[message.pk]))
    assert response.status_code == 302 and response["Location"] == "/visits/"
    message.refresh_from_db()
    assert message.read_at is not None


@pytest.mark.parametrize(
    "link", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_a_link_to_another_site_is_never_followed(cast, login, link):
    give(cast.wushan_member, link=link)
    response = login(cast.wushan_member).get(f"/inbox/{Message.objects.get().pk}/")
    assert response.status_code == 200
    assert "evil.example" not in response.content.decode().split("<main")[1].split("查看详情")[0]


def test_another_persons_message_is_not_found(cast, login):
    give(cast.songhe_chair)
    message = Message.objects.get()
    client = login(cast.wushan_member)
    assert client.get(f"/inbox/{message.pk}/").status_code == 404
    assert client.post(f"/api/v1/inbox/messages/{message.pk}/read/").status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_a_digest_shows_each_item_with_its_link(cast, login):
    items = [{"kind": "visit", "text": "走访逾期：张家", "link": "/households/1/"}]
    give(cast.wushan_member, items=items)
    html = login(cast.wushan_member).get(f"/inbox/{Message.objects.get().pk}/").content.decode()
    assert '<a href="/households/1/">走访逾期：张家</a>' in html


def test_a_digest_lists_its_items_once_not_its_text_body_as_well(cast, login):
    items = [{"kind": "visit", "text": "走访逾期：张家", "link": "/households/1/"}]
    messages_send(
        kind="digest",
        source="digest:1",
        outgoing=[Outgoing(cast.wushan_member.pk, "今日提醒", body="走访逾期：张家", items=items)],
    )
    html = login(cast.wushan_member).get(f"/inbox/{Message.objects.get().pk}/").content.decode()
    assert html.count("走访逾期：张家") == 1


def test_marking_all_read(cast, login):
    give(cast.wushan_member, 3)
    login(cast.wushan_member).post("/inbox/read-all/")
    assert Message.objects.filter(read_at=None).count() == 0


def test_choosing_sms_needs_a_phone_and_keeps_what_she_typed(cast, login, locmem):
    client = login(cast.wushan_member)
    data = {"sms": "on", "wecom_user": "WangXL", "quiet_start": "22:00", "quiet_end": "07:00"}
    response = client.post("/inbox/settings/", data)
    html = response.content.decode()
    assert response.status_code == 200 and "未登记手机号" in html and 'value="WangXL"' in html
    assert not Preference.objects.exists()


def test_her_choice_is_kept_and_audited(cast, login, locmem):
    cast.wushan_member.phone = "13800000001"
    cast.wushan_member.save(update_fields=["phone"])
    client = login(cast.wushan_member)
    data = {"sms": "on", "quiet_start": "22:00", "quiet_end": "07:00"}
    assert client.post("/inbox/settings/", data).status_code == 302
    pref = Preference.objects.get(user=cast.wushan_member)
    assert pref.sms and not pref.wecom and str(pref.quiet_start) == "22:00:00"
    event = AuditEvent.objects.filter(action="inbox.preference").get()
    assert event.changes["sms"] == ["False", "True"]


def test_the_api_lists_counts_marks_and_sets(cast, login, locmem):
    give(cast.wushan_member, 2)
    client = login(cast.wushan_member)
    listed = client.get("/api/v1/inbox/messages/").json()
    assert [m["title"] for m in listed["results"]] == ["通知1", "通知0"]
    assert client.get("/api/v1/inbox/unread/").json() == {"unread": 2}
    first = listed["results"][0]["id"]
    assert client.post(f"/api/v1/inbox/messages/{first}/read/").json()["read_at"]
    assert client.post("/api/v1/inbox/messages/read-all/").json() == {"marked": 1}
    body = {
        "sms": False,
        "wecom": True,
        "wecom_user": "",
        "quiet_start": "21:00",
        "quiet_end": "07:30",
    }
    response = client.put("/api/v1/inbox/preferences/", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["wecom"] is True
    assert client.get("/api/v1/inbox/preferences/").json()["wecom"] is True
