"""Issue 21, items 4 and 7: Chinese text is stored as typed, identifiers are normalised; the
new-household form offers the grid's next free number; the resident form takes a phone."""

import pytest
from django.db import connection
from django.urls import reverse

from jinguo.households import services
from jinguo.households.models import Household
from jinguo.households.numbers import household_next_number
from jinguo.households.services import household_create, household_update
from jinguo.households.tests.factories import household
from jinguo.households.tests.test_views import valid_id
from jinguo.orgs.services import org_create, venue_create
from jinguo.people.models import Person
from jinguo.people.services import person_create
from jinguo.sanxin.services import sanxin_org_clean

ADDRESS = "嵩合社区（巫山组）：东头1号"
NOTE = "新迁入，独居老人"

# --- item 4: free text as typed, identifiers normalised ----------------------------------------


def test_a_households_address_and_note_keep_their_full_width_punctuation(tree):
    h = household_create(
        actor=None, grid=tree.wushan, number="ＳＨ０３１", address=f" {ADDRESS} ", note=NOTE
    )
    h.refresh_from_db()
    assert (h.address, h.note) == (ADDRESS, NOTE)
    assert h.number == "SH031"  # an identifier: folded to half-width


def test_an_edited_note_keeps_its_full_width_punctuation(tree):
    h = household(tree.wushan, "SH031")
    household_update(actor=None, household=h, number="SH031", grid=tree.wushan, note=NOTE)
    h.refresh_from_db()
    assert h.note == NOTE


def test_the_household_form_stores_the_note_as_typed(tree, cast, login):
    response = login(cast.songhe_chair).post(
        reverse("households:create"),
        {"grid": tree.wushan.pk, "number": "SH031", "address": ADDRESS, "note": NOTE},
    )
    assert response.status_code == 302
    assert Household.objects.get(number="SH031").note == NOTE


def test_a_persons_name_is_kept_as_typed_but_her_numbers_are_normalised(tree):
    person = person_create(
        actor=None,
        org=tree.wushan,
        name=" 阿依古丽（大） ",
        id_number="３４１８８１１９９００１０１００２" + valid_id()[-1],
        phone="１３８－０００１－１１１１",
    )
    assert person.name == "阿依古丽（大）"
    assert person.id_number == valid_id()
    assert person.phone == "13800011111"


def test_a_units_name_and_a_venues_address_keep_their_brackets_but_codes_are_folded(tree):
    unit = org_create(
        actor=None,
        parent=tree.songhe,
        kind="grid",
        name="东片（一组）",
        code="３４１８８１００１００１００９",
    )
    assert (unit.name, unit.code) == ("东片（一组）", "341881001001009")
    venue = venue_create(
        actor=None, org=tree.songhe, kind="women_home", name="妇女之家", address=ADDRESS
    )
    assert venue.address == ADDRESS


def test_a_sanxin_organisations_address_keeps_its_punctuation(tree):
    values = sanxin_org_clean(
        org=tree.songhe,
        name="嵩合（合肥）电商有限公司",
        category="new_employment",
        sector="live_commerce",
        address=ADDRESS,
    )
    assert (values["name"], values["address"]) == ("嵩合（合肥）电商有限公司", ADDRESS)


def test_the_ledger_finds_an_address_typed_with_full_width_punctuation(ledger, cast, login):
    household(ledger.h1.grid, "SH031", address=ADDRESS)
    response = login(cast.songhe_chair).get(reverse("households:list"), {"q": "（巫山组）：东头"})
    assert [h.number for h in response.context["rows"]] == ["SH031"]


# --- item 7: the next free household number --------------------------------------------------


def test_the_next_number_continues_the_grids_series_across_the_ledger(ledger, tree):
    # 巫山组网格 holds WS-001 and WS-002; 程家湾组网格 CJW-003 and CJW-004.
    assert household_next_number(grid=tree.wushan) == "WS-003"
    assert household_next_number(grid=tree.chengjiawan) == "CJW-005"


def test_a_grid_without_households_continues_its_villages_series(tree):
    for n in (1, 2, 7):
        household(tree.chengjiawan, f"SH{n:03d}")
    assert household_next_number(grid=tree.wushan) == "SH008"


def test_a_grid_with_no_numbered_household_near_it_gets_no_suggestion(tree):
    assert household_next_number(grid=tree.wushan) == ""


