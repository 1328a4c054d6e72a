import pytest
from django.urls import reverse

from jinguo.orgs.models import OrgUnit
from jinguo.orgs.services import org_create

K = OrgUnit.Kind

READ_PAGES = ["orgs:detail", "orgs:units", "orgs:history", "orgs:export"]
WRITE_PAGES = [
    "orgs:create_child",
    "orgs:edit",
    "orgs:move",
    "orgs:merge",
    "orgs:venue_create",
    "orgs:import",
    "orgs:import_template",
]


@pytest.mark.parametrize("page", READ_PAGES + WRITE_PAGES)
def test_user_of_another_village_gets_404_on_every_org_page(tree, cast, login, page):
    response = login(cast.songhe_chair).get(reverse(page, args=[tree.gangkou.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("page", READ_PAGES + WRITE_PAGES)
def test_grid_member_cannot_see_other_grid(tree, cast, login, page):
    response = login(cast.wushan_member).get(reverse(page, args=[tree.chengjiawan.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("page", READ_PAGES)
def test_leader_reads_pages_in_scope(tree, cast, login, page):
    assert login(cast.county_leader).get(reverse(page, args=[tree.songhe.pk])).status_code == 200


@pytest.mark.parametrize("page", WRITE_PAGES)
def test_leader_is_refused_every_write_page(tree, cast, login, page):
    assert login(cast.county_leader).get(reverse(page, args=[tree.songhe.pk])).status_code == 403


@pytest.mark.parametrize("page", READ_PAGES)
def test_administrators_see_no_org_pages(tree, cast, login, page):
    for admin in (cast.system_admin, cast.security_admin, cast.audit_admin):
        assert login(admin).get(reverse(page, args=[tree.city.pk])).status_code == 404


def test_anonymous_is_sent_to_login(tree, client):
    response = client.get(reverse("orgs:detail", args=[tree.songhe.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_detail_shows_children_and_kind_counts_that_link_to_the_records(tree, cast, login):
    response = login(cast.township_cadre).get(reverse("orgs:detail", args=[tree.helixi.pk]))
    html = response.content.decode()
    assert "嵩合社区" in html and "港口村" in html
    units = reverse("orgs:units", args=[tree.helixi.pk])
    assert f'href="{units}?kind=grid"' in html


def test_units_list_filters_by_kind_within_scope(tree, cast, login):
    response = login(cast.songhe_chair).get(
        reverse("orgs:units", args=[tree.songhe.pk]), {"kind": "grid"}
    )
    names = [unit.name for unit in response.context["page"]]
    assert sorted(names) == ["巫山组网格", "程家湾组网格"]


def test_units_list_does_not_query_per_row(tree, cast, login, count_queries):
    client = login(cast.city_cadre)
    url = reverse("orgs:units", args=[tree.city.pk])
    few = count_queries(lambda: client.get(url))
    for i in range(30):
        org_create(
            actor=None,
            parent=tree.songhe,
            name=f"网格{i}",
            kind=K.GRID,
            code=f"341881001001{i + 100:03d}",
        )
    many = count_queries(lambda: client.get(url))
    assert many == few
    assert client.get(url).context["page"].paginator.count == 40


def test_units_list_answers_htmx_with_the_rows_fragment(tree, cast, login):
    response = login(cast.songhe_chair).get(
        reverse("orgs:units", args=[tree.songhe.pk]), {"q": "巫山"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and "巫山组网格" in html and "程家湾组网格" not in html


def test_cadre_creates_a_grid_through_the_form(tree, cast, login):
    response = login(cast.songhe_chair).post(
        reverse("orgs:create_child", args=[tree.songhe.pk]),
        {"kind": "grid", "name": "汪明堂组网格", "code": "341881001001003"},
    )
    grid = OrgUnit.objects.get(name="汪明堂组网格")
    assert response.status_code == 302 and grid.parent == tree.songhe


def test_bad_code_is_shown_on_the_form_and_nothing_is_written(tree, cast, login):
    before = OrgUnit.objects.count()
    response = login(cast.songhe_chair).post(
        reverse("orgs:create_child", args=[tree.songhe.pk]),
        {"kind": "grid", "name": "坏网格", "code": "12345"},
    )
    assert response.status_code == 200
    assert "网格的区划代码应为15位数字" in response.content.decode()
    assert OrgUnit.objects.count() == before


def test_move_to_a_parent_outside_scope_is_refused(tree, cast, login):
    response = login(cast.county_cadre).post(
        reverse("orgs:move", args=[tree.songhe.pk]),
        {"parent_code": tree.jianping.code, "new_code": "341821100002"},
    )
    assert "不在您的管辖范围内" in response.content.decode()
    tree.songhe.refresh_from_db()
    assert tree.songhe.parent == tree.helixi


def test_user_cannot_move_the_root_of_her_own_scope(tree, cast, login):
    response = login(cast.songhe_chair).get(reverse("orgs:move", args=[tree.songhe.pk]))
    assert response.status_code == 403


def test_merge_through_the_form_moves_children(tree, cast, login):
    org_create(actor=None, parent=tree.helixi, name="新村", kind=K.VILLAGE, code="341881001003")
    new_village = OrgUnit.objects.get(name="新村")
    response = login(cast.township_cadre).post(
        reverse("orgs:merge", args=[tree.gangkou.pk]), {"target_code": new_village.code}
    )
    assert response.status_code == 302
    tree.gangkou_grid.refresh_from_db()
    assert tree.gangkou_grid.parent == new_village


def test_history_lists_changes(tree, cast, login):
    response = login(cast.songhe_chair).get(reverse("orgs:history", args=[tree.wushan.pk]))
    assert "新建" in response.content.decode()
