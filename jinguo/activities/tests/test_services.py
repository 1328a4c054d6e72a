import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from jinguo.activities import services, volunteers
from jinguo.activities.models import Activity, ActivityChange, ActivitySeries
from jinguo.activities.tests.conftest import PNG, past
from jinguo.audit.models import AuditEvent
from jinguo.orgs.models import Venue

Status = Activity.Status


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


def test_a_new_activity_is_planned_with_a_history_row_and_an_audit_event(world):
    change = ActivityChange.objects.get(activity=world.activity)
    assert world.activity.status == Status.PLANNED
    assert (change.from_status, change.to_status) == ("", Status.PLANNED)
    assert AuditEvent.objects.filter(action="activity.create", target_id=str(world.activity.pk))


def test_a_venue_of_another_village_is_refused(world, cast, tree):
    with pytest.raises(ValidationError) as exc:
        services.activity_create(
            actor=cast.township_cadre,
            org=tree.songhe,
            kind="lecture",
            title="宣讲",
            starts_on=past(1),
            venue=world.gangkou_home,
        )
    assert "venue" in exc.value.message_dict


def test_a_venue_of_an_ancestor_or_a_grid_below_is_accepted(world, cast, tree):
    street = Venue.objects.create(org=tree.helixi, kind="women_home", name="街道妇女之家")
    grid = Venue.objects.create(org=tree.wushan, kind="women_micro_home", name="巫山妇女微家")
    for venue in (street, grid):
        activity = services.activity_create(
            actor=cast.township_cadre,
            org=tree.songhe,
            kind="lecture",
            title="宣讲",
            starts_on=past(1),
            venue=venue,
        )
        assert activity.venue == venue


def test_a_venue_above_the_users_scope_is_refused(world, cast, tree):
    street = Venue.objects.create(org=tree.helixi, kind="women_home", name="街道妇女之家")
    with pytest.raises(ValidationError):
        services.activity_create(
            actor=cast.songhe_chair,
            org=tree.songhe,
            kind="lecture",
            title="宣讲",
            starts_on=past(1),
            venue=street,
        )


def test_an_organiser_of_another_village_is_refused(world, cast, tree, people):
    with pytest.raises(ValidationError) as exc:
        services.activity_create(
            actor=cast.songhe_chair,
            org=tree.songhe,
            kind="lecture",
            title="宣讲",
            starts_on=past(1),
            organisers=[people.gangkou_exec],
        )
    assert "港红梅" in messages_of(exc)


def test_a_leader_cannot_create_an_activity(world, cast, tree):
    with pytest.raises(PermissionDenied):
        services.activity_create(
            actor=cast.county_leader, org=tree.songhe, kind="lecture", title="x", starts_on=past(1)
        )


def test_a_person_registers_once_and_a_resident_without_record_by_name(world, cast, people):
    p = services.activity_register(
        actor=cast.songhe_chair, activity=world.activity, person=world.resident
    )
    assert p.name == "李梅" and p.person == world.resident
    with pytest.raises(ValidationError) as exc:
        services.activity_register(
            actor=cast.songhe_chair, activity=world.activity, person=world.resident
        )
    assert "已报名" in messages_of(exc)
    walk_in = services.activity_register(
        actor=cast.songhe_chair, activity=world.activity, name="王阿姨"
    )
    assert walk_in.person is None and walk_in.name == "王阿姨"
    with pytest.raises(ValidationError):
        services.activity_register(actor=cast.songhe_chair, activity=world.activity)


def test_a_person_of_another_village_cannot_be_registered(world, cast, people):
    with pytest.raises(ValidationError):
        services.activity_register(
            actor=cast.songhe_chair, activity=world.activity, person=people.gangkou_exec
        )


def _two_attended(world, cast):
    for name in ("甲", "乙", "丙"):
        p = services.activity_register(actor=cast.songhe_chair, activity=world.activity, name=name)
        if name != "丙":
            services.activity_mark_attended(actor=cast.songhe_chair, participant=p, attended=True)


