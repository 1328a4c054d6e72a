import datetime as dt
import re

import pytest
from django.urls import reverse

from jinguo.audit.models import AuditEvent
from jinguo.households.assignments import household_assign
from jinguo.households.models import (
    Category,
    Household,
    HouseholdAssignment,
    Resident,
    held_categories,
)
from jinguo.households.services import category_save, household_set_categories
from jinguo.households.tests.factories import executive, household
from jinguo.orgs.services import org_create, org_update
from jinguo.people.idcard import check_digit
from jinguo.people.models import Person
from jinguo.people.services import person_create
from jinguo.visits.services import visit_log

HOUSEHOLD_READS = ["households:detail", "households:history"]
HOUSEHOLD_WRITES = [
    "households:edit",
    "households:assign",
    "households:relocate",
    "households:categories",
    "households:resident_add",
]


def valid_id(first17: str = "34188119900101002") -> str:
    return first17 + check_digit(first17)


def page_numbers(response) -> list[str]:
    return sorted(h.number for h in response.context["rows"])


# --- scope: another village is a 404 on every page -------------------------------------------


@pytest.mark.parametrize("page", HOUSEHOLD_READS + HOUSEHOLD_WRITES)
def test_another_villages_household_is_404_on_every_household_page(ledger, cast, login, page):
    response = login(cast.songhe_chair).get(reverse(page, args=[ledger.h5.pk]))
    assert response.status_code == 404


def test_another_villages_household_is_404_on_every_post_only_action(ledger, cast, login):
    client = login(cast.songhe_chair)
    h5 = ledger.h5
    row = HouseholdAssignment.objects.create(
        household=h5, executive=ledger.jia, kind="responsible", start_date="2025-01-01"
    )
    resident = Resident.objects.get(household=h5)
    urls = [
        reverse("households:assignment_end", args=[h5.pk, row.pk]),
        reverse("households:resident_remove", args=[h5.pk, resident.person_id]),
    ]
    for url in urls:
        assert client.post(url).status_code == 404
    row.refresh_from_db()
    assert row.end_date is None and Resident.objects.filter(household=h5).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/households/?org={gangkou}",
        "/households/?grid={gangkou_grid}",
        "/households/coverage/?org={gangkou}",
        "/households/grids/?org={gangkou}",
        "/households/grids/{gangkou_grid}/executives/",
    ],
)
def test_another_villages_units_are_404_on_the_list_pages(ledger, cast, login, tree, url):
    url = url.format(gangkou=tree.gangkou.pk, gangkou_grid=tree.gangkou_grid.pk)
    assert login(cast.songhe_chair).get(url).status_code == 404


def test_another_villages_grid_assignment_cannot_be_ended(ledger, cast, login, tree):
    gk = executive(tree.gangkou, "港执委", grid=tree.gangkou_grid)
    row = gk.grid_assignments.get()
    url = reverse("households:grid_assignment_end", args=[tree.gangkou_grid.pk, row.pk])
    assert login(cast.songhe_chair).post(url).status_code == 404


def test_a_grid_member_gets_404_for_a_household_of_the_next_grid(ledger, cast, login):
    client = login(cast.wushan_member)
    assert client.get(reverse("households:detail", args=[ledger.h4.pk])).status_code == 404
    assert client.get(reverse("households:detail", args=[ledger.h6.pk])).status_code == 200


def test_administrators_see_no_household_pages(ledger, cast, login):
    for admin in (cast.system_admin, cast.audit_admin):
        client = login(admin)
        assert client.get(reverse("households:detail", args=[ledger.h1.pk])).status_code == 404
        assert client.get(reverse("households:coverage")).status_code == 404
        assert client.get(reverse("households:list")).context["page"].paginator.count == 0


# --- read-only roles ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", HOUSEHOLD_READS)
def test_leader_reads_household_pages(ledger, cast, login, page):
    assert login(cast.county_leader).get(reverse(page, args=[ledger.h1.pk])).status_code == 200


