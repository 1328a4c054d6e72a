"""Warm dashboards: opened lately → recomputed by the refresher into the shared cache."""

import datetime as dt

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.utils import timezone

from jinguo.reports.cached import dashboard_key
from jinguo.reports.models import DashboardOpened, TallyRun
from jinguo.reports.tasks import tallies_refresh_and_warm
from jinguo.reports.tests.test_dashboard import TODAY, held_activity, past, url
from jinguo.reports.warming import dashboards_warm

shared = caches["dashboard"]


@pytest.fixture(autouse=True)
def _caches(db, settings):
    settings.DASHBOARD_CACHE_SECONDS = 30
    settings.DASHBOARD_WARM_SECONDS = 3600
    cache.clear()  # the per-process note of who opened what
    shared.clear()
    yield
    cache.clear()
    shared.clear()


def board_key(user, org) -> str:
    return dashboard_key(user=user, org=org, start=past(30), end=TODAY) + ":board"


def test_opening_a_dashboard_notes_it_once_in_a_while(cast, tree, login):
    client = login(cast.songhe_chair)
    client.get(url(tree.songhe))
    opened = DashboardOpened.objects.get()
    assert (opened.user, opened.org, opened.start, opened.end) == (
        cast.songhe_chair,
        tree.songhe,
        past(30),
        TODAY,
    )
    client.get(url(tree.songhe))
    assert DashboardOpened.objects.get().opened_at == opened.opened_at  # no write per click


def test_a_user_of_another_village_opens_nothing(cast, tree, login):
    assert login(cast.gangkou_chair).get(url(tree.songhe)).status_code == 404
    assert not DashboardOpened.objects.exists()


def test_the_refresher_recomputes_a_dashboard_opened_lately_with_new_records(cast, tree, login):
    client = login(cast.songhe_chair)
    client.get(url(tree.songhe))
    before = shared.get(board_key(cast.songhe_chair, tree.songhe))
    held = next(s for s in before.sections if s.key == "activities").figure("activities.held").value
    held_activity(cast.songhe_chair, tree.songhe, days_ago=1)

    assert dashboards_warm() == 1

    after = shared.get(board_key(cast.songhe_chair, tree.songhe))
    assert (
        next(s for s in after.sections if s.key == "activities").figure("activities.held").value
        == held + 1
    )
    changes = dashboard_key(user=cast.songhe_chair, org=tree.songhe, start=past(30), end=TODAY)
    assert shared.get(changes + ":changes:yoy") is not None  # the default comparison, 同比


def test_a_warm_dashboard_is_served_without_computing(cast, tree, login, count_queries):
    client = login(cast.songhe_chair)
    cold = count_queries(lambda: client.get(url(tree.songhe)))
    shared.clear()
    dashboards_warm()
    warm = count_queries(lambda: client.get(url(tree.songhe)))
    assert warm < cold / 3


def test_dashboards_not_opened_for_an_hour_are_forgotten(cast, tree, login):
    login(cast.songhe_chair).get(url(tree.songhe))
    DashboardOpened.objects.update(opened_at=timezone.now() - dt.timedelta(hours=2))
    assert dashboards_warm() == 0
    assert not DashboardOpened.objects.exists()


def test_a_user_moved_to_another_village_is_not_warmed_for_the_old_one(cast, tree, login):
    chair = cast.songhe_chair
    login(chair).get(url(tree.songhe))
    chair.org = tree.gangkou
    chair.save(update_fields=["org"])
    shared.clear()
    assert dashboards_warm() == 0
    assert not DashboardOpened.objects.exists()
    assert shared.get(board_key(chair, tree.songhe)) is None


def test_a_deactivated_user_is_not_warmed(cast, tree, login):
    chair = cast.songhe_chair
    login(chair).get(url(tree.songhe))
    chair.is_active = False
    chair.save(update_fields=["is_active"])
    assert dashboards_warm() == 0


def test_at_most_the_limit_is_warmed_a_run_most_recent_first(cast, tree, login):
    login(cast.songhe_chair).get(url(tree.songhe))
    login(cast.gangkou_chair).get(url(tree.gangkou))
    DashboardOpened.objects.filter(org=tree.songhe).update(
        opened_at=timezone.now() - dt.timedelta(minutes=5)
    )
    shared.clear()
    assert dashboards_warm(limit=1) == 1
    assert shared.get(board_key(cast.gangkou_chair, tree.gangkou)) is not None
    assert shared.get(board_key(cast.songhe_chair, tree.songhe)) is None


def test_nothing_is_noted_or_warmed_when_warming_is_off(cast, tree, login, settings):
    settings.DASHBOARD_WARM_SECONDS = 0
    login(cast.songhe_chair).get(url(tree.songhe))
    assert not DashboardOpened.objects.exists()
    assert dashboards_warm() == 0


def test_the_beat_task_warms_after_the_tallies(cast, tree, login):
    login(cast.songhe_chair).get(url(tree.songhe))
    shared.clear()
    done = tallies_refresh_and_warm.delay().get()  # no broker: runs here
    assert done["warmed"] == 1
    assert shared.get(board_key(cast.songhe_chair, tree.songhe)) is not None
    assert TallyRun.objects.count() == 1


def test_a_failing_dashboard_does_not_fail_the_tallies(cast, tree, login, monkeypatch):
    login(cast.songhe_chair).get(url(tree.songhe))

    def broken(**kwargs):
        raise RuntimeError("a broken section")

    monkeypatch.setattr("jinguo.reports.tasks.dashboards_warm", broken)
    done = tallies_refresh_and_warm.delay().get()
    assert done["warmed"] is None
    assert TallyRun.objects.count() == 1


def test_the_operator_command_refreshes_and_warms_once(cast, tree, login, capsys):
    login(cast.songhe_chair).get(url(tree.songhe))
    shared.clear()
    call_command("refresh_tallies", warm=True)
    assert "已预先计算 1 个看板" in capsys.readouterr().out
    assert shared.get(board_key(cast.songhe_chair, tree.songhe)) is not None
