"""The pages: 嵩合社区 opens a notice from its home page (and so reads it for its unit); the
township sees the receipts with counts that link to the filtered list; a task is returned from
its page; report rounds show in the same task list; nobody outside sees any of it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.accounts.tests.factories import UserFactory
from jinguo.notices import services, task_services
from jinguo.notices.models import Audience, NoticeTarget, TaskRecipient
from jinguo.orgs.kinds import Kind
from jinguo.orgs.tests.factories import OrgUnitFactory
from jinguo.rounds import services as round_services
from jinguo.rounds.models import Round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def notice(cast, tree, audience=Audience.ALL, **kw):
    return services.notice_send(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="关于做好防汛期间妇女儿童安全工作的通知",
        body="请各网格排查独居老人和留守儿童家庭。",
        audience=audience,
        **kw,
    )


def task(cast, tree, **kw):
    return task_services.task_create(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="报送“巾帼志愿服务”开展情况",
        body="请写明服务人次并附照片。",
        deadline=timezone.localdate() + dt.timedelta(days=3),
        audience=Audience.CHOSEN,
        units=[tree.songhe, tree.gangkou],
        **kw,
    )


def test_community_chair_sees_the_unread_notice_on_her_home_page(cast, tree, login):
    n = notice(cast, tree)
    page = login(cast.songhe_chair).get(reverse("home")).content.decode()
    assert n.title in page
    assert reverse("notices:detail", args=[n.pk]) in page


def test_opening_the_notice_marks_her_unit_read_and_it_leaves_the_home_page(cast, tree, login):
    n = notice(cast, tree)
    client = login(cast.songhe_chair)
    assert client.get(reverse("notices:detail", args=[n.pk])).status_code == 200
    target = NoticeTarget.objects.get(notice=n, org=tree.songhe)
    assert target.read_by == cast.songhe_chair
    assert n.title not in client.get(reverse("home")).content.decode()


def test_sender_sees_counts_that_link_to_the_filtered_units(cast, tree, login):
    n = notice(cast, tree)
    services.notice_read(notice=n, user=cast.songhe_chair)
    client = login(cast.township_cadre)
    page = client.get(reverse("notices:detail", args=[n.pk]))
    counts = page.context["receipts"].counts
    assert counts == {"total": 5, "read": 1, "unread": 4}
    assert "提醒未读" in page.content.decode()
    read = client.get(reverse("notices:detail", args=[n.pk]) + "?state=read")
    assert [t.org_id for t in read.context["receipts"].page] == [tree.songhe.pk]
    unread = client.get(reverse("notices:detail", args=[n.pk]) + "?state=unread")
    assert len(unread.context["receipts"].page.object_list) == counts["unread"]


def test_sender_opening_her_own_notice_marks_nothing(cast, tree, login):
    n = notice(cast, tree)
    login(cast.township_cadre).get(reverse("notices:detail", args=[n.pk]))
    assert not NoticeTarget.objects.filter(notice=n).exclude(read_at=None).exists()


def test_unit_of_another_county_cannot_see_the_notice(cast, tree, login):
    n = notice(cast, tree)
    assert login(cast.langxi_cadre).get(reverse("notices:detail", args=[n.pk])).status_code == 404


def test_remind_button_reminds_the_unread_units(cast, tree, login):
    n = notice(cast, tree)
    response = login(cast.township_cadre).post(reverse("notices:remind", args=[n.pk]))
    assert response.status_code == 302
    assert NoticeTarget.objects.filter(notice=n).exclude(reminded_at=None).count() == 5


def test_recipient_cannot_remind(cast, tree, login):
    n = notice(cast, tree)
    assert login(cast.songhe_chair).post(reverse("notices:remind", args=[n.pk])).status_code == 403


def test_receipt_page_does_not_query_per_unit(cast, tree, login, count_queries):
    small = notice(cast, tree, audience=Audience.LEVEL, level=Kind.COMMUNITY)
    for i in range(30):
        unit = OrgUnitFactory(
            name=f"测试网格{i}", kind=Kind.GRID, code=f"341881001001{100 + i}", parent=tree.songhe
        )
        UserFactory(username=f"grid{i}", role="grid_member", org=unit)
    large = notice(cast, tree)
    for target in NoticeTarget.objects.filter(notice=large)[:10]:
        NoticeTarget.objects.filter(pk=target.pk).update(
            read_at=timezone.now(), read_by=cast.songhe_chair
        )
    client = login(cast.township_cadre)
    client.get(reverse("home"))
    few = count_queries(lambda: client.get(reverse("notices:detail", args=[small.pk])))
    many = count_queries(lambda: client.get(reverse("notices:detail", args=[large.pk])))
    assert many == few


def test_sender_creates_a_notice_through_the_page(cast, tree, login):
    client = login(cast.township_cadre)
    response = client.post(
        reverse("notices:create"),
        {"title": "通知", "body": "正文", "audience": "level", "level": "community"},
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).context["receipts"].counts["total"] == 1


def test_a_refused_notice_keeps_what_was_typed(cast, tree, login):
    response = login(cast.township_cadre).post(
        reverse("notices:create"), {"title": "通知", "body": "正文已写好", "audience": "level"}
    )
    assert response.status_code == 200
    assert "正文已写好" in response.content.decode()
    assert "请选择接收单位的层级。" in response.content.decode()


def test_grid_member_cannot_open_the_new_notice_page(cast, login):
    assert login(cast.wushan_member).get(reverse("notices:create")).status_code == 403


def test_community_returns_a_task_from_its_page(cast, tree, login):
    t = task(cast, tree)
    client = login(cast.songhe_chair)
    page = client.get(reverse("notices:task", args=[t.pk]))
    assert page.context["form"] is not None
    response = client.post(reverse("notices:task", args=[t.pk]), {"text": "服务人次126人。"})
    assert response.status_code == 302
    row = TaskRecipient.objects.get(task=t, org=tree.songhe)
    assert (row.status, row.text) == ("done", "服务人次126人。")


def test_an_empty_return_stays_on_the_page_with_an_error(cast, tree, login):
    t = task(cast, tree)
    response = login(cast.songhe_chair).post(reverse("notices:task", args=[t.pk]), {"text": ""})
    assert response.status_code == 200
    assert "请填写完成情况" in response.content.decode()


def test_sender_sees_done_late_and_not_started_with_the_returns(cast, tree, login):
    t = task(cast, tree)
    task_services.task_return(
        actor=cast.songhe_chair,
        recipient=TaskRecipient.objects.get(task=t, org=tree.songhe),
        text="已开展志愿服务3场。",
    )
    page = login(cast.township_cadre).get(reverse("notices:task", args=[t.pk]))
    assert page.context["receipts"].counts == {"total": 2, "done": 1, "late": 0, "pending": 1}
    assert "已开展志愿服务3场。" in page.content.decode()


def test_sender_sends_a_return_back_from_the_page(cast, tree, login):
    t = task(cast, tree)
    row = TaskRecipient.objects.get(task=t, org=tree.songhe)
    task_services.task_return(actor=cast.songhe_chair, recipient=row, text="完成")
    client = login(cast.township_cadre)
    client.post(reverse("notices:reopen", args=[row.pk]), {"reason": "请补充照片"})
    row.refresh_from_db()
    assert row.status == "pending"


def test_report_rounds_show_in_the_task_list_as_their_own_kind(cast, tree, login):
    t = task(cast, tree)
    today = timezone.localdate()
    r = round_services.round_create(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="一季度工作总结",
        kind=Round.Kind.WORK_REPORT,
        start=today.replace(day=1),
        end=today,
        deadline=today + dt.timedelta(days=10),
        targets=[tree.songhe],
    )
    page = login(cast.songhe_chair).get(reverse("notices:tasks"))
    items = page.context["items"]
    assert [(i.kind, i.title) for i in items] == [("task", t.title), ("round", r.title)]
    assert reverse("rounds:target", args=[r.targets.get().pk]) in page.content.decode()
    assert "报送任务" in page.content.decode()


def test_sent_lists_show_the_figures(cast, tree, login):
    n = notice(cast, tree)
    services.notice_read(notice=n, user=cast.songhe_chair)
    page = login(cast.township_cadre).get(reverse("notices:list") + "?tab=sent")
    assert "已读1/5" in page.content.decode()


def test_attachment_is_served_in_clear_to_a_recipient_and_to_nobody_outside(cast, tree, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jinguo.common.tests.upload_samples import PDF

    n = services.notice_send(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="附件通知",
        body="见附件",
        audience=Audience.ALL,
        attachments=[SimpleUploadedFile("方案.pdf", PDF)],
    )
    a = n.attachments.get()
    url = reverse("notices:attachment", args=[a.pk])
    response = login(cast.songhe_chair).get(url)
    assert b"".join(response.streaming_content) == PDF
    assert login(cast.langxi_cadre).get(url).status_code == 404


def test_home_list_costs_the_same_for_one_notice_or_ten(cast, tree, login, count_queries):
    from jinguo.notices.templatetags.notices_tags import notice_tasks

    notice(cast, tree)
    task(cast, tree)
    one = count_queries(lambda: notice_tasks(cast.songhe_chair))
    for _i in range(9):
        notice(cast, tree)
        task(cast, tree)
    shown = notice_tasks(cast.songhe_chair)
    assert (len(shown["notices"]), shown["more_notices"]) == (5, True)
    assert count_queries(lambda: notice_tasks(cast.songhe_chair)) == one <= 2


def test_administrators_see_no_notices_on_their_home(cast, tree):
    from jinguo.notices.templatetags.notices_tags import notice_tasks

    notice(cast, tree)
    for admin in (cast.system_admin, cast.security_admin, cast.audit_admin):
        shown = notice_tasks(admin)
        assert shown["notices"] == [] and shown["tasks"] == []


def test_receipt_page_shows_each_persons_delivery_state_and_its_failure(cast, tree, login):
    from jinguo.inbox.models import Delivery, Message

    n = notice(cast, tree)
    message = Message.objects.get(source=f"notice:{n.pk}", recipient=cast.gangkou_chair)
    Delivery.objects.create(message=message, channel="sms", state="failed", error="号码停机")
    page = login(cast.township_cadre).get(reverse("notices:detail", args=[n.pk]))
    gangkou = next(t for t in page.context["receipts"].page if t.org_id == tree.gangkou.pk)
    assert gangkou.people[0].deliveries == [("短信", "failed", "发送失败", "号码停机")]
    assert "短信发送失败：号码停机" in page.content.decode()


def test_a_return_photo_from_the_phone_is_served_to_the_sender_and_to_nobody_outside(
    cast, tree, login
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jinguo.common.tests.upload_samples import JPEG
    from jinguo.notices.models import TaskPhoto

    t = task(cast, tree)
    photo = SimpleUploadedFile("IMG_0001.jpg", JPEG, content_type="image/jpeg")
    response = login(cast.songhe_chair).post(
        reverse("notices:task", args=[t.pk]), {"text": "见照片", "photos": [photo]}
    )
    assert response.status_code == 302
    stored = TaskPhoto.objects.get()
    url = reverse("notices:task_photo", args=[stored.pk])
    served = login(cast.township_cadre).get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content)[:3] == b"\xff\xd8\xff"
    assert login(cast.langxi_cadre).get(url).status_code == 404
    assert login(cast.gangkou_chair).get(url).status_code == 404
