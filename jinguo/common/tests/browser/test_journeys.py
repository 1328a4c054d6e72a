"""The main journeys, clicked through in Chromium: a grid volunteer on her phone, a community
chair handling a dispute, a county cadre reading the figures and downloading the report.
Screenshots of the key steps go to var/screenshots/."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from jinguo.cases.models import Case, CaseTransition
from jinguo.common.tests.browser.conftest import DESKTOP, PHONE
from jinguo.visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = Case.Status
A = CaseTransition.Action


def test_grid_volunteer_logs_a_visit_on_her_phone(open_page, sign_in, shoot, scene, cast, people):
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    shoot(page, "1-home")

    page.locator(".navbar-toggler").tap()
    page.get_by_role("button", name="家庭台账").tap()
    page.get_by_role("link", name="走访", exact=True).tap()
    page.get_by_role("link", name="记走访").tap()
    rows = page.locator("#picker-rows")
    expect(rows).to_contain_text("WS-002")
    # Searched as she types (htmx): the pinyin initials of 王小红 leave only her household.
    page.get_by_role("searchbox").fill("wxh")
    expect(rows).not_to_contain_text("WS-002")
    expect(rows).to_contain_text("WS-001")
    shoot(page, "2-picker")

    rows.get_by_role("link", name=re.compile("WS-001")).tap()
    page.locator("label", has_text="电话").tap()
    page.locator("#visit-more > summary").tap()  # services, note, photo, date: folded
    page.locator("label", has_text="政策宣传").tap()
    page.locator("label", has_text="关爱慰问").tap()
    page.get_by_label("备注").fill("电话了解低保续办情况")
    shoot(page, "3-form")
    page.get_by_role("button", name="保存走访").tap()
    expect(page.locator(".alert-success")).to_contain_text("已记录对WS-001的走访")
    shoot(page, "4-saved")

    page.goto(f"/visits/household/{scene.ws1.pk}/")
    expect(page.locator(".list-group")).to_contain_text("电话了解低保续办情况")
    shoot(page, "5-household")

    visit = Visit.objects.get(household=scene.ws1)
    assert (visit.channel, visit.services) == ("phone", ["policy", "care"])
    assert (visit.visited_by, visit.executive) == (cast.wushan_member, people.wushan_exec)


def test_a_case_reported_on_a_visit_links_to_the_household_and_back(
    open_page, sign_in, shoot, scene, cast, people
):
    """Issue 21, item 6: the message names the case and links to it; the case page links to
    the household, and the household page lists the case."""
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    page.goto(f"/visits/new/?household={scene.ws1.pk}")
    page.locator("label", has_text="入户").first.tap()
    page.locator("#visit-more > summary").tap()
    page.locator("label", has_text="关爱慰问").tap()
    page.locator("#case-section summary").tap()
    page.get_by_label("纠纷诉求类型").select_option("dispute_neighbour")
    page.get_by_label("诉求标题").fill("与邻居因排水沟起争执")
    page.get_by_role("button", name="保存走访").tap()

    message = page.locator(".alert-success")
    expect(message).to_contain_text("已记录对WS-001的走访")
    case = Case.objects.get(household=scene.ws1)
    expect(message).to_contain_text(f"已上报案件{case.number}")
    message.get_by_role("link").tap()
    expect(page).to_have_url(re.compile(f"/cases/{case.pk}/$"))
    shoot(page, "case-from-visit")

    page.get_by_role("link", name="WS-001").tap()
    expect(page).to_have_url(re.compile(f"/households/{scene.ws1.pk}/$"))
    cases = page.locator("#household-cases")
    expect(cases).to_contain_text("与邻居因排水沟起争执")
    cases.get_by_role("link", name=case.number).tap()
    expect(page).to_have_url(re.compile(f"/cases/{case.pk}/$"))


def _act(page, action: str, label: str, fields: dict[str, str] | None = None) -> None:
    """Open the action's panel on the case page, fill it in and submit it."""
    page.locator(f"[data-bs-target='#act-{action}']").click()
    panel = page.locator(f"#act-{action}")
    # Bootstrap's collapse animates ("collapsing") before it settles on "show"; a click on a
    # button that is still moving can be lost on a busy machine.
    expect(panel).to_have_class(re.compile(r"\bshow\b"))
    for name, value in (fields or {}).items():
        field = panel.locator(f"[name='{action}-{name}']")
        if field.evaluate("el => el.tagName") == "SELECT":
            # Options read like the person or choice they stand for, perhaps with more after it.
            option = field.locator("option", has_text=re.compile(f"^{value}"))
            field.select_option(option.get_attribute("value"))
        else:
            field.fill(value)
    panel.get_by_role("button", name=label).click()
    expect(page.locator(".alert-success")).to_have_text(f"已{label}")


