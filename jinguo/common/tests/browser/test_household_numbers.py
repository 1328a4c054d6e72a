"""Issue 21, items 4 and 7, on a 390×844 phone: a community chair adds a household with the
number the form offers for the grid she picks, its address and note typed with full-width
punctuation, then a resident with a phone, which the household page shows masked."""

import pytest
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import PHONE
from jinguo.households.models import Household
from jinguo.households.tests.test_views import valid_id
from jinguo.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "嵩合社区（巫山组）：东头1号"
NOTE = "新迁入，独居老人"


def test_chair_adds_a_household_with_the_offered_number_and_a_resident_with_a_phone(
    open_page, sign_in, shoot, scene, cast
):
    page = open_page(**PHONE)
    sign_in(page, cast.songhe_chair)
    page.goto("/households/")
    page.get_by_role("link", name="新建家庭").tap()
    # htmx listens for the grid's change once the page has loaded (its script ends the body).
    page.wait_for_url("**/households/new/", wait_until="load")
    number = page.get_by_label("户号")
    expect(number).to_have_value("")  # two grids: nothing to offer before she picks one

    page.get_by_label("所属网格").select_option(label="嵩合社区 · 巫山组网格")
    # The grid holds WS-001 and WS-002: htmx swaps in the next free number, still editable.
    expect(page.get_by_label("户号")).to_have_value("WS-003")
    expect(page.get_by_label("户号")).to_be_editable()
    page.get_by_label("户籍地址").fill(ADDRESS)
    page.get_by_label("备注").fill(NOTE)
    shoot(page, "1-new-household")
    page.get_by_role("button", name="保存").tap()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    expect(page.locator("h1")).to_contain_text("WS-003")
    shoot(page, "2-household")

    page.get_by_role("link", name="添加", exact=True).first.tap()
    page.get_by_label("身份证号").fill(valid_id())
    page.get_by_label("姓名").fill("周敏")
    page.get_by_label("与户主关系").select_option(label="子女")
    page.get_by_label("联系电话").fill("138 0001 1111")
    shoot(page, "3-resident")
    page.get_by_role("button", name="保存").tap()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    residents = page.locator("table").first
    expect(residents).to_contain_text("周敏")
    expect(residents).to_contain_text("138****1111")
    expect(page.locator("body")).not_to_contain_text("13800011111")
    shoot(page, "4-resident-added")

    household = Household.objects.get(number="WS-003")
    assert (household.grid, household.address, household.note) == (
        scene.ws1.grid,
        ADDRESS,
        NOTE,
    )
    person = Person.objects.get(name="周敏")
    assert person.phone == "13800011111"
    assert household.residents.filter(person=person, relation="child").exists()
