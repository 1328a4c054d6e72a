"""A township cadre sends a notice and a task from the pages, in Chromium: the radio choice of
who receives it, the ticked units and the pre-filled deadline reach the server as she left them,
and a refused form keeps what she typed."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jinguo.notices.models import Notice, NoticeTarget, Task, TaskRecipient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_notice_to_chosen_units_goes_to_those_units_only(open_page, sign_in, shoot, cast, tree):
    page = open_page()
    sign_in(page, cast.township_cadre)
    page.goto("/notices/new/")
    page.get_by_label("标题").fill("关于开展三八节活动的通知")
    page.get_by_label("选定单位", exact=True).first.check()  # the audience radio
    page.get_by_label("嵩合社区").check()
    page.get_by_role("button", name="发送").click()
    # No text: the server refuses it (the form does not validate in the browser), and what she
    # typed and ticked is still there.
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page.get_by_label("标题")).to_have_value("关于开展三八节活动的通知")
    expect(page.get_by_label("嵩合社区")).to_be_checked()
    assert not Notice.objects.exists()
    page.get_by_label("正文").fill("请各社区本周内组织活动。")
    shoot(page, "notice")
    page.get_by_role("button", name="发送").click()
    expect(page.get_by_text("通知已发送。")).to_be_visible()
    notice = Notice.objects.get()
    assert list(NoticeTarget.objects.filter(notice=notice).values_list("org", flat=True)) == [
        tree.songhe.pk
    ]


def test_a_task_keeps_its_prefilled_deadline(open_page, sign_in, cast, tree):
    page = open_page()
    sign_in(page, cast.township_cadre)
    page.goto("/notices/tasks/new/")
    page.get_by_label("任务名称").fill("摸排困境儿童家庭")
    page.get_by_label("任务要求").fill("逐户摸排，反馈户数。")
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("任务已发布。")).to_be_visible()
    task = Task.objects.get()
    assert task.deadline == timezone.localdate() + dt.timedelta(days=7)
    assert TaskRecipient.objects.filter(task=task, org=tree.songhe).exists()