def test_community_chair_takes_a_dispute_through_its_loop_to_closure(
    open_page, sign_in, shoot, scene, cast, people
):
    page = open_page(**DESKTOP)
    sign_in(page, cast.songhe_chair)
    page.get_by_role("button", name="家庭台账").click()
    page.get_by_role("link", name="纠纷诉求").click()
    page.get_by_role("link", name=re.compile("李梅家与邻居宅基地纠纷")).click()
    shoot(page, "1-reported")

    _act(page, A.ACCEPT, "受理", {"note": "已电话联系双方"})
    _act(page, A.DISPATCH, "派单", {"assignee": "汪秀兰"})
    _act(page, A.START, "开始处置")
    shoot(page, "2-in-progress")
    _act(page, A.RESOLVE, "办结反馈", {"outcome": "达成口头协议", "note": "双方同意重新划界"})
    _act(page, A.VERIFY, "核查", {"passed": "通过"})
    _act(page, A.CLOSE, "结案")
    _act(page, A.RATE, "回访评价", {"satisfaction": "5", "note": "回访满意"})
    expect(page.locator("h1 + p")).to_contain_text("回访评价")
    shoot(page, "3-rated")

    case = Case.objects.get(pk=scene.case.pk)
    assert (case.status, case.outcome, case.satisfaction) == (S.RATED, "oral_agreement", 5)
    assert case.assignee == people.wushan_exec
    assert case.closed_at is not None
    steps = case.transitions.order_by("pk").values_list("action", "to_status", "actor__username")
    chair = cast.songhe_chair.username
    assert list(steps) == [
        (A.REPORT, S.REPORTED, cast.wushan_member.username),
        (A.ACCEPT, S.ACCEPTED, chair),
        (A.DISPATCH, S.DISPATCHED, chair),
        (A.START, S.IN_PROGRESS, chair),
        (A.RESOLVE, S.RESOLVED, chair),
        (A.VERIFY, S.VERIFIED, chair),
        (A.CLOSE, S.CLOSED, chair),
        (A.RATE, S.RATED, chair),
    ]


def test_county_cadre_follows_a_figure_and_downloads_the_word_report(
    open_page, sign_in, shoot, scene, cast, tmp_path
):
    page = open_page(**DESKTOP)
    sign_in(page, cast.county_cadre)
    page.get_by_role("link", name="工作看板").click()
    expect(page.locator("h1")).to_contain_text("宁国市")
    expect(page.locator("#chart-trend canvas")).to_be_visible()
    households = page.locator("[data-figure='coverage.households']")
    expect(households.locator(".fs-4")).to_have_text(re.compile(r"^\s*3\s*户\s*$"))
    shoot(page, "1-dashboard")

    households.click()
    ledger = page.locator("main")
    for number in ("WS-001", "WS-002", "GK-005"):
        expect(ledger).to_contain_text(number)
    shoot(page, "2-households")

    page.get_by_role("link", name="工作报告").click()
    shoot(page, "3-report")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 Word（.docx）").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    path = tmp_path / "report.docx"
    download.save_as(path)
    with zipfile.ZipFile(path) as docx:
        document = docx.read("word/document.xml").decode()
    assert "宁国市" in document
