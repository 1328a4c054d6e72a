from decimal import Decimal

import pytest
from django.urls import reverse

from jinguo.activities import services, volunteers
from jinguo.activities.models import Activity, ActivityParticipant, ActivitySeries, ServiceHours
from jinguo.activities.tests.conftest import past
from jinguo.audit.models import AuditEvent
from jinguo.common.tests.sheets import sheet_rows
from jinguo.people.models import Person


def _songhe_urls(world, series) -> list[tuple[str, str]]:
    """Every page and action on a Songhe record: (method, url)."""
    a = world.activity
    p = services.activity_register(actor=world.chair, activity=a, name="甲")
    return [
        ("get", reverse("activities:detail", args=[a.pk])),
        ("post", reverse("activities:register", args=[a.pk])),
        ("post", reverse("activities:attend", args=[a.pk, p.pk])),
        ("post", reverse("activities:hold", args=[a.pk])),
        ("post", reverse("activities:cancel", args=[a.pk])),
        ("post", reverse("activities:series_schedule", args=[series.pk])),
        ("get", reverse("activities:team", args=[world.team.pk])),
        ("post", reverse("activities:membership_add", args=[world.team.pk])),
        ("post", reverse("activities:membership_end", args=[world.membership.pk])),
        ("get", reverse("activities:hours_record", args=[world.membership.pk])),
        ("post", reverse("activities:hours_record", args=[world.membership.pk])),
    ]


@pytest.fixture
def series(world, cast, tree):
    world.chair = cast.songhe_chair
    return services.series_create(
        actor=cast.songhe_chair,
        org=tree.songhe,
        kind="volunteer_service",
        title="爱心义剪",
        rule="monthly",
        day_of_month=17,
        starts_on=past(60),
    )


def test_gangkou_chair_gets_404_on_every_songhe_activity_team_and_action(
    world, series, cast, login
):
    client = login(cast.gangkou_chair)
    for method, url in _songhe_urls(world, series):
        assert (
            getattr(client, method)(
                url, {"headcount": 3, "summary": "x", "reason": "x"}
            ).status_code
            == 404
        ), url
    world.activity.refresh_from_db()
    assert world.activity.status == Activity.Status.PLANNED


def test_langxi_cadre_gets_404_on_songhe_records(world, series, cast, login):
    client = login(cast.langxi_cadre)
    for method, url in _songhe_urls(world, series):
        assert getattr(client, method)(url).status_code == 404, url


def test_county_leader_reads_but_gets_403_on_every_write(world, series, cast, tree, login):
    client = login(cast.county_leader)
    assert client.get(reverse("activities:detail", args=[world.activity.pk])).status_code == 200
    for method, url in _songhe_urls(world, series):
        if method == "post" or "hours" in url:
            assert getattr(client, method)(url).status_code == 403, url
    assert client.get(reverse("activities:create")).status_code == 403
    assert client.post(reverse("activities:teams"), {"name": "x"}).status_code == 403
    assert client.get(reverse("activities:series_create")).status_code == 403


def test_administrators_see_no_activity_pages(world, cast, login):
    client = login(cast.system_admin)
    assert client.get(reverse("activities:list")).status_code == 404
    assert client.get(reverse("activities:detail", args=[world.activity.pk])).status_code == 404


def test_create_an_activity_with_organisers_and_a_venue(world, cast, tree, people, login):
    client = login(cast.songhe_chair)
    assert client.get(reverse("activities:create")).status_code == 200
    response = client.post(
        reverse("activities:create"),
        {
            "kind": "family_education",
            "title": "家庭教育讲座",
            "starts_on": past(1).isoformat(),
            "venue": world.home.pk,
            "organisers": [people.wushan_exec.pk, people.chengjiawan_exec.pk],
        },
    )
    activity = Activity.objects.get(title="家庭教育讲座")
    assert response.status_code == 302 and activity.venue == world.home
    assert set(activity.organisers.all()) == {people.wushan_exec, people.chengjiawan_exec}