def test_headcount_below_the_attended_participants_is_refused_in_chinese(world, cast):
    _two_attended(world, cast)
    with pytest.raises(ValidationError) as exc:
        services.activity_hold(
            actor=cast.songhe_chair, activity=world.activity, headcount=1, summary="好"
        )
    assert "不能少于已到场的报名人数（2）" in messages_of(exc)
    world.activity.refresh_from_db()
    assert world.activity.status == Status.PLANNED


def test_holding_records_headcount_summary_photo_history_and_audit(world, cast):
    _two_attended(world, cast)
    photo = SimpleUploadedFile("a.png", PNG)
    held = services.activity_hold(
        actor=cast.songhe_chair, activity=world.activity, headcount=2, summary="热闹", photo=photo
    )
    assert held.status == Status.HELD and held.headcount == 2 and held.photo.name
    change = held.changes.order_by("-id")[0]
    assert (change.from_status, change.to_status) == (Status.PLANNED, Status.HELD)
    assert AuditEvent.objects.filter(action="activity.held", target_id=str(held.pk)).exists()


def test_a_photo_that_is_not_an_image_is_refused(world, cast):
    fake = SimpleUploadedFile("a.jpg", b"%PDF-1.4" + b"\x00" * 20)
    with pytest.raises(ValidationError) as exc:
        services.activity_hold(
            actor=cast.songhe_chair, activity=world.activity, headcount=3, summary="x", photo=fake
        )
    assert "photo" in exc.value.message_dict


def test_a_future_activity_cannot_be_held(world, cast, tree):
    later = services.activity_create(
        actor=cast.songhe_chair, org=tree.songhe, kind="lecture", title="x", starts_on=past(-3)
    )
    with pytest.raises(ValidationError) as exc:
        services.activity_hold(actor=cast.songhe_chair, activity=later, headcount=3, summary="x")
    assert "日期未到" in messages_of(exc)


def test_cancel_needs_a_reason_and_ends_the_activity(world, cast):
    with pytest.raises(ValidationError):
        services.activity_cancel(actor=cast.songhe_chair, activity=world.activity, reason=" ")
    done = services.activity_cancel(actor=cast.songhe_chair, activity=world.activity, reason="下雨")
    assert done.status == Status.CANCELLED and done.cancel_reason == "下雨"
    assert done.changes.order_by("-id")[0].to_status == Status.CANCELLED
    assert AuditEvent.objects.filter(action="activity.cancelled").exists()
    with pytest.raises(ValidationError):
        services.activity_hold(actor=cast.songhe_chair, activity=done, headcount=3, summary="x")
    with pytest.raises(ValidationError):
        services.activity_register(actor=cast.songhe_chair, activity=done, name="甲")


def _series(cast, tree, **kwargs) -> ActivitySeries:
    values = {
        "actor": cast.songhe_chair,
        "org": tree.songhe,
        "kind": "volunteer_service",
        "title": "爱心义剪",
        "rule": "monthly",
        "day_of_month": 17,
        "starts_on": dt.date(2024, 1, 1),
    }
    return services.series_create(**(values | kwargs))


def test_day_31_falls_on_the_last_day_of_shorter_months(world, cast, tree):
    series = _series(cast, tree, day_of_month=31, starts_on=dt.date(2024, 1, 10))
    days = list(services.series_dates(series, dt.date(2024, 5, 31)))
    assert days == [
        dt.date(2024, 1, 31),
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
        dt.date(2024, 4, 30),
        dt.date(2024, 5, 31),
    ]
    feb = list(
        services.series_dates(
            _series(cast, tree, day_of_month=31, starts_on=dt.date(2025, 2, 1)), dt.date(2025, 3, 1)
        )
    )
    assert feb == [dt.date(2025, 2, 28)]


def test_weekly_series_fall_on_the_weekday_until_the_end(world, cast, tree):
    series = _series(
        cast,
        tree,
        rule="weekly",
        day_of_month=None,
        weekday=2,
        starts_on=dt.date(2025, 3, 1),
        ends_on=dt.date(2025, 3, 20),
    )
    days = list(services.series_dates(series, dt.date(2025, 12, 31)))
    assert days == [dt.date(2025, 3, 5), dt.date(2025, 3, 12), dt.date(2025, 3, 19)]


