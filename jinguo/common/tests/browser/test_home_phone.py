"""The grid member's home on a 390×844 phone is today's work: her overdue households, each with
a «走访» button that opens the visit form for that household."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import PHONE
from jinguo.households.models import Household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_grid_member_opens_a_visit_from_her_home_on_her_phone(
    open_page, sign_in, shoot, scene, cast
):
    overdue = timezone.localdate() - dt.timedelta(days=4)
    Household.objects.filter(pk=scene.ws1.pk).update(visit_interval_days=30, visit_due_on=overdue)
    # Another grid's overdue household: not hers, not on her home.
    Household.objects.filter(pk=scene.gk5.pk).update(visit_interval_days=30, visit_due_on=overdue)
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    page.goto("/")
    card = page.locator(f"[data-household='{scene.ws1.pk}']")
    expect(card).to_contain_text("WS-001")
    expect(page.locator("main")).not_to_contain_text("GK-005")
    expect(page.locator("[data-count='visits-overdue']")).to_contain_text("1")
    box = card.get_by_role("link", name="走访", exact=True).bounding_box()
    assert box is not None and box["height"] >= 44
    shoot(page, "home")  # var/screenshots/…-home.png

    card.get_by_role("link", name="走访", exact=True).tap()
    expect(page).to_have_url(re.compile(rf"/visits/new/\?household={scene.ws1.pk}&next=%2F$"))
    expect(page.locator("h1")).to_contain_text("WS-001")
