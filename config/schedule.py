"""The schedule `celery -A config beat` keeps (settings.CELERY_BEAT_SCHEDULE; exactly one beat per
site; with no Redis, `-S jinguo.common.jobs:InProcessScheduler` runs the entries in the beat
process itself). Times are TIME_ZONE's. Each entry expires well before it is due again: a run
the workers could not take in time is dropped, never queued twice behind the next."""

from typing import Any

from celery.schedules import crontab

CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "tallies-refresh": {  # the dashboard's summary tables and warm dashboards
        "task": "jinguo.reports.tasks.tallies_refresh_and_warm",
        "schedule": 20.0,
        "options": {"expires": 15},
    },
    "points-collect": {
        "task": "jinguo.points.tasks.points_collect_all",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 6 * 3600},
    },
    "activities-schedule": {
        "task": "jinguo.activities.tasks.activities_schedule",
        "schedule": crontab(hour=3, minute=0),
        "options": {"expires": 6 * 3600},
    },
    "audit-purge": {  # keeps JINGUO_AUDIT_RETENTION_DAYS
        "task": "jinguo.audit.tasks.audit_purge_expired",
        "schedule": crontab(day_of_month=1, hour=4, minute=0),
        "options": {"expires": 12 * 3600},
    },
    "backups-daily": {  # an archive into JINGUO_BACKUP_DIR, then the retention
        "task": "jinguo.backups.tasks.backups_daily",
        "schedule": crontab(hour=1, minute=30),
        "options": {"expires": 12 * 3600},
    },
    "drill-weekly": {  # the newest archive restored into a scratch database and proven
        "task": "jinguo.backups.tasks.drill_weekly",
        "schedule": crontab(day_of_week="sunday", hour=4, minute=30),
        "options": {"expires": 24 * 3600},
    },
    "reminders-daily": {
        "task": "jinguo.reminders.tasks.reminders_daily",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 2 * 3600},
    },
    "deliveries-release": {
        "task": "jinguo.inbox.tasks.deliveries_release",
        "schedule": crontab(),  # every minute
        "options": {"expires": 50},
    },
}
