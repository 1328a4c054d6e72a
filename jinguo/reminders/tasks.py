"""Celery tasks of the reminders: the daily digest, run by beat at 07:00 (config.celery)."""

import datetime as dt

from celery import shared_task

from jinguo.reminders.services import reminders_send


@shared_task(name="jinguo.reminders.tasks.reminders_daily")
def reminders_daily(day: str | None = None) -> dict[str, int | str]:
    """Send the day's digests (`day` ISO, default today); running it again the same day adds
    nothing, so a retry or a restart is safe."""
    sent = reminders_send(day=dt.date.fromisoformat(day) if day else None)
    return {"day": sent.day.isoformat(), "people": sent.people, "new": sent.new}
