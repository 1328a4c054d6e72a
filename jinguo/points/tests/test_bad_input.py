"""Input the API fuzzer (common/tests/test_api_fuzz.py) found answered with a 500."""

import pytest

from jinguo.points.models import PointRule


@pytest.mark.parametrize(
    "given",
    [{"points": 74675665305068080916856832}, {"points": 1001}, {"points": 4, "cap": 10**12}],
)
def test_a_rule_with_points_beyond_any_sensible_number_is_refused(cast, api, given):
    rules = PointRule.objects.count()
    response = api(cast.songhe_chair).post(
        "/api/v1/points/rules/", {"action": "manual_bonus", **given}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) <= {"points", "cap"}
    assert PointRule.objects.count() == rules


def test_the_rule_page_refuses_an_enormous_cap(cast, tree, login):
    response = login(cast.songhe_chair).post(
        f"/points/rules/?org={tree.songhe.pk}",
        {"action": "visit", "points": 1, "cap": 10**20, "cap_period": "month", "approver_level": 4},
    )
    assert response.status_code == 200
    assert "cap" in response.context["form"].errors
