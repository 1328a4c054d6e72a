"""The job queue's settings and the in-process beat: every scheduled entry names a task that
exists and expires before it is due again; InProcessScheduler runs a due task in its own
process, and a missing or failing task neither stops beat nor is sent anywhere."""

import datetime as dt
import importlib.util
import logging

import pytest
from celery.schedules import maybe_schedule
from django.conf import settings

from config.celery import app
from jinguo.common.jobs import InProcessScheduler
from jinguo.reports.models import TallyRun

# Tasks of apps built beside this one: named here by string, registered once they exist.
OTHER_APPS = {"jinguo.reminders.tasks", "jinguo.inbox.tasks"}


def _gap_seconds(schedule, now: dt.datetime) -> float:
    """Seconds between two consecutive runs of a schedule (an interval or a crontab)."""
    first = schedule.remaining_estimate(now)
    after_first = now + first + dt.timedelta(seconds=1)  # just after the next run
    return (schedule.remaining_estimate(after_first) - first).total_seconds()


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()  # autodiscovery, as the worker and beat do it
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        module = entry["task"].rpartition(".")[0]
        if module in OTHER_APPS and importlib.util.find_spec(module) is None:
            continue
        assert entry["task"] in app.tasks, name


def test_every_beat_entry_expires_before_it_is_due_again():
    now = app.now()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        gap = _gap_seconds(maybe_schedule(entry["schedule"], app=app), now)
        assert 0 < entry["options"]["expires"] < gap, name


def test_the_tallies_run_every_20_seconds_and_the_reminders_at_seven():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["tallies-refresh"]["schedule"] == 20.0
    assert schedule["reminders-daily"]["schedule"].hour == {7}


@pytest.fixture
def scheduler(tmp_path):
    app.loader.import_default_modules()  # the tasks, discovered as beat discovers them
    scheduler = InProcessScheduler(app=app, schedule_filename=str(tmp_path / "beat"))
    yield scheduler
    scheduler.close()


def _entry(scheduler, task: str):
    return scheduler.Entry(name="test", task=task, schedule=20.0, app=app)


@pytest.mark.django_db
def test_the_in_process_beat_runs_a_due_task_here(scheduler):
    result = scheduler.apply_async(
        _entry(scheduler, "jinguo.reports.tasks.tallies_refresh_and_warm")
    )
    assert result.successful()
    assert TallyRun.objects.count() == 1


@pytest.mark.django_db
def test_the_in_process_beat_logs_a_failing_task_and_goes_on(scheduler, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("the tallies broke")

    monkeypatch.setattr("jinguo.reports.tasks.tallies_refresh", broken)
    with caplog.at_level(logging.ERROR, logger="jinguo.common.jobs"):
        result = scheduler.apply_async(
            _entry(scheduler, "jinguo.reports.tasks.tallies_refresh_and_warm")
        )
    assert result.failed()
    assert "the tallies broke" in caplog.text


def test_the_in_process_beat_skips_a_task_it_does_not_know(scheduler, caplog):
    with caplog.at_level(logging.ERROR, logger="jinguo.common.jobs"):
        assert scheduler.apply_async(_entry(scheduler, "jinguo.nowhere.tasks.missing")) is None
    assert "jinguo.nowhere.tasks.missing" in caplog.text
