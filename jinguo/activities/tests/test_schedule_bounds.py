"""A series is scheduled at most a horizon ahead and a bounded number at once (issue 20, 10)."""

import datetime as dt

from django.utils import timezone

from jinguo.activities import services
from jinguo.activities.models import Activity
from jinguo.activities.tests.conftest import past

API = "/api/v1"


def _weekly(cast, tree, starts_on):
    return services.series_create(
        actor=cast.songhe_chair,
        org=tree.songhe,
        kind="volunteer_service",
        title="周三义诊",
        rule="weekly",
        weekday=2,
        starts_on=starts_on,
    )


def test_scheduling_centuries_ahead_is_a_400_in_chinese_and_creates_nothing(
    world, cast, tree, client
):
    series = _weekly(cast, tree, past(7))
    before = Activity.objects.count()
    client.force_login(cast.songhe_chair)
    response = client.post(
        f"{API}/activity-series/{series.pk}/schedule/",
        {"until": "2838-08-06"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["message"] and "日期" in str(body["extra"]["fields"]["until"])
    assert Activity.objects.count() == before


def test_scheduling_past_the_horizon_is_refused_by_the_service(world, cast, tree, settings):
    settings.JINGUO_SCHEDULE_HORIZON_DAYS = 30
    series = _weekly(cast, tree, past(7))
    until = timezone.localdate() + dt.timedelta(days=31)
    try:
        services.series_schedule(actor=cast.songhe_chair, series=series, until=until)
    except services.ValidationError as refused:
        assert "截止日期不能晚于" in str(refused.message_dict["until"])
    else:
        raise AssertionError("scheduled past the horizon")
    assert not series.occurrences.exists()


def test_a_run_creating_more_than_the_limit_creates_nothing(world, cast, tree, settings):
    settings.JINGUO_SCHEDULE_MAX_ACTIVITIES = 5
    series = _weekly(cast, tree, past(70))  # ten past weeks and more ahead
    until = timezone.localdate() + dt.timedelta(days=30)
    try:
        services.series_schedule(actor=cast.songhe_chair, series=series, until=until)
    except services.ValidationError as refused:
        assert "一次最多生成5场活动" in str(refused.message_dict["until"])
    else:
        raise AssertionError("created more than the limit")
    assert not series.occurrences.exists()


def test_a_series_starting_in_year_one_is_refused(world, cast, client):
    client.force_login(cast.songhe_chair)
    response = client.post(
        f"{API}/activity-series/",
        {
            "kind": "volunteer_service",
            "title": "x",
            "rule": "weekly",
            "weekday": 1,
            "starts_on": "0001-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "starts_on" in response.json()["extra"]["fields"]
