import datetime as dt

import pytest
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.common.tests.sheets import sheet_rows
from jinguo.meetings import resolutions
from jinguo.meetings.models import Meeting, Resolution
from jinguo.meetings.tests.factories import held, plan, resolution

TODAY = timezone.localdate


@pytest.fixture
def meeting(tree, execs) -> Meeting:
    return held(
        tree.songhe,
        execs,
        title="巫山组环境议事",
        minutes="纪要：汪秀兰提出",
        summary="商定清理沟渠",
    )


@pytest.fixture
def adopted(meeting) -> Resolution:
    return resolution(meeting, "adopted", content="清理沟渠")


def test_the_list_shows_meetings_in_scope_and_answers_htmx_with_rows(
    login, cast, tree, meeting, people
):
    held(tree.gangkou, [people.gangkou_exec], title="港口议事")
    client = login(cast.songhe_chair)
    body = client.get("/meetings/").content.decode()
    assert "巫山组环境议事" in body and "港口议事" not in body
    rows = client.get("/meetings/?status=held", headers={"HX-Request": "true"}).content.decode()
    assert "巫山组环境议事" in rows and "<html" not in rows


def test_planning_a_meeting_through_the_form(login, cast, tree, execs):
    client = login(cast.songhe_chair)
    assert client.get("/meetings/new/").status_code == 200
    when = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(
        "/meetings/new/",
        {
            "org": tree.songhe.pk,
            "kind": "quarterly",
            "title": "一季一议事",
            "planned_at": when,
            "executives": [p.pk for p in execs],
        },
    )
    meeting = Meeting.objects.get(title="一季一议事")
    assert answer.status_code == 302 and answer.url == f"/meetings/{meeting.pk}/"
    assert meeting.is_public and meeting.attendees.count() == 2


def test_a_person_of_another_village_is_a_form_error_and_nothing_is_lost(login, cast, tree, people):
    client = login(cast.songhe_chair)
    when = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(
        "/meetings/new/",
        {
            "org": tree.songhe.pk,
            "kind": "quarterly",
            "title": "保留我的标题",
            "planned_at": when,
            "residents": [people.gangkou_exec.pk],
        },
    )
    body = answer.content.decode()
    assert answer.status_code == 200 and "所选人员不存在" in body and "保留我的标题" in body
    assert not Meeting.objects.exists()


def test_recording_held_through_the_form(login, cast, tree, execs):
    meeting = plan(tree.songhe, people=execs)
    client = login(cast.songhe_chair)
    assert client.get(f"/meetings/{meeting.pk}/held/").status_code == 200
    answer = client.post(
        f"/meetings/{meeting.pk}/held/",
        {"held_on": TODAY().isoformat(), "attended": [execs[0].pk], "minutes": "纪要"},
    )
    assert answer.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.attendee_count == 1


def test_recording_held_without_attendees_keeps_what_she_typed(login, cast, tree, execs):
    meeting = plan(tree.songhe, people=execs)
    answer = login(cast.songhe_chair).post(
        f"/meetings/{meeting.pk}/held/",
        {"held_on": TODAY().isoformat(), "minutes": "我写的纪要"},
    )
    body = answer.content.decode()
    assert answer.status_code == 200 and "请至少选择一名参会人员" in body and "我写的纪要" in body


def test_the_detail_shows_agenda_minutes_and_the_allowed_actions(login, cast, meeting, adopted):
    body = login(cast.songhe_chair).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "清理沟渠" in body and "纪要：汪秀兰提出" in body
    assert f"/meetings/resolutions/{adopted.pk}/forward/" in body
    assert f"/meetings/resolutions/{adopted.pk}/complete/" not in body


def test_the_resolution_loop_through_the_action_forms(login, cast, adopted):
    client = login(cast.songhe_chair)
    url = f"/meetings/resolutions/{adopted.pk}/"
    prefix = f"r{adopted.pk}"
    day = TODAY().isoformat()
    client.post(
        url + "forward/",
        {
            f"{prefix}-forward-forwarded_on": day,
            f"{prefix}-forward-forwarded_to": "嵩合社区两委会议",
        },
    )
    client.post(url + "start/", {})
    answer = client.post(
        url + "complete/",
        {f"{prefix}-complete-done_on": day, f"{prefix}-complete-result": "已清理"},
    )
    assert answer.status_code == 302
    adopted.refresh_from_db()
    assert adopted.status == "done" and adopted.result == "已清理"
    assert adopted.changes.count() == 5


def test_a_refused_action_re_renders_the_detail_with_the_error(login, cast, adopted):
    prefix = f"r{adopted.pk}-forward"
    answer = login(cast.songhe_chair).post(
        f"/meetings/resolutions/{adopted.pk}/forward/",
        {f"{prefix}-forwarded_on": TODAY().isoformat(), f"{prefix}-forwarded_to": ""},
    )
    assert answer.status_code == 400
    answer = login(cast.songhe_chair).post(f"/meetings/resolutions/{adopted.pk}/start/", {})
    assert answer.status_code == 400 and "不能执行" in answer.content.decode()


def test_adding_a_topic_and_a_resolution(login, cast, meeting):
    client = login(cast.songhe_chair)
    assert (
        client.post(f"/meetings/{meeting.pk}/topics/", {"topic-title": "停车难"}).status_code == 302
    )
    topic = meeting.topics.get(title="停车难")
    answer = client.post(
        f"/meetings/topics/{topic.pk}/resolutions/", {f"t{topic.pk}-content": "划线"}
    )
    assert answer.status_code == 302 and topic.resolutions.get().content == "划线"


