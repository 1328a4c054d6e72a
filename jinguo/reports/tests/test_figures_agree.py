"""Figures that must agree (issue 21, items 13, 15, 16): 覆盖 grids defined once and read on
the period's end, each figure the count of the list it links to, and the comparison with the
same period last year (同比) by default or the previous period (环比) by a switch."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from jinguo.households.models import GridAssignment
from jinguo.reports.comparison import dashboard_comparison
from jinguo.reports.document_data import report_data
from jinguo.reports.facts import Facts
from jinguo.reports.narrative import basics
from jinguo.reports.periods import PREVIOUS, previous_period, same_period_last_year
from jinguo.reports.sections import dashboard_sections
from jinguo.reports.tests.test_dashboard import held_activity
from jinguo.visits import services as visit_services

TODAY = timezone.localdate()
BEFORE_END = dt.date(2025, 5, 31)  # 程家湾 still had her executive then


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def grids(tree, people):
    """巫山 covered since 2025, 程家湾 covered from January to May 2025, 港口 never."""
    GridAssignment.objects.create(
        executive=people.wushan_exec, grid=tree.wushan, start_date=dt.date(2025, 1, 1)
    )
    GridAssignment.objects.create(
        executive=people.chengjiawan_exec,
        grid=tree.chengjiawan,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 6, 1),
    )


def dashboard_values(user, org, start, end) -> dict:
    sections = dashboard_sections(user=user, org=org, start=start, end=end)
    return {f.key: f for s in sections for f in s.figures}


def listed(client, url: str) -> int:
    """The count a list page states («共 N …»)."""
    body = client.get(url).content.decode()
    found = re.search(r"共 (\d+) ", body)
    assert found, url
    return int(found.group(1))


@pytest.mark.parametrize(("end", "covered"), [(TODAY, 1), (BEFORE_END, 2)])
def test_covered_and_unstaffed_grids_add_up_and_match_their_lists_on_the_period_end(
    grids, cast, tree, login, end, covered
):
    user, org = cast.township_cadre, tree.helixi
    client = login(user)
    start = end - dt.timedelta(days=30)
    board = dashboard_values(user, org, start, end)
    report = {f.key: f for s in report_data(user=user, org=org, start=start, end=end).sections
              for f in s.figures}  # fmt: skip
    for figures in (board, report):
        total = figures["coverage.grids"].value
        assert total == 3
        assert figures["coverage.covered_grids"].value == covered
        assert (
            figures["coverage.covered_grids"].value + figures["coverage.unstaffed_grids"].value
            == total
        )
        for key in ("coverage.grids", "coverage.covered_grids", "coverage.unstaffed_grids"):
            assert listed(client, figures[key].url) == figures[key].value, key


def test_the_coverage_page_counts_covered_grids_like_the_dashboard(grids, cast, tree, login):
    body = login(cast.township_cadre).get(f"/households/coverage/?org={tree.helixi.pk}")
    text = body.content.decode()
    assert "覆盖网格" in text
    assert f"/households/grids/?org={tree.helixi.pk}&amp;unstaffed=0" in text


def test_the_report_basics_name_covered_grids_not_all_grids(grids, cast, tree):
    data = report_data(user=cast.township_cadre, org=tree.helixi, start=TODAY, end=TODAY)
    basics_text = "".join(basics(data, Facts()).paragraphs)
    assert "执委覆盖网格1个" in basics_text
    assert "覆盖网格3个" not in basics_text


def test_visits_executives_and_wishes_are_on_the_dashboard_and_count_their_lists(
    cast, tree, people, login
):
    chair = cast.songhe_chair
    for content in ("助学", "轮椅"):
        visit_services.wish_collect(
            actor=chair, content=content, category="living", org=tree.songhe
        )
    wish = visit_services.wish_collect(
        actor=chair, content="旧心愿", category="study", org=tree.songhe
    )
    wish = visit_services.wish_claim(actor=chair, wish=wish, donor_name="爱心企业")
    visit_services.wish_fulfil(actor=chair, wish=wish, evidence_note="已送达")
    figures = dashboard_values(chair, tree.songhe, TODAY - dt.timedelta(days=30), TODAY)
    assert figures["work.wishes_collected"].value == 3
    assert figures["work.wishes_fulfilled"].value == 1
    client = login(chair)
    for key in ("work.visits", "work.wishes_collected", "work.wishes_fulfilled"):
        assert listed(client, figures[key].url) == figures[key].value, key
    assert "work.executives" in figures and "work.visits" in figures
    page = client.get(f"/dashboard/?org={tree.songhe.pk}").content.decode()
    assert "收集微心愿" in page and "实现微心愿" in page and "入户走访" in page


def test_the_same_period_last_year_keeps_month_ends_and_29_february():
    assert same_period_last_year(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
    )
    assert same_period_last_year(dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == (
        dt.date(2023, 2, 1),
        dt.date(2023, 2, 28),
    )
    assert same_period_last_year(dt.date(2025, 1, 1), dt.date(2025, 2, 28)) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 2, 29),
    )
    assert same_period_last_year(dt.date(2024, 2, 29), dt.date(2024, 3, 10)) == (
        dt.date(2023, 2, 28),
        dt.date(2023, 3, 10),
    )


def test_the_dashboard_compares_year_on_year_by_default_and_with_the_previous_period_on_switch(
    cast, tree, people, login
):
    user, org = cast.songhe_chair, tree.songhe
    start, end = TODAY - dt.timedelta(days=9), TODAY
    last_year = same_period_last_year(start, end)
    held_activity(user, org, days_ago=(TODAY - last_year[0]).days)  # in last year's period
    sections = dashboard_sections(user=user, org=org, start=start, end=end)
    yoy = dashboard_comparison(user=user, org=org, start=start, end=end, sections=sections)
    prev = dashboard_comparison(
        user=user, org=org, start=start, end=end, sections=sections, mode=PREVIOUS
    )
    assert yoy["activities.held"].previous == 1
    assert prev["activities.held"].previous == 0
    client = login(user)
    base = f"/dashboard/?org={org.pk}&start={start}&end={end}"
    page = client.get(base).content.decode()
    assert f"与去年同期（{last_year[0]} 至 {last_year[1]}）" in page
    assert 'value="yoy" selected' in page
    ps, pe = previous_period(start, end)
    page = client.get(base + "&compare=prev").content.decode()
    assert f"与上期（{ps} 至 {pe}）" in page
    assert "compare=prev" in page  # the changes request carries the switch
