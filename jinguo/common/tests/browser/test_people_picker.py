"""The people picker on a phone: choices made over several searches are all kept as chips, a
chip can be removed, a form that comes back with an error keeps them, and they are saved
together."""

import pytest
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import PHONE
from jinguo.meetings.models import Meeting, MeetingAttendee
from jinguo.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tick(page, query: str, names: list[str]) -> None:
    """Search the executives' picker (the first search box) and tick `names` in its results."""
    page.get_by_role("searchbox").first.fill(query)
    results = page.locator("#pick-executives")
    for name in names:
        expect(results).to_contain_text(name)
        results.locator("label", has_text=name).tap()


def test_a_chair_picks_executives_over_two_searches_and_saves_them_all(
    open_page, sign_in, shoot, tree, cast
):
    for name in ("王春花", "王秋月", "李冬梅", "李夏荷"):
        Person.objects.create(org=tree.wushan, name=name, gender="F")
    page = open_page(**PHONE)
    sign_in(page, cast.songhe_chair)
    page.goto("/meetings/new/")
    chips = page.locator("[data-picker-chip]:has(input[name=executives])")

    _tick(page, "王", ["王春花", "王秋月"])
    _tick(page, "李", ["李冬梅", "李夏荷"])
    expect(chips).to_have_count(4)  # the first search's ticks survived the second
    shoot(page, "1-four-chips")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off
    chip = chips.filter(has_text="王秋月")
    box = chip.get_by_role("button", name="移除：王秋月").bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44
    chip.get_by_role("button", name="移除：王秋月").tap()
    expect(chips).to_have_count(3)

    # Saved without a title: the form comes back with its error and the same three chips.
    page.get_by_label("计划时间").fill("2026-12-20T19:00")
    page.get_by_role("button", name="保存").tap()
    expect(page.locator(".invalid-feedback")).not_to_have_count(0)
    expect(chips).to_have_count(3)
    expect(chips.filter(has_text="王秋月")).to_have_count(0)
    shoot(page, "2-error-keeps-chips")

    page.get_by_label("会议名称").fill("十二月议事会")
    page.get_by_role("button", name="保存").tap()
    page.wait_for_url(lambda url: "/meetings/new/" not in url)
    meeting = Meeting.objects.get(title="十二月议事会")
    chosen = MeetingAttendee.objects.filter(meeting=meeting, role=MeetingAttendee.Role.EXECUTIVE)
    assert sorted(chosen.values_list("person__name", flat=True)) == ["李冬梅", "李夏荷", "王春花"]
