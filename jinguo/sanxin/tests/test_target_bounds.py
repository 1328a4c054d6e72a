"""A 三新 target's period is bounded (issue 20, item 10)."""

import datetime as dt

import pytest

from jinguo.sanxin import services, targets
from jinguo.sanxin.models import SanxinTarget

BODY = {"title": "登记三新组织", "metric": "orgs_registered", "target_value": 6}


@pytest.mark.parametrize(
    ("start", "deadline", "says"),
    [("0667-01-01", "2838-08-06", "日期应在"), ("2000-01-01", "2025-12-31", "时间段不能超过")],
)
def test_a_target_over_centuries_or_decades_is_a_400_and_creates_nothing(
    login, cast, tree, start, deadline, says
):
    body = {**BODY, "org": tree.city.pk, "period_start": start, "deadline": deadline}
    answer = login(cast.city_cadre).post(
        "/api/v1/sanxin/targets/", body, content_type="application/json"
    )
    assert answer.status_code == 400 and says in str(answer.json()["extra"])
    assert not SanxinTarget.objects.exists()


def test_the_service_refuses_a_target_of_twenty_years(cast, tree):
    with pytest.raises(services.ValidationError) as refused:
        targets.sanxin_target_create(
            actor=cast.city_cadre,
            org=tree.city,
            title="登记三新组织",
            metric="orgs_registered",
            target_value=6,
            period_start=dt.date(2000, 1, 1),
            deadline=dt.date(2025, 12, 31),
        )
    assert "时间段不能超过10年" in str(refused.value.message_dict["deadline"])