def test_an_organiser_of_another_village_is_a_form_error_and_nothing_is_lost(
    world, cast, people, login
):
    response = login(cast.songhe_chair).post(
        reverse("activities:create"),
        {
            "kind": "lecture",
            "title": "普法宣讲",
            "starts_on": past(1).isoformat(),
            "organisers": [people.gangkou_exec.pk],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "人员不存在" in html and "普法宣讲" in html
    assert not Activity.objects.filter(title="普法宣讲").exists()


def test_a_venue_of_another_village_is_a_form_error(world, cast, login):
    response = login(cast.songhe_chair).post(
        reverse("activities:create"),
        {
            "kind": "lecture",
            "title": "宣讲",
            "starts_on": past(1).isoformat(),
            "venue": world.gangkou_home.pk,
        },
    )
    assert response.status_code == 200 and not Activity.objects.filter(title="宣讲").exists()


def test_register_tick_attendance_by_htmx_and_record_held(world, cast, login):
    client = login(cast.songhe_chair)
    url = reverse("activities:detail", args=[world.activity.pk])
    client.post(
        reverse("activities:register", args=[world.activity.pk]), {"person": world.resident.pk}
    )
    client.post(reverse("activities:register", args=[world.activity.pk]), {"name": "王阿姨"})
    rows = list(ActivityParticipant.objects.filter(activity=world.activity))
    assert [p.name for p in rows] == ["李梅", "王阿姨"]
    for p in rows:
        tick = client.post(
            reverse("activities:attend", args=[world.activity.pk, p.pk]),
            {"attended": "1"},
            HTTP_HX_REQUEST="true",
        )
        assert tick.status_code == 200 and f'id="participant-{p.pk}"' in tick.content.decode()
    assert ActivityParticipant.objects.filter(attended=True).count() == 2
    refused = client.post(
        reverse("activities:hold", args=[world.activity.pk]), {"headcount": 1, "summary": "开心"}
    )
    html = refused.content.decode()
    assert refused.status_code == 200 and "不能少于已到场的报名人数" in html and "开心" in html
    done = client.post(
        reverse("activities:hold", args=[world.activity.pk]), {"headcount": 30, "summary": "开心"}
    )
    assert done.status_code == 302
    world.activity.refresh_from_db()
    assert world.activity.status == "held" and world.activity.headcount == 30
    assert "30" in client.get(url).content.decode()


def test_cancel_without_a_reason_is_refused_then_with_one_cancels(world, cast, login):
    client = login(cast.songhe_chair)
    url = reverse("activities:cancel", args=[world.activity.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "暴雨"}).status_code == 302
    world.activity.refresh_from_db()
    assert world.activity.status == "cancelled"


def test_the_list_filters_by_kind_with_htmx_and_exports_an_audited_sheet(world, cast, login):
    client = login(cast.township_cadre)
    rows = client.get(reverse("activities:list") + "?kind=lecture", HTTP_HX_REQUEST="true")
    html = rows.content.decode()
    assert "反家暴宣讲" in html and "三八妇女节游园" not in html and "<html" not in html
    export = client.get(reverse("activities:export") + "?kind=lecture")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
    assert AuditEvent.objects.filter(action="activities.export", actor=cast.township_cadre).exists()


def test_series_create_and_schedule_now(world, cast, login):
    client = login(cast.songhe_chair)
    response = client.post(
        reverse("activities:series_create"),
        {
            "kind": "volunteer_service",
            "title": "爱心义剪",
            "rule": "monthly",
            "day_of_month": 17,
            "starts_on": past(40).isoformat(),
            "venue": world.home.pk,
        },
    )
    assert response.status_code == 302
    series = ActivitySeries.objects.get()
    client.post(reverse("activities:series_schedule", args=[series.pk]))
    count = series.occurrences.count()
    assert count >= 4
    client.post(reverse("activities:series_schedule", args=[series.pk]))
    assert series.occurrences.count() == count
    page = client.get(reverse("activities:series")).content.decode()
    assert "爱心义剪" in page


def test_team_pages_add_a_member_and_record_hours(world, cast, people, login):
    client = login(cast.songhe_chair)
    created = client.post(reverse("activities:teams"), {"name": "文明实践队"})
    assert created.status_code == 302
    assert client.get(reverse("activities:teams")).status_code == 200
    added = client.post(
        reverse("activities:membership_add", args=[world.team.pk]),
        {"person": people.chengjiawan_exec.pk},
    )
    assert added.status_code == 302
    again = client.post(
        reverse("activities:membership_add", args=[world.team.pk]),
        {"person": people.chengjiawan_exec.pk},
    )
    assert again.status_code == 200 and "已是本队志愿者" in again.content.decode()
    out = client.post(
        reverse("activities:membership_add", args=[world.team.pk]),
        {"person": people.gangkou_exec.pk},
    )
    assert out.status_code == 200 and "人员不存在" in out.content.decode()
    url = reverse("activities:hours_record", args=[world.membership.pk])
    bad = client.post(url, {"served_on": past(1).isoformat(), "hours": "30"})
    assert bad.status_code == 200 and not ServiceHours.objects.exists()
    ok = client.post(
        url, {"served_on": past(1).isoformat(), "hours": "2.5", "activity": world.activity.pk}
    )
    assert ok.status_code == 302
    assert ServiceHours.objects.get().hours == Decimal("2.5")
    detail = client.get(reverse("activities:team", args=[world.team.pk])).content.decode()
    assert "2.5" in detail


def test_hours_of_another_villages_activity_cannot_be_recorded(world, cast, login):
    url = reverse("activities:hours_record", args=[world.membership.pk])
    response = login(cast.songhe_chair).post(
        url, {"served_on": past(1).isoformat(), "hours": "2", "activity": world.gangkou_activity.pk}
    )
    assert response.status_code == 200 and "活动不存在" in response.content.decode()


def test_hours_list_and_export(world, cast, login):
    volunteers.hours_record(
        actor=cast.songhe_chair, membership=world.membership, served_on=past(1), hours=Decimal(2)
    )
    client = login(cast.songhe_chair)
    assert "汪秀兰" in client.get(reverse("activities:hours")).content.decode()
    export = client.get(reverse("activities:hours_export"))
    assert export.status_code == 200
    assert AuditEvent.objects.filter(action="activities.hours_export").exists()


def test_figures_page_links_every_figure(world, cast, tree, login):
    response = login(cast.township_cadre).get(
        reverse("activities:figures") + f"?org={tree.helixi.pk}&start={past(30)}&end={past(0)}"
    )
    html = response.content.decode()
    assert (
        response.status_code == 200
        and "/activities/?status=held" in html
        and "/activities/teams/" in html
    )
    assert (
        login(cast.gangkou_chair)
        .get(reverse("activities:figures") + f"?org={tree.songhe.pk}")
        .status_code
        == 404
    )


def _pages(client, urls) -> None:
    for url in urls:
        assert client.get(url).status_code == 200


def test_list_pages_do_not_query_per_row(world, cast, tree, count_queries, login):
    client = login(cast.songhe_chair)
    urls = [
        reverse("activities:list"),
        reverse("activities:teams"),
        reverse("activities:hours"),
        reverse("activities:volunteers"),
        reverse("activities:series"),
        reverse("activities:team", args=[world.team.pk]),
    ]

    def grow(n: int, offset: int) -> None:
        for i in range(n):
            a = services.activity_create(
                actor=cast.songhe_chair,
                org=tree.songhe,
                kind="lecture",
                title=f"宣讲{offset + i}",
                starts_on=past(i),
                venue=world.home,
            )
            services.activity_register(actor=cast.songhe_chair, activity=a, name="甲")
            services.series_create(
                actor=cast.songhe_chair,
                org=tree.songhe,
                kind="lecture",
                title=f"系列{offset + i}",
                rule="weekly",
                weekday=1,
                starts_on=past(1),
                venue=world.home,
            )
            person = Person.objects.create(org=tree.songhe, name=f"志愿者{offset + i}")
            m = volunteers.membership_add(actor=cast.songhe_chair, team=world.team, person=person)
            volunteers.hours_record(
                actor=cast.songhe_chair, membership=m, served_on=past(0), hours=Decimal(1)
            )
            volunteers.team_create(actor=cast.songhe_chair, org=tree.songhe, name=f"队{offset + i}")

    grow(2, 0)
    _pages(client, urls)
    small = count_queries(lambda: _pages(client, urls))
    grow(6, 100)
    assert count_queries(lambda: _pages(client, urls)) == small


def test_the_exports_read_back_their_headers_and_a_row(world, cast, login):
    volunteers.hours_record(
        actor=cast.songhe_chair, membership=world.membership, served_on=past(1), hours=Decimal(2)
    )
    client = login(cast.songhe_chair)
    hours = sheet_rows(client.get(reverse("activities:hours_export")).content)
    assert hours[0] == ["服务日期", "服务队", "志愿者", "服务时长（小时）", "服务活动", "服务内容"]
    assert hours[1][:3] == [past(1), world.membership.team.name, "汪秀兰"]
    activities = sheet_rows(client.get(reverse("activities:export")).content)
    assert activities[0] == [
        "活动日期", "开始时间", "活动名称", "活动类型", "所属组织", "活动阵地", "周期性活动",
        "状态", "报名人数", "到场人数", "参与人次", "小结或取消原因",
    ]  # fmt: skip
    first = Activity.objects.get(title=activities[1][2])
    assert activities[1][3:5] == [first.get_kind_display(), first.org.name]
