"""The Celery application (background jobs and their schedule).

Production sets JINGUO_BROKER_URL (Redis, e.g. redis://127.0.0.1:6379/0) and runs `celery -A config
worker` and `celery -A config beat` beside the web server (README, deployment). With no broker
configured (`make demo`, the test suite) every task runs in the calling process
(task_always_eager): the embedded default needs no Redis. Settings are read from Django's
settings, CELERY_* (config/settings.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("jinguo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
