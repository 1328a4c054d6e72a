"""The dashboard: scope, links, period comparison, child tables, query counts, export, API."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone, translation

from jinguo.activities import services as activity_services
from jinguo.audit.models import AuditEvent
from jinguo.cases import services as case_services
from jinguo.common.tests.sheets import sheet_rows
from jinguo.reports.cached import dashboard_board, dashboard_key
from jinguo.reports.comparison import change, dashboard_comparison
from jinguo.reports.periods import PREVIOUS, previous_period
from jinguo.reports.sections import dashboard_sections
from jinguo.reports.shapes import dashboard_url

TODAY = timezone.localdate()


def past(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def held_activity(user, org, *, days_ago: int, headcount: int = 10):
    activity = activity_services.activity_create(
        actor=user, org=org, kind="festival", title="活动", starts_on=past(days_ago)
    )
    return activity_services.activity_hold(
        actor=user, activity=activity, headcount=headcount, summary="开展顺利"
    )


def records(cast, tree, n: int) -> None:
    """n held activities and n cases at Songhe, n held activities at 港口村."""
    for i in range(n):
        held_activity(cast.songhe_chair, tree.songhe, days_ago=1 + i % 5, headcount=5)
        held_activity(cast.gangkou_chair, tree.gangkou, days_ago=2, headcount=7)
        case_services.case_report(
            actor=cast.songhe_chair, org=tree.songhe, kind="request", title=f"诉求{i}"
        )


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0  # each test sees its own writes at once


@pytest.fixture
def world(cast, tree, people) -> None:
    records(cast, tree, 2)


def url(org, start=None, end=None) -> str:
    start, end = start or past(30), end or TODAY
    return f"/dashboard/?org={org.pk}&start={start}&end={end}"


def values(user, org, start=None, end=None) -> dict[str, int | float]:
    start, end = start or past(30), end or TODAY
    sections = dashboard_sections(user=user, org=org, start=start, end=end)
    return {f.key: f.value for s in sections for f in s.figures}


# --- scope --------------------------------------------------------------------------------------


def test_songhe_chair_sees_her_dashboard_by_default(world, cast, login):
    response = login(cast.songhe_chair).get("/dashboard/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "dashboard-charts" in page
    assert "jinguo/dashboard.js" in page and "vendor/echarts/echarts.custom.min.js" in page


def test_gangkou_chair_gets_404_for_the_songhe_dashboard(world, cast, tree, login):
    client = login(cast.gangkou_chair)
    assert client.get(url(tree.songhe)).status_code == 404
    assert client.get(f"/dashboard/export.xlsx?org={tree.songhe.pk}").status_code == 404
    assert client.get(f"/api/v1/dashboard/?org={tree.songhe.pk}").status_code == 404


def test_langxi_cadre_gets_404_for_the_helixi_dashboard(world, cast, tree, login):
    assert login(cast.langxi_cadre).get(url(tree.helixi)).status_code == 404


def test_county_leader_can_read_the_songhe_dashboard(world, cast, tree, login):
    assert login(cast.county_leader).get(url(tree.songhe)).status_code == 200


def test_system_admin_sees_no_dashboard(world, cast, tree, login):
    assert login(cast.system_admin).get(url(tree.songhe)).status_code == 404


# --- figures ------------------------------------------------------------------------------------


def test_every_figure_has_a_url_and_the_page_links_it(world, cast, tree, login):
    sections = dashboard_sections(
        user=cast.township_cadre, org=tree.helixi, start=past(30), end=TODAY
    )
    page = login(cast.township_cadre).get(url(tree.helixi)).content.decode()
    keys = {s.key for s in sections}
    assert {"coverage", "cases", "meetings", "activities", "trainings", "sanxin", "points"} <= keys
    for section in sections:
        assert section.figures, section.key
        for figure in section.figures:
            assert figure.url.startswith("/"), figure.key
            assert f'href="{figure.url.replace("&", "&amp;")}"' in page, figure.key


def test_activity_figures_count_the_subtree_and_period(world, cast, tree):
    township = values(cast.township_cadre, tree.helixi)
    assert township["activities.held"] == 4
    assert township["activities.person_times"] == 2 * 5 + 2 * 7
    songhe = values(cast.songhe_chair, tree.songhe)
    assert songhe["activities.held"] == 2 and songhe["cases.kind.request"] == 2


def test_figure_links_open_their_lists(world, cast, tree, login):
    client = login(cast.songhe_chair)
    sections = dashboard_sections(
        user=cast.songhe_chair, org=tree.songhe, start=past(30), end=TODAY
    )
    for section in sections:
        for figure in section.figures:
            assert client.get(figure.url).status_code == 200, figure.url


# --- comparison ---------------------------------------------------------------------------------


def test_previous_period_has_the_same_length_and_ends_the_day_before():
    start, end = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    assert previous_period(start, end) == (dt.date(2026, 1, 29), dt.date(2026, 2, 28))
    assert previous_period(end, end) == (dt.date(2026, 3, 30), dt.date(2026, 3, 30))


def test_change_gives_the_difference_percentage_and_arrow():
    up = change(15, 10)
    assert (up.previous, up.delta, up.percent, up.arrow) == (10, 5, 50.0, "↑")
    down = change(3, 4)
    assert (down.delta, down.percent, down.arrow) == (-1, -25.0, "↓")
    assert change(3, 0).percent is None and change(3, 0).arrow == "↑"
    assert change(2, 2).arrow == "→"
    assert change(7, None).previous is None and change(7, None).arrow == ""


def test_comparison_uses_the_previous_period_and_skips_snapshot_figures(cast, tree, people):
    held_activity(cast.songhe_chair, tree.songhe, days_ago=2)
    held_activity(cast.songhe_chair, tree.songhe, days_ago=25)
    held_activity(cast.songhe_chair, tree.songhe, days_ago=40)
    start, end = past(19), TODAY  # previous period: 20 … 39 days ago
    user, org = cast.songhe_chair, tree.songhe
    sections = dashboard_sections(user=user, org=org, start=start, end=end)
    changes = dashboard_comparison(
        user=user, org=org, start=start, end=end, sections=sections, mode=PREVIOUS
    )
    held = changes["activities.held"]
    assert (held.previous, held.delta, held.percent) == (1, 0, 0.0)
    assert changes["coverage.households"].previous is None
    assert changes["cases.overdue"].previous is None


# --- children -----------------------------------------------------------------------------------


def test_children_table_equals_the_figures_of_each_child(world, cast, tree):
    user = cast.township_cadre
    sections = dashboard_sections(user=user, org=tree.helixi, start=past(30), end=TODAY)
    tables = [s for s in sections if s.children is not None]
    assert {s.key for s in tables} == {"coverage", "cases", "meetings", "activities", "trainings"}
    for section in tables:
        assert section.children is not None
        names = {row.org.pk for row in section.children.rows}
        assert {tree.songhe.pk, tree.gangkou.pk} <= names
        for row in section.children.rows:
            own = values(user, row.org)
            for key, cell in zip(section.children.keys, row.cells, strict=True):
                assert cell.value == own[key], (section.key, row.org.name, key)
                assert cell.url == dashboard_url(org=row.org, start=past(30), end=TODAY)


def test_children_cells_link_to_the_child_dashboards(world, cast, tree, login):
    page = login(cast.township_cadre).get(url(tree.helixi)).content.decode()
    assert f"/dashboard/?org={tree.songhe.pk}&amp;start=" in page


# --- query count --------------------------------------------------------------------------------


def test_dashboard_queries_do_not_grow_with_the_records(cast, tree, people, login, count_queries):
    client = login(cast.township_cadre)
    records(cast, tree, 2)
    client.get(url(tree.helixi))  # warm the session and caches
    small = count_queries(lambda: client.get(url(tree.helixi)))
    records(cast, tree, 6)
    large = count_queries(lambda: client.get(url(tree.helixi)))
    assert small == large


# --- export -------------------------------------------------------------------------------------


def test_excel_export_of_the_figures_is_audited(world, cast, tree, login):
    client = login(cast.songhe_chair)
    response = client.get(f"/dashboard/export.xlsx?org={tree.songhe.pk}&table=figures")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    event = AuditEvent.objects.filter(action="dashboard.export").get()
    assert "table=figures" in event.note


@pytest.mark.parametrize("table", ["coverage", "cases", "meetings", "activities", "trainings"])
def test_excel_export_of_each_children_table_is_audited(world, cast, tree, login, table):
    client = login(cast.township_cadre)
    response = client.get(f"/dashboard/export.xlsx?org={tree.helixi.pk}&table={table}")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="dashboard.export", note__contains=table).exists()


def test_excel_export_of_an_unknown_table_is_404(world, cast, tree, login):
    client = login(cast.songhe_chair)
    assert client.get("/dashboard/export.xlsx?table=nope").status_code == 404


# --- API ----------------------------------------------------------------------------------------


def test_api_returns_the_sections_with_changes_and_children(world, cast, tree, client):
    client.force_login(cast.township_cadre)
    response = client.get(f"/api/v1/dashboard/?org={tree.helixi.pk}&start={past(30)}")
    assert response.status_code == 200
    data = response.json()
    assert data["org"]["id"] == tree.helixi.pk
    sections = {s["key"]: s for s in data["sections"]}
    held = next(f for f in sections["activities"]["figures"] if f["key"] == "activities.held")
    assert held["value"] == 4 and held["url"].startswith("/activities/")
    assert held["previous"] == 0 and held["percent"] is None
    rows = {r["org"]["id"]: r for r in sections["activities"]["children"]["rows"]}
    assert rows[tree.songhe.pk]["cells"][0]["value"] == 2
    assert sections["sanxin"]["children"] is None


def test_api_refuses_admins_without_business_scope(world, cast, client):
    client.force_login(cast.system_admin)
    assert client.get("/api/v1/dashboard/").status_code == 404


# --- cache --------------------------------------------------------------------------------------


def test_cached_dashboard_is_reused_per_user_but_scope_is_still_checked(
    world, cast, tree, login, settings, count_queries
):
    from django.core.cache import caches

    cache = caches["dashboard"]

    cache.clear()
    settings.DASHBOARD_CACHE_SECONDS = 60
    client = login(cast.songhe_chair)
    first = count_queries(lambda: client.get(url(tree.songhe)))
    second = count_queries(lambda: client.get(url(tree.songhe)))
    assert second < first
    assert login(cast.gangkou_chair).get(url(tree.songhe)).status_code == 404
    cache.clear()


def test_grid_member_sees_the_dashboard_of_her_grid(world, cast, tree, login):
    client = login(cast.wushan_member)
    assert client.get("/dashboard/").status_code == 200
    assert client.get(url(tree.chengjiawan)).status_code == 404


def test_users_of_one_unit_and_role_share_a_cache_entry_but_grid_members_do_not(cast, tree):
    from types import SimpleNamespace

    def key(user) -> str:
        return dashboard_key(user=user, org=tree.songhe, start=past(30), end=TODAY)

    chair = cast.songhe_chair
    colleague = SimpleNamespace(pk=chair.pk + 1000, org_id=chair.org_id, role=chair.role)
    assert key(colleague) == key(chair)
    member = cast.wushan_member
    other_member = SimpleNamespace(pk=member.pk + 1000, org_id=member.org_id, role=member.role)
    assert key(other_member) != key(member)
    assert key(cast.county_cadre) != key(chair)


def test_the_page_asks_for_the_comparison_in_a_second_request(world, cast, tree, login):
    client = login(cast.songhe_chair)
    page = client.get(url(tree.songhe)).content.decode()
    assert f"/dashboard/changes/?org={tree.songhe.pk}&start={past(30)}" in page
    assert 'id="change-activities-held"' in page
    assert 'id="change-coverage-households"' not in page  # a snapshot: no comparison
    fragment = client.get(url(tree.songhe).replace("/dashboard/", "/dashboard/changes/"))
    text = fragment.content.decode()
    assert fragment.status_code == 200
    assert 'id="change-activities-held" hx-swap-oob="true"' in text
    assert "上期 0" in text  # nothing was held in the 30 days before
    assert "change-coverage-households" not in text


def test_the_comparison_is_scoped_like_the_page(world, cast, tree, login):
    changes = url(tree.songhe).replace("/dashboard/", "/dashboard/changes/")
    assert login(cast.gangkou_chair).get(changes).status_code == 404
    assert login(cast.system_admin).get(changes).status_code == 404


def test_the_comparison_request_reuses_the_cached_board(
    world, cast, tree, login, settings, count_queries
):
    from django.core.cache import caches

    cache = caches["dashboard"]

    cache.clear()
    settings.DASHBOARD_CACHE_SECONDS = 30
    client = login(cast.songhe_chair)
    changes = url(tree.songhe).replace("/dashboard/", "/dashboard/changes/")
    cold = count_queries(lambda: client.get(changes))  # computes the board and the comparison
    cache.clear()
    client.get(url(tree.songhe))  # the page caches the board
    after_page = count_queries(lambda: client.get(changes))
    assert after_page < cold
    cache.clear()


# --- sections side by side ----------------------------------------------------------------------


def plain(sections) -> list:
    """What a user sees of sections: keys, labels, values, urls and child cells, as text."""
    return [
        (
            s.key,
            str(s.title),
            [(f.key, str(f.label), f.value, f.url) for f in s.figures],
            None
            if s.children is None
            else [(r.org.pk, [(c.value, c.url) for c in r.cells]) for r in s.children.rows],
        )
        for s in sections
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_sections_computed_side_by_side_equal_those_computed_one_by_one(
    world, cast, tree, settings
):
    user, org = cast.township_cadre, tree.helixi
    common = {"user": user, "org": org, "start": past(30), "end": TODAY}

    def board() -> tuple[list, dict, dict]:
        sections = dashboard_sections(**common)
        changes = dashboard_comparison(**common, sections=sections)
        return plain(sections), changes, dashboard_board(**common, refresh=True).trends

    settings.READ_THREADS = 0
    one_by_one = board()
    settings.READ_THREADS = 3
    with translation.override("en"):
        english = board()
    assert board() == one_by_one
    assert english[0][0][1] == "Coverage and visits"
    assert [f[2] for s in english[0] for f in s[2]] == [f[2] for s in one_by_one[0] for f in s[2]]


# --- rendering ----------------------------------------------------------------------------------


def test_figure_cards_and_child_rows_escape_names_and_show_values(world, cast, tree, login):
    tree.songhe.name = '松河<b>"社区"</b>'
    tree.songhe.save()
    page = login(cast.township_cadre).get(url(tree.helixi)).content.decode()
    assert "松河&lt;b&gt;&quot;社区&quot;&lt;/b&gt;" in page
    assert "松河<b>" not in page
    assert 'data-figure="activities.held"><div class="card-body p-2"><div class="fs-4">4<' in page


def test_numbers_show_as_the_template_would_show_them():
    from django.template import Context, Template

    from jinguo.reports.templatetags.dashboard_tags import number

    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for value in (0, 1234567, 66.7, 2.0, 0.05):
                assert number(value) == Template("{{ v }}").render(Context({"v": value}))


@pytest.mark.parametrize(("compare", "previous"), [("yoy", "同比期"), ("prev", "上期")])
def test_the_figures_export_names_the_period_compared_with(
    world, cast, tree, login, compare, previous
):
    client = login(cast.songhe_chair)
    url = f"/dashboard/export.xlsx?org={tree.songhe.pk}&table=figures&compare={compare}"
    rows = sheet_rows(client.get(url).content)
    assert rows[0] == ["板块", "指标", "数值", "单位", previous, "变化", "变化率%"]
    assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows)


def test_a_children_table_export_reads_back_the_org_then_the_sections_columns(
    world, cast, tree, login
):
    client = login(cast.township_cadre)
    rows = sheet_rows(
        client.get(f"/dashboard/export.xlsx?org={tree.helixi.pk}&table=cases").content
    )
    assert rows[0][0] == "组织" and len(rows[0]) > 1
    assert tree.songhe.name in [row[0] for row in rows[1:]]
