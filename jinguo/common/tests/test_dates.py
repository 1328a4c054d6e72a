"""Dates are bounded in one place (jinguo.common.dates) and no period parameter 500s (issue 20,
item 10)."""

import datetime as dt

import pytest
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jinguo.common import dates


def test_the_bounds_run_from_1949_to_five_years_ahead():
    today = timezone.localdate()
    assert dates.earliest() == dt.date(1949, 1, 1)
    assert dates.latest() == today.replace(year=today.year + 5)
    assert dates.date_errors(dt.date(1948, 12, 31)) and dates.date_errors(dt.date(9999, 12, 31))
    assert dates.date_errors(dt.date(1949, 1, 1)) == [] and dates.date_errors(None) == []


def test_a_period_longer_than_ten_years_is_refused_and_the_pages_keep_its_last_ten():
    start, end = dt.date(2000, 1, 1), dt.date(2020, 6, 30)
    assert dates.period_errors(start, end) == ["时间段不能超过10年"]
    assert dates.period_errors(dt.date(2010, 6, 30), end) == []
    assert dates.period_or_default(start, end) == (dt.date(2010, 6, 30), end)


def _routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        else:
            yield "/" + prefix + str(pattern.pattern)


PERIOD_WORDS = ("figures", "dashboard", "reports", "rankings", "coverage", "nominations")
PERIOD_ROUTES = sorted(
    {r for r in _routes() if "<" not in r and any(word in r for word in PERIOD_WORDS)}
)
DAYS = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(str)
TEXT = st.one_of(DAYS, st.sampled_from(["", "2026-02-30", "-1", "99999-01-01", "今天"]))


def test_the_reported_figures_probe_is_a_400_in_chinese(cast, client):
    client.force_login(cast.county_cadre)
    response = client.get("/api/v1/activities/figures/?start=0001-01-01&end=9999-12-31")
    assert response.status_code == 400
    assert response.json()["message"]
    assert "日期应在" in str(response.json()["extra"]["fields"])


def test_every_period_route_is_found():
    assert "/api/v1/dashboard/" in PERIOD_ROUTES and "/dashboard/" in PERIOD_ROUTES
    assert len([r for r in PERIOD_ROUTES if r.endswith("figures/")]) >= 19


@pytest.mark.parametrize("route", PERIOD_ROUTES)
def test_no_period_ever_answers_a_500(route, cast, client):
    client.force_login(cast.county_cadre)

    @settings(
        max_examples=6,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(start=TEXT, end=TEXT)
    @example(start="0001-01-01", end="9999-12-31")
    @example(start="9999-12-31", end="0001-01-01")
    @example(start="1949-01-01", end=str(dates.latest()))
    def check(start: str, end: str) -> None:
        response = client.get(route, {"start": start, "end": end})
        assert response.status_code < 500, (route, start, end)
        if route.startswith("/api/") and response.status_code == 400:
            assert response.json()["message"]

    check()
