"""Points are collected over a bounded period (issue 20, item 10)."""

from django.contrib.messages import get_messages

from jinguo.points.models import PointEntry


def test_collecting_over_twenty_years_says_why_on_the_page_and_adds_nothing(pts, cast, login, tree):
    client = login(cast.township_cadre)
    before = PointEntry.objects.count()
    response = client.post(
        f"/points/collect/?org={tree.helixi.pk}", {"start": "2000-01-01", "end": "2025-12-31"}
    )
    assert response.status_code == 302
    assert "时间段不能超过10年" in [str(m) for m in get_messages(response.wsgi_request)]
    assert PointEntry.objects.count() == before


def test_collecting_over_twenty_years_is_a_400_in_the_api(pts, cast, client, tree):
    client.force_login(cast.township_cadre)
    before = PointEntry.objects.count()
    response = client.post(
        "/api/v1/points/collect/",
        {"org": tree.helixi.pk, "start": "2000-01-01", "end": "2025-12-31"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["message"]
    assert PointEntry.objects.count() == before
