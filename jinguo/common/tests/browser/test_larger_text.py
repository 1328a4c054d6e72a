"""An older volunteer switches to larger text in the footer of her phone: the whole site is drawn
larger, on the next pages too, and switches back the same way."""

import pytest
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT_SIZE = "parseFloat(getComputedStyle(document.documentElement).fontSize)"
BODY_SIZE = "parseFloat(getComputedStyle(document.body).fontSize)"


def test_larger_text_grows_every_page_and_stays_until_switched_back(
    open_page, sign_in, shoot, scene, cast
):
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    page.goto(f"/visits/new/?household={scene.ws1.pk}&next=%2F")
    normal_root, normal_body = page.evaluate(ROOT_SIZE), page.evaluate(BODY_SIZE)

    page.get_by_role("button", name="大字显示").tap()
    expect(page.locator("html")).to_have_class("text-lg")
    expect(page.locator("h1")).to_contain_text("WS-001")  # back on the page she was on
    assert page.evaluate(ROOT_SIZE) == pytest.approx(normal_root * 1.2)
    assert page.evaluate(BODY_SIZE) == pytest.approx(normal_body * 1.2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "form-large")

    page.goto("/")  # the next page, drawn large by the server: no script, no flash
    assert page.evaluate(ROOT_SIZE) == pytest.approx(normal_root * 1.2)
    shoot(page, "home-large")

    page.get_by_role("button", name="标准字号").tap()
    expect(page.locator("html")).not_to_have_class("text-lg")
    assert page.evaluate(ROOT_SIZE) == pytest.approx(normal_root)