def test_gangkou_chair_gets_404_on_every_songhe_meeting_page_and_action(
    login, cast, meeting, adopted
):
    client = login(cast.gangkou_chair)
    m, r, t = meeting.pk, adopted.pk, adopted.topic_id
    for url in (f"/meetings/{m}/", f"/meetings/{m}/edit/", f"/meetings/{m}/held/"):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/meetings/{m}/cancel/",
        f"/meetings/{m}/topics/",
        f"/meetings/topics/{t}/resolutions/",
        f"/meetings/resolutions/{r}/forward/",
    ):
        assert client.post(url, {}).status_code == 404, url


def test_county_leader_reads_but_gets_403_on_every_write(
    login, cast, tree, execs, meeting, adopted
):
    planned = plan(tree.songhe, people=execs)
    client = login(cast.county_leader)
    body = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "清理沟渠" in body and f"/meetings/resolutions/{adopted.pk}/forward/" not in body
    assert client.get("/meetings/new/").status_code == 403
    assert client.get(f"/meetings/{planned.pk}/edit/").status_code == 403
    assert client.get(f"/meetings/{planned.pk}/held/").status_code == 403
    assert client.post(f"/meetings/{planned.pk}/cancel/", {}).status_code == 403
    assert client.post(f"/meetings/{meeting.pk}/topics/", {}).status_code == 403
    assert client.post(f"/meetings/topics/{adopted.topic_id}/resolutions/", {}).status_code == 403
    assert client.post(f"/meetings/resolutions/{adopted.pk}/forward/", {}).status_code == 403


def test_administrators_see_no_meetings(login, cast, meeting):
    client = login(cast.system_admin)
    assert client.get("/meetings/").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404


def test_the_public_notice_needs_no_login_and_shows_no_names_or_minutes(
    client, tree, meeting, adopted
):
    resolutions.resolution_forward(
        actor=None, resolution=adopted, forwarded_on=TODAY(), forwarded_to="嵩合社区两委会议"
    )
    answer = client.get(f"/meetings/notice/{tree.songhe.code}/")
    body = answer.content.decode()
    assert answer.status_code == 200
    assert "巫山组环境议事" in body and "商定清理沟渠" in body and "已提交两委" in body
    assert "汪秀兰" not in body and "程丽" not in body and "纪要" not in body


def test_the_public_notice_is_404_for_an_unknown_or_inactive_org(client, tree):
    assert client.get("/meetings/notice/000000000000/").status_code == 404
    tree.gangkou.is_active = False
    tree.gangkou.save()
    assert client.get(f"/meetings/notice/{tree.gangkou.code}/").status_code == 404


def test_the_exports_are_audited(login, cast, meeting, adopted):
    client = login(cast.songhe_chair)
    answer = client.get("/meetings/export.xlsx?status=held")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd")
    assert client.get("/meetings/resolutions/export.xlsx").status_code == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"meetings.export", "meetings.resolution_export"} <= actions


def test_the_figures_page_links_every_figure(login, cast, meeting, adopted):
    body = login(cast.township_cadre).get("/meetings/figures/").content.decode()
    assert "/meetings/resolutions/?" in body and "嵩合社区" in body


def test_the_lists_do_not_query_per_row(login, cast, tree, execs, count_queries):
    client = login(cast.songhe_chair)
    m = held(tree.songhe, execs)
    resolution(m, "adopted")
    urls = [
        "/meetings/",
        "/meetings/resolutions/",
        "/meetings/topics/",
        "/meetings/resolutions/?stage=follow_up",
    ]
    few = [count_queries(lambda u=u: client.get(u)) for u in urls]
    for _i in range(2):
        m = held(tree.wushan, execs)
        resolution(m, "adopted")
        resolution(m, "forwarded")
    assert [count_queries(lambda u=u: client.get(u)) for u in urls] == few
    detail = f"/meetings/{m.pk}/"
    before = count_queries(lambda: client.get(detail))
    for _i in range(3):
        resolution(m, "in_progress")
    assert count_queries(lambda: client.get(detail)) == before


def test_the_exports_read_back_their_headers_and_the_meeting(login, cast, meeting, adopted):
    client = login(cast.songhe_chair)
    meetings = sheet_rows(client.get("/meetings/export.xlsx?status=held").content)
    assert meetings[0] == [
        "召开组织", "会议类型", "会议名称", "计划时间", "召开日期", "状态", "地点", "参会人数",
        "议题数", "决议数", "公示",
    ]  # fmt: skip
    assert meetings[1][:3] == [meeting.org.name, meeting.get_kind_display(), meeting.title]
    assert meetings[1][8:] == [
        meeting.topics.count(),
        meeting.resolutions.count(),
        "是" if meeting.is_public else "否",
    ]
    resolutions = sheet_rows(client.get("/meetings/resolutions/export.xlsx").content)
    assert resolutions[0] == [
        "召开组织", "会议名称", "召开日期", "议题", "决议内容", "状态", "提交两委日期", "提交至",
        "落实日期", "落实结果", "原因",
    ]  # fmt: skip
    assert resolutions[1][:2] == [meeting.org.name, meeting.title]
    assert resolutions[1][4:6] == [adopted.content, adopted.get_status_display()]
