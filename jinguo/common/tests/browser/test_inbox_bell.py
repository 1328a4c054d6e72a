"""A grid member on a 390×844 phone sees the bell with her unread count, opens her inbox, opens
a message (it goes to its page), and the count drops; nothing runs off the screen."""

import re

import pytest
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import PHONE
from jinguo.inbox.models import Message
from jinguo.inbox.services import Outgoing, messages_send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bell_leads_to_the_inbox_and_opening_a_message_reads_it(
    open_page, sign_in, shoot, scene, cast
):
    for i, title in enumerate(["关于开展巾帼志愿服务的通知", "三八节活动报送提醒"]):
        messages_send(
            kind="notice",
            source=f"notice:{i}",
            outgoing=[Outgoing(cast.wushan_member.pk, title, link="/households/")],
        )
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    page.goto("/")
    bell = page.get_by_role("link", name="未读消息 2 条")
    expect(bell).to_be_visible()  # outside the collapsed menu: no need to open it
    bell.click()
    expect(page.get_by_role("heading", name="消息")).to_be_visible()
    shoot(page, "inbox")
    page.get_by_text("三八节活动报送提醒").click()
    expect(page).to_have_url(re.compile(r"/households/$"))
    expect(page.get_by_role("link", name="未读消息 1 条")).to_be_visible()
    assert Message.objects.filter(read_at=None).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off
