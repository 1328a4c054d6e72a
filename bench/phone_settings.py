"""Settings for bench/phone.py's server: bench/settings.py (the project's own, DEBUG off, the
bare view), with static files as production serves them: collected by whitenoise's
CompressedManifestStaticFilesStorage into JINGUO_STATIC_ROOT (hashed names, a .gz beside each
file, a .br too when the brotli package is installed) and served by WhiteNoiseMiddleware, which
sends the compressed file the browser accepts and caches hashed names for ten years, immutable.

BENCH_GZIP_PAGES=1: the pages are gzip-compressed too, as nginx in front of gunicorn does with
`gzip on` (docs/deployment.md); here by Django's GZipMiddleware, outermost."""

import os

from bench.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("BENCH_GZIP_PAGES") == "1":
    MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE]  # noqa: F405