def test_a_series_rule_needs_its_day(world, cast, tree):
    with pytest.raises(ValidationError) as exc:
        _series(cast, tree, day_of_month=32)
    assert "day_of_month" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _series(cast, tree, rule="weekly", weekday=None)
    assert "weekday" in exc.value.message_dict


def test_scheduling_twice_creates_nothing_new_and_leaves_held_and_cancelled_alone(
    world, cast, tree
):
    series = _series(cast, tree, starts_on=dt.date(2024, 1, 1), venue=world.home)
    first = services.series_schedule(
        actor=cast.songhe_chair, series=series, until=dt.date(2024, 6, 30)
    )
    assert [a.starts_on.day for a in first] == [17] * 6
    assert all(a.venue == world.home and a.status == Status.PLANNED for a in first)
    services.activity_hold(
        actor=cast.songhe_chair, activity=first[0], headcount=20, summary="理发20人"
    )
    services.activity_cancel(actor=cast.songhe_chair, activity=first[1], reason="停电")
    assert (
        services.series_schedule(actor=cast.songhe_chair, series=series, until=dt.date(2024, 6, 30))
        == []
    )
    later = services.series_schedule(
        actor=cast.songhe_chair, series=series, until=dt.date(2024, 7, 31)
    )
    assert [a.starts_on for a in later] == [dt.date(2024, 7, 17)]
    statuses = list(series.occurrences.order_by("starts_on").values_list("status", flat=True))
    assert statuses[:2] == [Status.HELD, Status.CANCELLED] and len(statuses) == 7


def test_the_command_schedules_every_active_series_90_days_ahead(world, cast, tree):
    series = _series(cast, tree, starts_on=past(10))
    call_command("schedule_activities")
    count = series.occurrences.count()
    assert 3 <= count <= 4
    call_command("schedule_activities")
    assert series.occurrences.count() == count


def test_the_daily_task_schedules_like_the_command_and_adds_nothing_when_run_again(
    world, cast, tree
):
    from jinguo.activities.tasks import activities_schedule

    series = _series(cast, tree, starts_on=past(10))
    created = activities_schedule.delay().get()  # no broker: runs here
    assert created == series.occurrences.count() and 3 <= created <= 4
    assert activities_schedule.delay().get() == 0


def test_a_person_cannot_join_a_team_twice_while_her_membership_is_open(world, cast, people):
    with pytest.raises(ValidationError) as exc:
        volunteers.membership_add(
            actor=cast.songhe_chair, team=world.team, person=people.wushan_exec
        )
    assert "已是本队志愿者" in messages_of(exc)


def test_after_leaving_she_may_rejoin_but_not_overlapping_her_old_membership(world, cast, people):
    volunteers.membership_end(
        actor=cast.songhe_chair, membership=world.membership, left_on=past(100)
    )
    with pytest.raises(ValidationError):
        volunteers.membership_add(
            actor=cast.songhe_chair, team=world.team, person=people.wushan_exec, joined_on=past(150)
        )
    again = volunteers.membership_add(
        actor=cast.songhe_chair, team=world.team, person=people.wushan_exec, joined_on=past(50)
    )
    assert again.left_on is None


def test_service_hours_are_between_half_an_hour_and_a_day_within_membership(world, cast):
    for hours in (Decimal("0.4"), Decimal("24.5")):
        with pytest.raises(ValidationError) as exc:
            volunteers.hours_record(
                actor=cast.songhe_chair, membership=world.membership, served_on=past(1), hours=hours
            )
        assert "0.5到24" in messages_of(exc)
    with pytest.raises(ValidationError):
        volunteers.hours_record(
            actor=cast.songhe_chair,
            membership=world.membership,
            served_on=past(301),
            hours=Decimal(2),
        )
    row = volunteers.hours_record(
        actor=cast.songhe_chair,
        membership=world.membership,
        served_on=past(3),
        hours=Decimal("2.5"),
        activity=world.activity,
    )
    assert row.hours == Decimal("2.5") and AuditEvent.objects.filter(action="volunteer.hours")


def test_a_leader_cannot_record_hours(world, cast):
    with pytest.raises(PermissionDenied):
        volunteers.hours_record(
            actor=cast.county_leader,
            membership=world.membership,
            served_on=past(1),
            hours=Decimal(1),
        )
