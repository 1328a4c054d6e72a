"""Forms that lose nothing (issue 21, items 2 and 3), in Chromium: a pre-filled date reaches
the server without being typed again, and a list of categories is a list of real checkboxes."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import DESKTOP, PHONE
from jinguo.households.assignments import household_assign
from jinguo.households.models import Category, Household
from jinguo.households.tests.factories import executive, household
from jinguo.meetings.models import Meeting, MeetingKind
from jinguo.meetings.services import meeting_create
from jinguo.points.models import PointRule

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


def test_a_points_rule_keeps_the_effective_date_the_form_offers(open_page, sign_in, cast):
    page = open_page(**DESKTOP)
    sign_in(page, cast.county_cadre)
    page.goto("/points/rules/")
    expect(page.get_by_label("生效日期")).to_have_value(timezone.localdate().isoformat())
    page.get_by_label("积分", exact=True).fill("3")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("积分规则已保存")
    rule = PointRule.objects.get()
    assert (rule.points, rule.valid_from) == (3, timezone.localdate())


def test_the_categories_page_offers_checkboxes_that_tick_and_save(
    open_page, sign_in, shoot, scene, cast
):
    wanted = Category.objects.filter(is_active=True, sensitive=False).order_by("pk").first()
    assert wanted is not None
    page = open_page(**DESKTOP)
    sign_in(page, cast.songhe_chair)
    page.goto(f"/households/{scene.ws2.pk}/categories/")
    box = page.get_by_label(wanted.name, exact=True)
    expect(box).to_have_attribute("type", "checkbox")
    # Drawn as a small box beside its label, not as an empty text box above it.
    drawn, label = box.bounding_box(), page.locator(f"label[for='{box.get_attribute('id')}']")
    beside = label.bounding_box()
    assert drawn["width"] < 40
    assert beside["x"] >= drawn["x"] + drawn["width"]
    assert beside["y"] < drawn["y"] + drawn["height"]
    expect(box).not_to_be_checked()
    box.check()
    shoot(page, "categories")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/households/{scene.ws2.pk}/")
    assert wanted in Household.objects.get(pk=scene.ws2.pk).held_categories


def test_ending_a_households_assignment_takes_the_date_typed_in_its_labelled_box(
    open_page, sign_in, cast, tree
):
    started = timezone.localdate() - dt.timedelta(days=10)
    home = household(tree.wushan, "WS-9")
    row = household_assign(
        actor=None,
        household=home,
        executive=executive(tree.songhe, "执委丙", grid=tree.wushan),
        start_date=started,
    )
    ended = started + dt.timedelta(days=3)
    page = open_page(**DESKTOP)
    sign_in(page, cast.songhe_chair)
    page.goto(f"/households/{home.pk}/")
    page.get_by_label("结束日期", exact=True).fill(ended.isoformat())
    page.get_by_role("button", name="结束", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已结束")
    row.refresh_from_db()
    assert row.end_date == ended
