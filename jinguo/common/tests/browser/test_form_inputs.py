"""Forms that lose nothing (issue 21, items 2 and 3), in Chromium: a pre-filled date reaches
the server without being typed again, and a list of categories is a list of real checkboxes."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import DESKTOP, PHONE
from jinguo.households.models import Category, Household
from jinguo.meetings.models import Meeting, MeetingKind
from jinguo.meetings.services import meeting_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_recording_a_meeting_as_held_keeps_the_date_the_form_offers(
    open_page, sign_in, shoot, scene, cast, tree, people
):
    meeting = meeting_create(
        actor=cast.songhe_chair,
        org=tree.songhe,
        kind=MeetingKind.EXECUTIVE_COMMITTEE,
        title="十二月执委会",
        planned_at=timezone.now() - dt.timedelta(hours=2),
        executives=[people.wushan_exec],
    )
    page = open_page(**PHONE)
    sign_in(page, cast.songhe_chair)
    page.goto(f"/meetings/{meeting.pk}/held/")
    # The browser shows the date the server wrote (a value it does not take shows empty).
    expect(page.get_by_label("召开日期")).to_have_value(timezone.localdate().isoformat())
    page.get_by_label("参会人数").fill("6")
    shoot(page, "held-form")
    page.get_by_role("button", name="记录召开").click()
    expect(page.locator(".alert-success")).to_contain_text("已记录会议召开")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_on) == (Meeting.Status.HELD, timezone.localdate())


def test_editing_a_meeting_keeps_its_planned_time(open_page, sign_in, scene, cast, tree, people):
    planned = timezone.localtime(timezone.now() + dt.timedelta(days=3)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    meeting = meeting_create(
        actor=cast.songhe_chair,
        org=tree.songhe,
        kind=MeetingKind.EXECUTIVE_COMMITTEE,
        title="执委会",
        planned_at=planned,
        executives=[people.wushan_exec],
    )
    page = open_page(**DESKTOP)
    sign_in(page, cast.songhe_chair)
    page.goto(f"/meetings/{meeting.pk}/edit/")
    expect(page.get_by_label("计划时间")).to_have_value(f"{planned:%Y-%m-%dT%H:%M}")
    page.get_by_label("会议名称").fill("十二月执委会")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/")
    meeting.refresh_from_db()
    assert (meeting.title, meeting.planned_at) == ("十二月执委会", planned)


def test_the_categories_page_offers_checkboxes_that_tick_and_save(
    open_page, sign_in, shoot, scene, cast
):
    wanted = Category.objects.filter(is_active=True, sensitive=False).order_by("pk").first()
    page = open_page(**DESKTOP)
    sign_in(page, cast.songhe_chair)
    page.goto(f"/households/{scene.ws2.pk}/categories/")
    box = page.get_by_label(wanted.name, exact=True)
    expect(box).to_have_attribute("type", "checkbox")
    # Drawn as a small box beside its label, not as a text box across the form.
    assert box.bounding_box()["width"] < 40
    expect(box).not_to_be_checked()
    box.check()
    shoot(page, "categories")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/households/{scene.ws2.pk}/")
    assert wanted in Household.objects.get(pk=scene.ws2.pk).held_categories
