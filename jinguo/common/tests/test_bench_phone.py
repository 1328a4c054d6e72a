"""bench/phone_report.py's verdicts and checks, on figures made up here: the goals of issue 25
(section 4) are applied to the right figures, and the checks name what they find."""

from bench.phone_report import (
    SIGN_IN,
    Figures,
    Journey,
    Resource,
    Step,
    checks,
    report_journeys,
    report_steps,
)


def _step(usable: float, size: int, resources: list[Resource] | None = None) -> Step:
    return Step(usable, usable, size, 1, resources or [], "http://127.0.0.1/")


def test_a_warm_home_over_30_kb_fails_its_bytes_goal_and_passes_its_time_goal():
    figures = Figures()
    figures.add("home, again", _step(900, 31_000))
    (line,) = report_steps("wushan", figures, floor=300)
    assert "3.0 ×" in line
    assert "< 1000 ms pass" in line
    assert "< 30.0 KB FAIL" in line


def test_a_first_visit_of_the_app_is_held_to_400_kb_and_no_time_goal():
    figures = Figures()
    figures.add(SIGN_IN, _step(5000, 399_000))
    (line,) = report_steps("wushan", figures, floor=500)
    assert line.endswith("goal < 400.0 KB pass")


def test_the_three_taps_count_every_wait_back_to_home():
    journey = Journey(form=_step(4000, 1), channel=500, saved=_step(4000, 1), back=_step(2000, 1))
    first, _detail = report_journeys([journey], floor=1000)
    assert "waiting 10500 ms" in first
    assert first.endswith("FAIL")


def test_checks_name_static_files_sent_uncompressed_and_pages_loading_echarts():
    css = Resource("http://x/static/a.css", "Stylesheet", "", encoded=5000, decoded=5000)
    small = Resource("http://x/static/b.js", "Script", "", encoded=900, decoded=900)
    packed = Resource("http://x/static/c.js", "Script", "gzip", encoded=2000, decoded=9000)
    charts = Resource("http://x/static/echarts.min.js", "Script", "gzip", 1, 1)
    figures = Figures()
    page = Step(1, 1, 1, 1, [css, small, packed], "http://x/households/")
    figures.add("home, again", page)
    figures.add("dashboard, again", Step(1, 1, 1, 1, [charts], "http://x/dashboard/"))
    plain, echarts = checks([figures])
    assert plain.endswith("/static/a.css (5.0 KB)")
    assert echarts == "Pages that loaded ECharts: /dashboard/"
