"""Notices and tasks on a phone, in Chromium: the grid member 汪秀兰 opens the street's notice
from her home page (and so reads it for her grid: the street's receipt page says who and when),
then completes the task sent to her by name with a few words, and the street sees it done.
Phone pages must not scroll sideways."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import PHONE
from jinguo.notices import services, task_services
from jinguo.notices.models import Audience, NoticeTarget, TaskRecipient
from jinguo.orgs.kinds import Kind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = PHONE["viewport"]["width"]  # type: ignore[index]


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH + 1, f"{page.url} is {width}px wide on a {PHONE_WIDTH}px phone"


def test_grid_member_reads_a_notice_from_her_home_page_and_completes_a_task(
    open_page, sign_in, shoot, scene, cast, tree
):
    notice = services.notice_send(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="关于做好汛期独居老人和留守儿童走访的通知",
        body="请各网格执委逐户走访包保家庭，发现险情及时上报。",
        audience=Audience.LEVEL,
        level=Kind.GRID,
    )
    task = task_services.task_create(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="反馈包保家庭汛期走访情况",
        body="请写明走访户数和发现的问题。",
        deadline=timezone.localdate() + dt.timedelta(days=3),
        audience=Audience.PEOPLE,
        people=[cast.wushan_member],
    )
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    page.goto("/")
    page.get_by_role("link", name=notice.title).click()
    expect(page.get_by_text("发现险情及时上报")).to_be_visible()
    _no_sideways_scroll(page)
    shoot(page, "notice")
    target = NoticeTarget.objects.get(notice=notice, org=tree.wushan)
    assert target.read_by == cast.wushan_member

    page.goto("/")
    expect(page.get_by_role("link", name=notice.title)).to_have_count(0)
    page.get_by_role("link", name=task.title).click()
    page.get_by_label("完成情况").fill("已走访包保家庭2户，均无险情。")
    _no_sideways_scroll(page)
    page.get_by_role("button", name="反馈完成").click()
    expect(page.get_by_text("已反馈完成。")).to_be_visible()
    expect(page.get_by_text("已走访包保家庭2户，均无险情。")).to_be_visible()
    _no_sideways_scroll(page)
    shoot(page, "task-done")
    assert TaskRecipient.objects.get(task=task).status == "done"

    street = open_page(**PHONE)
    sign_in(street, cast.township_cadre)
    street.goto(f"/notices/{notice.pk}/?state=read")
    expect(street.locator("[data-count=read]")).to_have_text("1")
    expect(street.get_by_text("巫山组网格", exact=True)).to_be_visible()
    _no_sideways_scroll(street)
    street.goto(f"/notices/tasks/{task.pk}/")
    expect(street.locator("[data-count=done]")).to_have_text("1")
    _no_sideways_scroll(street)
