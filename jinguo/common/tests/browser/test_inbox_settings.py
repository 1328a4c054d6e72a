"""A grid member on a 390×844 phone chooses 企业微信 and her quiet hours: what she ticked and typed
(a checkbox, a text, two times of day) is what is saved and what the page shows again."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import PHONE
from jinguo.inbox.models import Preference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_her_channel_and_quiet_hours_are_saved_as_she_set_them(open_page, sign_in, shoot, cast):
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    page.goto("/inbox/settings/")
    wecom = page.get_by_label("企业微信", exact=True)
    expect(wecom).to_have_attribute("type", "checkbox")
    wecom.check()
    page.get_by_label("企业微信账号").fill("WangXiaoHong")
    page.get_by_label("免打扰开始").fill("22:30")
    page.get_by_label("免打扰结束").fill("06:45")
    shoot(page, "settings")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()

    pref = Preference.objects.get(user=cast.wushan_member)
    assert (pref.wecom, pref.sms, pref.wecom_user) == (True, False, "WangXiaoHong")
    assert (pref.quiet_start, pref.quiet_end) == (dt.time(22, 30), dt.time(6, 45))
    page.goto("/inbox/settings/")
    expect(page.get_by_label("企业微信", exact=True)).to_be_checked()
    expect(page.get_by_label("企业微信账号")).to_have_value("WangXiaoHong")
    expect(page.get_by_label("免打扰开始")).to_have_value("22:30")
    expect(page.get_by_label("免打扰结束")).to_have_value("06:45")
