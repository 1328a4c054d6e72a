"""Settings for bench/run.py's server: the project's own, as production runs them (DEBUG off,
so no query log), plus a bare view on a bench-only URLconf. Static files are served unhashed so
that no collectstatic is needed; HTTPS redirects are off because the server is on loopback."""

import os

from config.env import DEVELOPMENT_SECRETS

# Bench databases are generated with the published development keys (`jinguo generate`,
# `load_demo`), which config.settings only falls back to with DEBUG on: set them here.
for _name, _value in DEVELOPMENT_SECRETS.items():
    os.environ.setdefault(_name, _value)

from config.settings import *  # noqa: E402, F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
STORAGES = {
    "default": {"BACKEND": "jinguo.common.storage.EncryptedFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# bench/run.py's refresher: the in-process beat (no Redis) with production's tallies entry
# alone, every BENCH_REFRESH_EVERY seconds (production: 20).
CELERY_BEAT_SCHEDULE = {
    "tallies-refresh": {
        **CELERY_BEAT_SCHEDULE["tallies-refresh"],  # noqa: F405
        "schedule": float(os.environ.get("BENCH_REFRESH_EVERY", "20")),
    }
}
