"""The Content-Security-Policy in Chromium: pages that run scripts (the login form, the
dashboard's ECharts, a list filtered through htmx, a form with an inline script, Swagger UI) work
under the policy and the browser reports no violation, nor a Permissions-Policy it cannot read."""

from typing import Any

import pytest
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any script of the page (Playwright's init scripts are not subject to the policy).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " "
    + e.sourceFile + ":" + e.lineNumber);
});
"""
POLICY_WORDS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


def _watched(open_page: Any) -> tuple[Any, list[str]]:
    page = open_page(**DESKTOP)
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on(
        "console",
        lambda message: console.append(message.text)
        if any(word in message.text for word in POLICY_WORDS)
        else None,
    )
    return page, console


def _goto(page: Any, url: str) -> None:
    response = page.goto(url)
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy, url


def _violations(page: Any) -> list[str]:
    return page.evaluate("window.__violations")


def test_pages_work_under_the_policy_and_report_no_violation(open_page, sign_in, scene, cast):
    page, console = _watched(open_page)
    _goto(page, "/accounts/login/")
    assert _violations(page) == []
    sign_in(page, cast.county_cadre)

    _goto(page, "/dashboard/")
    expect(page.locator("#chart-trend canvas")).to_be_visible()  # dashboard.js drew it
    assert _violations(page) == []

    _goto(page, "/households/")
    with page.expect_response(lambda r: "/households/?" in r.url):  # htmx filters as she types
        page.fill("#q", "WS-001")
    expect(page.locator("#household-rows")).not_to_contain_text("WS-002")
    assert _violations(page) == []

    _goto(page, "/assessments/schemes/new/")
    page.locator("input[data-weight]").first.fill("40")
    expect(page.locator("#weight-sum")).to_have_text("40")  # the form's inline script ran
    assert _violations(page) == []

    _goto(page, "/api/docs/")
    expect(page.locator(".swagger-ui .information-container")).to_be_visible()
    assert _violations(page) == []

    assert console == []


def test_a_confirmation_asks_without_an_inline_handler(open_page, sign_in, scene, cast):
    """households/detail.html: «移出» asks first (site.js reads data-confirm); dismissed, the
    resident stays."""
    page, console = _watched(open_page)
    sign_in(page, cast.songhe_chair)
    _goto(page, f"/households/{scene.ws1.pk}/")
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("button", name="移出").first.click()
    expect(page.locator("main")).to_contain_text("王小红")
    assert asked == ["确定移出该成员？"]
    assert _violations(page) == []
    assert console == []