@pytest.mark.parametrize("page", HOUSEHOLD_WRITES)
def test_leader_is_refused_every_household_write(ledger, cast, login, page):
    client = login(cast.county_leader)
    url = reverse(page, args=[ledger.h1.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


def test_leader_is_refused_the_other_writes(ledger, cast, login, tree):
    client = login(cast.county_leader)
    row = ledger.h1.assignments.get()
    grid_row = ledger.jia.grid_assignments.get()
    assert client.get(reverse("households:create")).status_code == 403
    assert (
        client.post(reverse("households:assignment_end", args=[ledger.h1.pk, row.pk])).status_code
        == 403
    )
    assert (
        client.post(
            reverse("households:resident_remove", args=[ledger.h1.pk, ledger.h1.head_id])
        ).status_code
        == 403
    )
    grid_page = reverse("households:grid_executives", args=[tree.wushan.pk])
    assert client.get(grid_page).status_code == 200
    assert client.post(grid_page, {"executive": ledger.jia.pk}).status_code == 403
    end = reverse("households:grid_assignment_end", args=[tree.wushan.pk, grid_row.pk])
    assert client.post(end).status_code == 403
    for url in ("/households/", "/households/coverage/", "/households/grids/", "/households/mine/"):
        assert client.get(url).status_code == 200


# --- the ledger list -------------------------------------------------------------------------


def test_the_list_answers_htmx_with_the_rows_fragment(ledger, cast, login):
    response = login(cast.songhe_chair).get(
        reverse("households:list"), {"q": "wxh"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and "WS-001" in html and "WS-002" not in html


def test_the_list_filters_by_category_and_grid_from_the_query_string(ledger, cast, login, tree):
    client = login(cast.township_cadre)
    params = {"category": ledger.dibao.pk, "grid": tree.wushan.pk}
    assert page_numbers(client.get(reverse("households:list"), params)) == ["WS-001", "WS-002"]
    assert page_numbers(
        client.get(reverse("households:list"), {"relocated": "0", "unassigned": "0"})
    ) == ["WS-001", "WS-002"]


def test_the_list_shows_only_the_last_four_of_an_id(ledger, cast, login, tree):
    number = valid_id()
    Person.objects.filter(pk=ledger.h1.head_id).update(id_tail=number[-4:])
    head = Person.objects.get(pk=ledger.h1.head_id)
    head.id_number = number
    head.save()
    html = login(cast.songhe_chair).get(reverse("households:list")).content.decode()
    assert number not in html and number[-4:] in html


def test_the_list_does_not_query_per_row(ledger, cast, login, tree, count_queries):
    client = login(cast.township_cadre)
    url = reverse("households:list")
    n = Household.objects.count()
    few = count_queries(lambda: client.get(url))
    for i in range(2 * n):
        h = household(tree.wushan, f"N{i:03d}")
        household_assign(actor=None, household=h, executive=ledger.jia)
    many = count_queries(lambda: client.get(url))
    assert many == few
    assert client.get(url).context["page"].paginator.count == 3 * n


def test_my_households_page_lists_the_grid_members_households(ledger, cast, login):
    response = login(cast.wushan_member).get(reverse("households:mine"))
    assert page_numbers(response) == ["CJW-003", "GK-006", "WS-001", "WS-002"]


# --- the household page ------------------------------------------------------------------------


def test_detail_shows_residents_masked_with_a_link_to_the_person(ledger, cast, login):
    number = valid_id()
    head = Person.objects.get(pk=ledger.h1.head_id)
    head.id_number, head.phone = number, "13912345678"
    head.save()
    html = (
        login(cast.songhe_chair)
        .get(reverse("households:detail", args=[ledger.h1.pk]))
        .content.decode()
    )
    assert number not in html and "13912345678" not in html
    assert f"{number[:6]}********{number[-4:]}" in html and "139****5678" in html
    assert f'href="/people/{head.pk}/"' in html
    assert "甲" in html and "敏感类别" in html and "低保" not in html  # a cadre: masked


def test_detail_shows_current_and_past_assignments(ledger, cast, login):
    household_assign(actor=None, household=ledger.h1, executive=ledger.wang_exec)
    response = login(cast.songhe_chair).get(reverse("households:detail", args=[ledger.h1.pk]))
    assignments = list(response.context["assignments"])
    assert [(a.executive.name, a.end_date is None) for a in assignments] == [
        ("汪秀兰", True),
        ("甲", False),
    ]
    html = response.content.decode()
    assert "包保交接" in html and "执委：甲 → 汪秀兰" in html


# --- forms -------------------------------------------------------------------------------------


def test_a_cadre_creates_a_household_through_the_form(ledger, cast, login, tree):
    response = login(cast.songhe_chair).post(
        reverse("households:create"),
        {"grid": tree.wushan.pk, "number": "ＷＳ-100", "address": "新屋"},
    )
    h = Household.objects.get(number="WS-100")
    assert response.status_code == 302 and response["Location"] == f"/households/{h.pk}/"


def test_a_duplicate_number_is_shown_on_the_form(ledger, cast, login, tree):
    response = login(cast.songhe_chair).post(
        reverse("households:create"), {"grid": tree.wushan.pk, "number": "WS-001"}
    )
    assert response.status_code == 200 and "户号“WS-001”已存在" in response.content.decode()


def test_the_create_form_offers_only_grids_in_scope(ledger, cast, login, tree):
    response = login(cast.songhe_chair).post(
        reverse("households:create"), {"grid": tree.gangkou_grid.pk, "number": "GK-100"}
    )
    assert response.status_code == 200 and not Household.objects.filter(number="GK-100").exists()


def test_handover_form_offers_only_executives_of_the_households_grids(ledger, cast, login):
    client = login(cast.songhe_chair)
    url = reverse("households:assign", args=[ledger.h1.pk])
    choices = {p.name for p in client.get(url).context["form"].fields["executive"].queryset}
    assert choices == {"甲", "汪秀兰"}  # 乙 works in 程家湾, not in 巫山
    refused = client.post(url, {"kind": "responsible", "executive": ledger.yi.pk})
    assert (
        refused.status_code == 200
        and ledger.h1.assignments.filter(end_date__isnull=True).get().executive == ledger.jia
    )
    done = client.post(
        url,
        {
            "kind": "responsible",
            "executive": ledger.wang_exec.pk,
            "start_date": "2025-05-01",
            "reason": "调整",
        },
    )
    assert done.status_code == 302
    current = ledger.h1.assignments.get(end_date__isnull=True)
    assert current.executive == ledger.wang_exec and current.assigned_by == cast.songhe_chair


def test_a_handover_refused_by_the_service_shows_why(ledger, cast, login):
    url = reverse("households:assign", args=[ledger.h1.pk])
    response = login(cast.songhe_chair).post(
        url, {"kind": "responsible", "executive": ledger.jia.pk}
    )
    assert "甲已在负责该户" in response.content.decode()


def test_an_assignment_is_ended_from_the_household_page(ledger, cast, login):
    row = ledger.h1.assignments.get()
    url = reverse("households:assignment_end", args=[ledger.h1.pk, row.pk])
    response = login(cast.songhe_chair).post(url, {"end_date": "2025-06-01", "reason": "迁出"})
    row.refresh_from_db()
    assert response.status_code == 302 and str(row.end_date) == "2025-06-01"


def test_relocation_and_return_through_the_form(ledger, cast, login, tree):
    client = login(cast.songhe_chair)
    url = reverse("households:relocate", args=[ledger.h3.pk])
    client.post(url, {"living_grid": "", "living_address": ""})
    ledger.h3.refresh_from_db()
    assert ledger.h3.living_grid is None
    assert not ledger.h3.assignments.filter(kind="covering", end_date__isnull=True).exists()


def test_categories_are_set_through_the_form(ledger, cast, login):
    url = reverse("households:categories", args=[ledger.h3.pk])
    alone = Category.objects.get(code="elderly_alone")
    login(cast.songhe_chair).post(url, {"categories": [alone.pk], "since": "2025-02-01"})
    assert [c.name for c in held(ledger.h3)] == ["独居老人"]


def test_a_new_member_is_registered_by_id_number(ledger, cast, login, tree):
    number = valid_id()
    url = reverse("households:resident_add", args=[ledger.h3.pk])
    client = login(cast.songhe_chair)
    missing_name = client.post(url, {"id_number": number, "relation": "child"})
    assert "请填写姓名" in missing_name.content.decode()
    client.post(url, {"id_number": number, "name": "张小宝", "relation": "child"})
    resident = Resident.objects.get(household=ledger.h3, person__name="张小宝")
    assert resident.person.id_tail == number[-4:] and resident.person.org == tree.chengjiawan


def test_a_registered_person_is_added_by_id_number_alone(ledger, cast, login, tree):
    number = valid_id()
    p = person_create(actor=None, org=tree.songhe, name="钱敏", id_number=number)
    url = reverse("households:resident_add", args=[ledger.h3.pk])
    login(cast.songhe_chair).post(url, {"id_number": number, "relation": "spouse"})
    assert Resident.objects.get(person=p).household == ledger.h3


def test_a_member_is_removed(ledger, cast, login):
    url = reverse("households:resident_remove", args=[ledger.h1.pk, ledger.h1.head_id])
    login(cast.songhe_chair).post(url)
    ledger.h1.refresh_from_db()
    assert ledger.h1.head is None and not ledger.h1.residents.exists()


def test_grid_executives_are_assigned_and_ended_on_the_grid_page(ledger, cast, login, tree):
    newcomer = executive(tree.songhe, "新执委")
    client = login(cast.songhe_chair)
    url = reverse("households:grid_executives", args=[tree.gangkou_grid.pk])
    assert client.get(url).status_code == 404  # another village's grid
    url = reverse("households:grid_executives", args=[tree.chengjiawan.pk])
    choices = {p.name for p in client.get(url).context["form"].fields["executive"].queryset}
    assert "新执委" in choices and "乙" not in choices  # 乙 is already there
    client.post(url, {"executive": newcomer.pk, "start_date": "2025-03-01"})
    row = newcomer.grid_assignments.get()
    client.post(reverse("households:grid_assignment_end", args=[tree.chengjiawan.pk, row.pk]))
    row.refresh_from_db()
    assert row.end_date is not None


# --- 不漏一户 ------------------------------------------------------------------------------------


def test_every_coverage_figure_links_to_exactly_the_records_behind_it(ledger, cast, login, tree):
    client = login(cast.township_cadre)
    response = client.get(reverse("households:coverage"), {"org": tree.helixi.pk})
    figures = {f.label: (f.value, f.url) for f in response.context["figures"]}
    expected = {
        "家庭": ["CJW-003", "CJW-004", "GK-005", "GK-006", "WS-001", "WS-002"],
        "未包保": ["GK-005", "GK-006"],
        "多人包保": ["WS-002"],
        "异地居住未落实就近联系": ["CJW-004"],
        "包保超出类别上限": ["WS-001", "WS-002"],
    }
    for label, households in expected.items():
        value, url = figures[label]
        assert page_numbers(client.get(url)) == households, label
        # Over quota counts executive × category pairs (甲 × 低保), the list their households.
        assert value == (1 if label == "包保超出类别上限" else len(households)), label
    value, url = figures["无执委网格"]
    grids = client.get(url).context["page"]
    assert value == 1 and [g.name for g in grids] == ["港口一组网格"]
    html = response.content.decode()
    for _value, url in figures.values():
        assert f'href="{url}"'.replace("&", "&amp;") in html


def test_every_number_of_the_per_child_table_links_to_its_records(ledger, cast, login, tree):
    client = login(cast.township_cadre)
    response = client.get(reverse("households:coverage"), {"org": tree.helixi.pk})
    for child, cells in response.context["children"]:
        for cell in cells:
            target = client.get(cell.url)
            assert target.status_code == 200
            listed = target.context["page"].paginator.count
            if cell.label in ("家庭", "未包保", "多人包保", "异地居住未落实就近联系", "无执委网格"):
                assert listed == cell.value, (child.name, cell.label)


def test_coverage_defaults_to_the_users_own_unit(ledger, cast, login, tree):
    response = login(cast.songhe_chair).get(reverse("households:coverage"))
    assert response.context["org"] == tree.songhe
    assert response.context["coverage"].total.households == 4


def test_the_coverage_page_does_not_query_per_row(ledger, cast, login, tree, count_queries):
    client = login(cast.city_cadre)
    url = reverse("households:coverage")
    few = count_queries(lambda: client.get(url))
    for i in range(12):
        household(tree.gangkou_grid, f"Z{i:03d}")
    executive(tree.dongmen, "东门执委")
    assert count_queries(lambda: client.get(url)) == few


def test_the_grid_list_does_not_query_per_row(ledger, cast, login, tree, count_queries):
    client = login(cast.songhe_chair)
    url = reverse("households:grids")
    few = count_queries(lambda: client.get(url))
    for i in range(4):
        grid = org_create(
            actor=None,
            parent=tree.songhe,
            name=f"新网格{i}",
            kind="grid",
            code=f"34188100100101{i + 3}",
        )
        executive(tree.songhe, f"执委{i}", grid=grid)
    assert count_queries(lambda: client.get(url)) == few


def test_business_roles_have_the_ledger_and_coverage_in_the_menu(ledger, cast, login):
    html = login(cast.wushan_member).get("/").content.decode()
    assert re.search(r'href="/households/"[^>]*>家庭台账<', html)
    assert re.search(r'href="/households/coverage/"[^>]*>不漏一户<', html)


def test_a_category_change_is_audited(cast):
    dibao = Category.objects.get(code="dibao")
    changes = {"max_per_executive": [dibao.max_per_executive, 8]}
    dibao.max_per_executive = 8
    category_save(actor=cast.city_cadre, category=dibao, changes=changes, created=False)
    event = AuditEvent.objects.get(action="category.update")
    assert event.changes["max_per_executive"][1] == 8


def test_the_household_page_shows_its_visit_plan_and_links_its_visits(ledger, cast, login):
    day = dt.date(2026, 3, 2)
    visit_log(
        actor=cast.songhe_chair,
        household=ledger.h1,
        channel="home",
        services=["care"],
        visited_on=day,
    )
    page = login(cast.songhe_chair).get(f"/households/{ledger.h1.pk}/").content.decode()
    assert f'href="/visits/household/{ledger.h1.pk}/"' in page
    assert "最近走访：2026-03-02" in page


def held(household):
    """What the household holds now, read afresh."""
    return held_categories([household.pk])[household.pk]


# --- reference data kept a while (common.refcache) ----------------------------------------------


def test_the_ledger_reads_its_grid_options_once_a_while(
    kept_references, ledger, cast, login, count_queries
):
    client = login(cast.township_cadre)
    url = reverse("households:list")
    first = count_queries(lambda: client.get(url))
    again = count_queries(lambda: client.get(url))
    assert again == first - 1


def test_a_grid_renamed_through_the_services_shows_on_the_next_ledger(
    kept_references, ledger, cast, tree, login
):
    client = login(cast.township_cadre)
    url = reverse("households:list")
    client.get(url)
    org_update(actor=cast.system_admin, org=tree.wushan, name="巫山新组网格", code=tree.wushan.code)
    assert "巫山新组网格" in client.get(url).content.decode()


def test_a_category_marked_sensitive_is_masked_on_the_next_ledger_whatever_is_kept(
    kept_references, ledger, cast, tree, login
):
    category = Category(code="new", name="新类别甲", sort_order=99, visit_interval_days=30)
    category_save(actor=cast.system_admin, category=category, changes={}, created=True)
    household_set_categories(actor=None, household=ledger.h1, categories=[category])
    client = login(cast.township_cadre)  # sees sensitive categories masked
    url = reverse("households:list")
    badge = '<span class="badge text-bg-light me-1">{}</span>'
    assert badge.format("新类别甲") in client.get(url).content.decode()
    category.sensitive = True
    category_save(actor=cast.system_admin, category=category, changes={}, created=False)
    html = client.get(url).content.decode()
    assert badge.format("新类别甲") not in html and badge.format("敏感类别") in html


def test_another_users_grid_options_are_never_shared(kept_references, ledger, cast, login):
    def grid_ids(user) -> set[str]:
        options = login(user).get(reverse("households:list")).context["grids"].html
        return set(re.findall(r'value="(\d+)"', options))

    village = grid_ids(cast.gangkou_chair)
    assert village and village < grid_ids(cast.township_cadre)


def test_my_households_are_cards_on_a_phone_each_with_a_visit_button(ledger, cast, login):
    html = login(cast.wushan_member).get(reverse("households:mine")).content.decode()
    cards = html[html.index('id="household-cards"') : html.index('id="household-table"')]
    for number in ("CJW-003", "GK-006", "WS-001", "WS-002"):
        assert f"<strong>{number}</strong>" in cards
    h = Household.objects.get(number="WS-001")
    assert f"{reverse('visits:create')}?household={h.pk}" in cards
