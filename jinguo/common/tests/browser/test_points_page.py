"""The points page on a 390×844 phone: however long the ledger, one page of 50 earnings,
newest first, and a visit recorded today shown as pending (待收集) above them."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import PHONE
from jinguo.points import services
from jinguo.points.tests.conftest import give
from jinguo.visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the page measured with 50 rows (about 2,900 px on Chromium), with room to spare; the
# unpaged page of the issue was 5,400 px and grew with every entry.
MAX_HEIGHT = 3_500


def test_an_executive_reads_her_points_on_her_phone(
    open_page, sign_in, shoot, scene, tree, cast, people
):
    services.point_rules_seed(actor=None, org=tree.city)
    today = timezone.localdate()
    for i in range(120):
        give(cast.songhe_chair, people.wushan_exec, 1, day=today - dt.timedelta(days=1 + i))
    Visit.objects.create(
        household=scene.ws1,
        visited_by=cast.wushan_member,
        executive=people.wushan_exec,
        org=tree.wushan,
        channel="home",
        visited_on=today,
    )
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    page.goto("/points/")
    expect(page.locator("#points-uncollected")).to_contain_text("待收集")
    expect(page.locator("#points-history > a")).to_have_count(50)
    first = page.locator("#points-history > a").first
    expect(first).to_contain_text((today - dt.timedelta(days=1)).isoformat())
    height = page.evaluate("document.documentElement.scrollHeight")
    shoot(page, "points")
    assert height <= MAX_HEIGHT, height
    page.get_by_role("link", name="下一页").click()
    expect(page.locator("#points-history > a")).to_have_count(50)
