"""A grid member's phone pages answer a finger: every visible link, button, select and field is
at least 44 px high (a checkbox or radio by its label or the clickable row around it), and none
of them scrolls sideways on a 360 px screen. The rules are site.css's, for every page below
Bootstrap's md breakpoint."""

import datetime as dt
import typing
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import PHONE
from jinguo.households.models import Household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN = 44
NARROW = {"width": 360, "height": 780}
VIEWPORT = typing.cast(dict[str, int], PHONE["viewport"])
# Every visible target that is shorter than MIN, described for the failure message. A checkbox
# or radio is measured by its label (a .btn-check's «for» label, an enclosing label) or the
# .form-check row around it: that is what the finger meets.
SMALL_TARGETS = """(min) => {
  const shown = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== "hidden";
  const target = (el) => {
    if (el.matches("input[type=checkbox], input[type=radio]")) {
      return (el.id && document.querySelector(`label[for="${el.id}"]`))
        || el.closest("label, .form-check, .btn") || el;
    }
    return el;
  };
  const found = [];
  const fields = "a[href], button, select, textarea, summary, "
    + "input:not([type=hidden]):not([type=file])";
  for (const el of document.querySelectorAll(fields)) {
    const hit = target(el);
    if (!shown(hit)) continue;
    const box = hit.getBoundingClientRect();
    if (box.height < min) {
      const text = (hit.innerText || hit.value || hit.name || "").trim().slice(0, 20);
      const name = `${hit.tagName.toLowerCase()}.${hit.className}`;
      found.push(`${name} «${text}» ${box.height.toFixed(1)}px`);
    }
  }
  return found;
}"""


def _pages(scene: Any) -> list[str]:
    """The pages a grid member opens on her phone."""
    return [
        "/",
        f"/visits/new/?household={scene.ws1.pk}&next=%2F",
        "/visits/",
        "/households/mine/",
        "/households/",
        "/points/history/",
        "/inbox/",
        "/cases/",
        "/points/",
        "/visits/list/",
    ]


def test_a_grid_members_phone_pages_have_44px_targets_and_no_sideways_scroll(
    open_page, sign_in, scene, cast
):
    late = timezone.localdate() - dt.timedelta(days=4)
    Household.objects.filter(pk=scene.ws1.pk).update(visit_interval_days=30, visit_due_on=late)
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    small: dict[str, list[str]] = {}
    wide: dict[str, int] = {}
    for url in _pages(scene):
        page.set_viewport_size(VIEWPORT)
        page.goto(url)
        page.locator("details").evaluate_all("(all) => all.forEach((d) => { d.open = true; })")
        if found := page.evaluate(SMALL_TARGETS, MIN):
            small[url] = found
        page.set_viewport_size(NARROW)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROW["width"]:
            wide[url] = width
    page.set_viewport_size(VIEWPORT)
    page.goto("/")  # the menu, opened, and one of its dropdowns
    page.locator(".navbar-toggler").tap()
    page.locator("#nav .dropdown-toggle", has_text="家庭台账").tap()
    expect(page.locator("#nav .dropdown-menu.show")).to_be_visible()
    if found := page.evaluate(SMALL_TARGETS, MIN):
        small["/ (menu)"] = found
    assert small == {}
    assert wide == {}
