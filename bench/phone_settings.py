"""Settings for bench/phone.py's server: bench/settings.py (the project's own, DEBUG off, the
bare view), with static files as production serves them: collected by whitenoise's
CompressedManifestStaticFilesStorage into JINGUO_STATIC_ROOT (hashed names, a .gz beside each
file, a .br too when the brotli package is installed) and served by WhiteNoiseMiddleware, which
sends the compressed file the browser accepts and caches hashed names for a year, immutable."""

from bench.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
