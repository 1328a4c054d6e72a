"""Input the API fuzzer (common/tests/test_api_fuzz.py) found answered with a 500."""

import pytest
from django.utils import timezone


@pytest.mark.parametrize(
    "query",
    ["start=0001-01-01", "start=1000-01-01", "end=9999-12-31", "start=0001-01-01&end=9999-12-31"],
)
def test_a_period_off_the_calendar_falls_back_to_this_year(cast, login, query):
    """The previous period of 0001-… or the day after 9999-12-31 does not exist: such dates are
    ignored like any other unreadable date."""
    client = login(cast.county_cadre)
    response = client.get(f"/api/v1/dashboard/?{query}")
    assert response.status_code == 200
    today = timezone.localdate()
    assert response.json()["start"] == str(today.replace(month=1, day=1))
    assert response.json()["end"] == str(today)
    assert client.get(f"/dashboard/?{query}").status_code == 200
