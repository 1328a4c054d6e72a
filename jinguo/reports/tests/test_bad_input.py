"""Input the API fuzzer (common/tests/test_api_fuzz.py) found answered with a 500."""

import pytest
from django.utils import timezone


@pytest.mark.parametrize(
    "query",
    ["start=0001-01-01", "start=1000-01-01", "end=9999-12-31", "start=0001-01-01&end=9999-12-31"],
)
def test_a_period_off_the_calendar_is_a_400_in_the_api_and_ignored_on_the_page(cast, login, query):
    """The previous period of 0001-… or the day after 9999-12-31 does not exist: the API refuses
    such dates with a message (jinguo.common.dates); the page ignores them like any other
    unreadable date and shows this year."""
    client = login(cast.county_cadre)
    response = client.get(f"/api/v1/dashboard/?{query}")
    assert response.status_code == 400
    assert response.json()["message"] and "日期应在" in str(response.json()["extra"])
    page = client.get(f"/dashboard/?{query}")
    assert page.status_code == 200
    today = timezone.localdate()
    assert (page.context["start"], page.context["end"]) == (today.replace(month=1, day=1), today)
