"""Every chart of the dashboard is drawn with our ECharts build (tools/echarts/: only the charts
and components the page uses), on a phone, after the figures, each when she scrolls to it: the
trend chart and one bar chart per table of child units, each a canvas with a size, each with
the components its option asks for (ECharts drops, without a word in a minified build, a
component that was not built in), and no error in the console."""

from typing import Any

import pytest
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each chart box: its id, its canvas's size, and which components ECharts kept.
CHARTS = """() => Array.from(document.querySelectorAll("#chart-trend, .chart-bar")).map((el) => {
  const canvas = el.querySelector("canvas");
  const chart = window.echarts && window.echarts.getInstanceByDom(el);
  const option = chart ? chart.getOption() : {};
  return {
    id: el.id,
    width: canvas ? canvas.width : 0,
    height: canvas ? canvas.height : 0,
    kept: ["grid", "xAxis", "yAxis", "tooltip", "legend", "title", "series"]
      .filter((key) => (option[key] || []).length > 0),
    series: (option.series || []).map((s) => s.type),
  };
})"""
TREND = ["grid", "xAxis", "yAxis", "tooltip", "legend", "series"]
BAR = ["grid", "xAxis", "yAxis", "tooltip", "title", "series"]


def _an_error(message: Any) -> bool:
    # Chromium asks for /favicon.ico on its own; the site has none (a 404 on every page).
    return message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")


def _charts_on_the_dashboard(open_page: Any, sign_in: Any, user: Any) -> tuple[Any, list[Any]]:
    page = open_page(**PHONE)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if _an_error(m) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, user)
    page.goto("/dashboard/")
    expect(page.locator("[data-figure='coverage.households']")).to_be_visible()
    page.wait_for_function("() => window.echarts !== undefined")
    boxes = page.locator("#chart-trend, .chart-bar")
    assert boxes.count() > 1
    expect(boxes.first.locator("canvas")).to_be_visible()  # the trend, at the top
    expect(boxes.last.locator("canvas")).to_have_count(0)  # far below: not drawn yet
    for index in range(boxes.count()):
        boxes.nth(index).scroll_into_view_if_needed()
        expect(boxes.nth(index).locator("canvas")).to_be_visible()
    page.wait_for_load_state("networkidle")  # the changes, swapped in by htmx
    assert errors == []
    return page, page.evaluate(CHARTS)


def test_a_county_cadre_sees_the_trend_and_a_bar_chart_per_child_table(
    open_page, sign_in, shoot, scene, cast
):
    page, charts = _charts_on_the_dashboard(open_page, sign_in, cast.county_cadre)
    trend, *bars = charts
    assert trend["id"] == "chart-trend"
    assert trend["kept"] == TREND
    assert set(trend["series"]) == {"line"}
    assert bars, "宁国市 has townships: its tables of child units have bar charts"
    for bar in bars:
        assert bar["kept"] == BAR, bar["id"]
        assert bar["series"] == ["bar"], bar["id"]
    for chart in charts:
        assert chart["width"] > 0 and chart["height"] > 0, chart["id"]
    shoot(page, "dashboard")


def test_a_community_chair_sees_every_chart_of_her_dashboard(open_page, sign_in, scene, cast):
    _, charts = _charts_on_the_dashboard(open_page, sign_in, cast.songhe_chair)
    assert charts[0]["id"] == "chart-trend" and charts[0]["kept"] == TREND
    assert len(charts) > 1, "松合社区 has grids: its tables of child units have bar charts"
    for chart in charts:
        assert chart["width"] > 0 and chart["height"] > 0, chart["id"]
        assert chart["series"], chart["id"]