def test_the_new_household_form_is_prefilled_with_the_next_free_number(ledger, tree, cast, login):
    client = login(cast.songhe_chair)
    response = client.get(reverse("households:create"), {"grid": tree.wushan.pk})
    assert response.context["form"].initial["number"] == "WS-003"
    assert 'value="WS-003"' in response.content.decode()


def test_a_grid_member_with_one_grid_gets_its_next_number_without_choosing(
    ledger, tree, cast, login
):
    response = login(cast.wushan_member).get(reverse("households:create"))
    assert response.context["form"].initial == {"grid": tree.wushan.pk, "number": "WS-003"}


def test_choosing_a_grid_swaps_in_its_next_number(ledger, tree, cast, login):
    response = login(cast.songhe_chair).get(
        reverse("households:next_number"), {"grid": tree.chengjiawan.pk}
    )
    html = response.content.decode()
    assert 'id="id_number"' in html and 'value="CJW-005"' in html


def test_the_suggestion_of_another_villages_grid_is_404(ledger, tree, cast, login):
    response = login(cast.songhe_chair).get(
        reverse("households:next_number"), {"grid": tree.gangkou_grid.pk}
    )
    assert response.status_code == 404


def test_a_number_taken_meanwhile_is_a_form_error_that_keeps_the_input(
    ledger, tree, cast, login, monkeypatch
):
    # Two cadres were offered WS-003; the other saved first, after this one's check.
    household(tree.wushan, "WS-003")
    monkeypatch.setattr(services, "_number_errors", lambda number, exclude_pk: [])
    response = login(cast.songhe_chair).post(
        reverse("households:create"),
        {"grid": tree.wushan.pk, "number": "WS-003", "address": ADDRESS, "note": NOTE},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "户号“WS-003”刚被他人占用" in html
    assert ADDRESS in html and NOTE in html
    assert Household.objects.filter(number="WS-003").count() == 1


# --- item 7: the resident form's phone -------------------------------------------------------


def test_a_new_resident_is_registered_with_her_phone_encrypted_and_masked(ledger, cast, login):
    client = login(cast.songhe_chair)
    url = reverse("households:resident_add", args=[ledger.h1.pk])
    response = client.post(
        url,
        {"id_number": valid_id(), "name": "周敏", "relation": "child", "phone": "138 0001 1111"},
    )
    assert response.status_code == 302
    person = Person.objects.get(name="周敏")
    assert (person.phone, person.phone_tail) == ("13800011111", "1111")
    with connection.cursor() as cursor:  # the column holds ciphertext, not the number
        cursor.execute(f"SELECT phone FROM {Person._meta.db_table} WHERE id = %s", [person.pk])  # noqa: S608
        assert "13800011111" not in str(cursor.fetchone()[0])
    page = client.get(reverse("households:detail", args=[ledger.h1.pk])).content.decode()
    assert "138****1111" in page and "13800011111" not in page


def test_a_wrong_phone_is_an_error_in_chinese_that_keeps_the_input(ledger, cast, login):
    url = reverse("households:resident_add", args=[ledger.h1.pk])
    response = login(cast.songhe_chair).post(
        url, {"id_number": valid_id(), "name": "周敏", "relation": "child", "phone": "12345"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "电话号码应为11位手机号" in html
    assert 'value="周敏"' in html and 'value="12345"' in html
    assert not Person.objects.filter(name="周敏").exists()


def test_a_phone_typed_for_a_registered_person_replaces_hers(ledger, tree, cast, login):
    known = person_create(actor=None, org=tree.wushan, name="周敏", id_number=valid_id())
    url = reverse("households:resident_add", args=[ledger.h1.pk])
    login(cast.songhe_chair).post(
        url, {"id_number": valid_id(), "name": "", "relation": "child", "phone": "13800011111"}
    )
    known.refresh_from_db()
    assert known.phone == "13800011111"


@pytest.mark.parametrize("phone", ["", "  "])
def test_no_phone_leaves_a_registered_persons_phone_alone(ledger, tree, cast, login, phone):
    known = person_create(
        actor=None, org=tree.wushan, name="周敏", id_number=valid_id(), phone="13800011111"
    )
    url = reverse("households:resident_add", args=[ledger.h1.pk])
    login(cast.songhe_chair).post(
        url, {"id_number": valid_id(), "name": "", "relation": "child", "phone": phone}
    )
    known.refresh_from_db()
    assert known.phone == "13800011111"
