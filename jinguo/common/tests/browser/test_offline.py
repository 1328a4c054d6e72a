"""Offline (issue 25, 3): a volunteer whose village loses the network keeps working on her phone.
The network is switched off and on in Chromium (context.set_offline): the app still opens (the
service worker answers with the offline pages), what she saves waits on the phone in the outbox
and is sent when the network returns, stored once even when an answer was lost, refused with the
reason when the household left her meanwhile, and wiped when she signs out."""

from typing import Any

import pytest
from playwright.sync_api import expect

from jinguo.cases.models import Case
from jinguo.common.tests.browser.conftest import PHONE
from jinguo.households.assignments import household_unassign
from jinguo.households.models import Household, HouseholdAssignment
from jinguo.visits.models import Visit, Wish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the phone keeps, read from the page (offline.js's database).
READ_STORE = """([store, key]) => new Promise((resolve, reject) => {
  const open = indexedDB.open("jinguo-offline", 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore("outbox", {keyPath: "client_id"});
    open.result.createObjectStore("kv");
  };
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const request = key === null
      ? open.result.transaction(store).objectStore(store).getAll()
      : open.result.transaction(store).objectStore(store).get(key);
    request.onsuccess = () => {
      open.result.close();
      resolve(request.result === undefined ? null : request.result);
    };
  };
})"""


def _kept(page: Any, store: str, key: str | None = None) -> Any:
    return page.evaluate(READ_STORE, [store, key])


def _ready(page: Any) -> None:
    """The worker controls the page, and her households are on the phone."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    expect(page.locator("body[data-offline-ready]")).to_have_count(1)


def _offline_visit_form(page: Any, household: Household) -> None:
    """Offline: the home page (the worker's offline page) → her household's «走访»."""
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("离线工作")
    row = page.locator(f"[data-households-list] [data-household='{household.pk}']")
    row.get_by_role("link", name="走访").tap()
    expect(page.locator("[data-household-label]")).to_contain_text(household.number)


def test_the_app_is_installable_and_opens_without_a_network(open_page, sign_in, shoot, scene, cast):
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    expect(page.locator("link[rel=manifest]")).to_have_attribute("href", "/manifest.webmanifest")
    _ready(page)
    snapshot = _kept(page, "kv", "snapshot")
    ws1 = next(h for h in snapshot["households"] if h["number"] == "WS-001")
    assert set(ws1) == {"id", "number", "head", "address", "categories", "due"}
    assert "GK-005" not in {h["number"] for h in snapshot["households"]}

    page.context.set_offline(True)
    page.goto("/")
    expect(page.locator("[data-households-list]")).to_contain_text("WS-001 王小红")
    shoot(page, "offline-home")


def test_a_visit_saved_offline_is_sent_when_the_network_returns(
    open_page, sign_in, shoot, scene, cast
):
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    _ready(page)
    page.context.set_offline(True)
    _offline_visit_form(page, scene.ws1)
    page.locator("label", has_text="电话").tap()
    page.locator("label", has_text="关爱慰问").tap()
    page.get_by_role("button", name="保存走访").tap()
    expect(page.locator("#offline-notice")).to_contain_text("已保存在手机上，联网后自动发送")
    shoot(page, "saved-offline")

    page.goto("/offline/")
    expect(page.locator("[data-outbox-list]")).to_contain_text("走访 · WS-001 王小红")
    expect(page.locator("[data-outbox-list]")).to_contain_text("待发送")
    expect(page.locator("#outbox-badge")).to_contain_text("1")
    assert not Visit.objects.filter(household=scene.ws1).exists()

    page.context.set_offline(False)
    expect(page.locator("#offline-notice")).to_contain_text("已发送")
    expect(page.locator("[data-outbox-list]")).to_contain_text("没有待发送的记录")
    expect(page.locator("#outbox-badge")).to_be_hidden()
    visit = Visit.objects.get(household=scene.ws1)
    assert (visit.channel, visit.services) == ("phone", ["care"])
    assert visit.visited_by == cast.wushan_member
    assert visit.client_id is not None


def test_a_wish_and_a_case_report_saved_offline_are_sent(open_page, sign_in, scene, cast):
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    _ready(page)
    page.context.set_offline(True)
    _offline_visit_form(page, scene.ws1)
    page.locator("#offline-wish summary").tap()
    page.get_by_label("心愿内容").fill("孙子上学要一个书包")
    page.get_by_label("类别").select_option("study")
    page.get_by_role("button", name="保存心愿").tap()
    expect(page.locator("#offline-notice")).to_contain_text("已保存在手机上")
    page.locator("#offline-case summary").tap()
    page.get_by_label("纠纷诉求类型").select_option("dispute_support")
    page.get_by_label("诉求标题").fill("赡养费纠纷")
    page.get_by_role("button", name="保存上报").tap()
    expect(page.locator("#outbox-badge")).to_contain_text("2")

    page.context.set_offline(False)
    expect(page.locator("#outbox-badge")).to_be_hidden()
    wish = Wish.objects.get(household=scene.ws1)
    assert (wish.content, wish.category) == ("孙子上学要一个书包", "study")
    case = Case.objects.get(household=scene.ws1, title="赡养费纠纷")
    assert (case.kind, case.reported_by) == ("dispute_support", cast.wushan_member)


def test_a_visit_to_a_household_handed_over_meanwhile_shows_why_it_was_not_stored(
    open_page, sign_in, shoot, scene, cast, tree
):
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    _ready(page)
    page.context.set_offline(True)
    _offline_visit_form(page, scene.ws1)
    page.locator("label", has_text="入户").tap()
    page.get_by_role("button", name="保存走访").tap()
    expect(page.locator("#offline-notice")).to_contain_text("已保存在手机上")

    # Meanwhile the household moves to 港口一组网格 and leaves her care.
    for assignment in HouseholdAssignment.objects.filter(household=scene.ws1, end_date=None):
        household_unassign(actor=None, assignment=assignment)
    Household.objects.filter(pk=scene.ws1.pk).update(grid=tree.gangkou_grid)

    page.goto("/offline/")
    page.context.set_offline(False)
    item = page.locator("[data-outbox-item][data-status=failed]")
    expect(item).to_contain_text(
        "未保存：该户已不在您的负责范围内（可能已移交他人），这条记录未保存。"
    )
    shoot(page, "refused")
    assert not Visit.objects.filter(household=scene.ws1).exists()
    page.reload()  # kept until she removes it
    expect(item).to_contain_text("该户已不在您的负责范围内")
    item.get_by_role("button", name="删除").tap()
    expect(page.locator("[data-outbox-list]")).to_contain_text("没有待发送的记录")


def test_a_visit_whose_answer_was_lost_is_sent_again_and_stored_once(
    open_page, sign_in, scene, cast
):
    # The worker is left out here, so that the page's requests pass through page.route.
    page = open_page(service_workers="block", **PHONE)
    sign_in(page, cast.wushan_member)
    page.goto(f"/visits/new/?household={scene.ws1.pk}")
    client_id = page.locator("input[name=client_id]").input_value()
    assert client_id
    page.context.set_offline(True)
    page.locator("label", has_text="微信").tap()
    page.get_by_role("button", name="保存走访").tap()
    expect(page.locator("#offline-notice")).to_contain_text("已保存在手机上")

    answers: list[Any] = []

    def lose_the_first_answer(route: Any) -> None:
        if answers:
            route.continue_()
            return
        answers.append(route.fetch())  # the server stores it …
        route.abort()  # … and the answer never reaches the phone

    page.route("**/offline/sync/", lose_the_first_answer)
    sync = "/offline/sync/"
    with page.expect_event("requestfailed", predicate=lambda request: sync in request.url):
        page.context.set_offline(False)
    assert answers[0].status == 201
    assert Visit.objects.filter(client_id=client_id).count() == 1

    page.goto("/offline/")  # sent again (on the next page, or when it tries again)
    expect(page.locator("[data-outbox-list]")).to_contain_text("没有待发送的记录")
    assert answers[0].status == 201
    assert Visit.objects.filter(household=scene.ws1).count() == 1
    assert str(Visit.objects.get(household=scene.ws1).client_id) == client_id


def test_signing_out_wipes_what_the_phone_kept(open_page, sign_in, scene, cast):
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    _ready(page)
    assert _kept(page, "kv", "snapshot") is not None
    page.locator(".navbar-toggler").tap()
    page.get_by_role("button", name="退出").tap()
    page.wait_for_url("**/accounts/login/**")
    assert _kept(page, "kv", "snapshot") is None
    assert _kept(page, "outbox") == []
    names = page.evaluate("caches.keys()")
    assert not [name for name in names if name.startswith("jinguo-")]


AGE_SNAPSHOT = """(days) => new Promise((resolve) => {
  const open = indexedDB.open("jinguo-offline", 1);
  open.onsuccess = () => {
    const store = open.result.transaction("kv", "readwrite").objectStore("kv");
    const read = store.get("snapshot");
    read.onsuccess = () => {
      const snapshot = read.result;
      snapshot.signed_in_at = new Date(Date.now() - days * 24 * 3600 * 1000).toISOString();
      store.put(snapshot, "snapshot").onsuccess = () => { open.result.close(); resolve(); };
    };
  };
})"""


def test_her_households_leave_the_phone_seven_days_after_she_signed_in(
    open_page, sign_in, scene, cast
):
    page = open_page(**PHONE)
    sign_in(page, cast.wushan_member)
    _ready(page)
    page.context.set_offline(True)
    page.evaluate(AGE_SNAPSHOT, 6)
    page.goto("/")
    expect(page.locator("[data-households-list]")).to_contain_text("WS-001")

    page.evaluate(AGE_SNAPSHOT, 8)
    page.goto("/")
    expect(page.locator("[data-households-list]")).to_contain_text("手机上没有保存的户")
    assert _kept(page, "kv", "snapshot") is None
