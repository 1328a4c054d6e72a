"""Jinguo settings: one file, every environment variable read through config.env.

Development defaults just work (SQLite, DEBUG on). Production sets JINGUO_DEBUG=false and then
must provide JINGUO_SECRET_KEY and JINGUO_ALLOWED_HOSTS; see README.md for the full list.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("JINGUO_DEBUG", True)
SECRET_KEY = env_secret("JINGUO_SECRET_KEY", "dev-only-insecure-key" if DEBUG else None)
# Personal data at rest: ID numbers and phones are encrypted with FIELD_KEY (AES-256-GCM) and
# found again through a keyed hash (HMAC-SHA256 with HASH_KEY). Both are 32 random bytes,
# base64; production must set them and must never change them without re-encrypting.
FIELD_ENCRYPTION_KEY = env_secret(
    "JINGUO_FIELD_KEY", "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLW9rISE=" if DEBUG else None
)
BLIND_INDEX_KEY = env_secret(
    "JINGUO_HASH_KEY", "ZGV2LW9ubHktaGFzaC1rZXktMzItYnl0ZXMtb2shISE=" if DEBUG else None
)
ALLOWED_HOSTS = env_list("JINGUO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("JINGUO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "jinguo.common",
    "jinguo.orgs",
    "jinguo.accounts",
    "jinguo.audit",
    "jinguo.people",
    "jinguo.households",
    "jinguo.imports",
    "jinguo.visits",
    "jinguo.cases",
    "jinguo.intake",
    "jinguo.meetings",
    "jinguo.activities",
    "jinguo.trainings",
    "jinguo.sanxin",
    "jinguo.honours",
    "jinguo.employment",
    "jinguo.points",
    "jinguo.assessments",
    "jinguo.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jinguo.common.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jinguo.audit.middleware.RequestContextMiddleware",
    "jinguo.accounts.middleware.PasswordExpiryMiddleware",
    "jinguo.accounts.middleware.TotpRequiredMiddleware",
    # Last: refused requests (403, a view's 404) to the audit log, rate-limited.
    "jinguo.audit.middleware.AccessDeniedAuditMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# SQLite is the embedded default; production and CI set DATABASE_URL to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'jinguo.sqlite3'}"),
        conn_max_age=env_int("JINGUO_DB_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["jinguo.accounts.backends.UserBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "jinguo.accounts.passwords.CharacterClassValidator"},
]

# UI text is written in Simplified Chinese; English is the second locale.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "jinguo" / "locale"]
TIME_ZONE = env_str("JINGUO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("JINGUO_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STORAGES = {
    # Uploaded files are encrypted at rest (rosters hold full ID numbers and phones).
    "default": {"BACKEND": "jinguo.common.storage.EncryptedFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("JINGUO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("JINGUO_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# 等保 level 3: lock an account after repeated failed logins; passwords expire.
LOGIN_MAX_FAILURES = env_int("JINGUO_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCK_MINUTES = env_int("JINGUO_LOGIN_LOCK_MINUTES", 30)
PASSWORD_MAX_AGE_DAYS = env_int("JINGUO_PASSWORD_MAX_AGE_DAYS", 90)

SESSION_COOKIE_AGE = env_int("JINGUO_SESSION_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: each request extends the session
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# A failed CSRF check: a page in her language, or JSON on /api/ (jinguo.common.errors).
CSRF_FAILURE_VIEW = "jinguo.common.errors.csrf_failure"
SECURE_SSL_REDIRECT = env_bool("JINGUO_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("JINGUO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is a national-network decision

# The client address to write to the audit log: behind nginx it is in X-Forwarded-For.
JINGUO_TRUST_X_FORWARDED_FOR = env_bool("JINGUO_TRUST_X_FORWARDED_FOR", False)

# `jinguo load_demo` creates accounts with a published password: only on a site configured
# with DEBUG on. Read once here, so that the test runner (which forces DEBUG off while tests
# run) can still build the demo.
JINGUO_DEMO_DATA_ALLOWED = DEBUG

# Audit rows are kept at least this many days (about six months, 等保); `jinguo audit_purge`
# refuses a cut-off younger than that, and never accepts less than 183.
JINGUO_AUDIT_RETENTION_DAYS = env_int("JINGUO_AUDIT_RETENTION_DAYS", 183)
if JINGUO_AUDIT_RETENTION_DAYS < 183:
    raise ImproperlyConfigured(
        f"JINGUO_AUDIT_RETENTION_DAYS must be at least 183 (six months), "
        f"got {JINGUO_AUDIT_RETENTION_DAYS}"
    )

# Roster imports run in a thread of the web process once the upload is saved; set false when
# `jinguo run_imports --loop` runs them instead (a systemd service).
JINGUO_IMPORTS_IN_THREAD = env_bool("JINGUO_IMPORTS_IN_THREAD", True)

# The dashboard: a computed page is kept DASHBOARD_CACHE_SECONDS per scope, org and period, and
# the summary tables (`jinguo refresh_tallies --every 20`) are read only while the latest run is
# younger than TALLY_MAX_AGE_SECONDS (0: always count live). Together: at most a minute behind.
DASHBOARD_CACHE_SECONDS = env_int("JINGUO_DASHBOARD_CACHE_SECONDS", 30)
TALLY_MAX_AGE_SECONDS = env_int("JINGUO_TALLY_MAX_AGE_SECONDS", 30)
# Computed dashboards live in a database table shared by every web worker and by the refresher,
# which recomputes the ones opened in the last DASHBOARD_WARM_SECONDS before they expire
# (jinguo.reports.warming): a returning cadre is served from the cache. The default cache stays
# per process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Counters every web worker must share (rate limits, throttles): a database table by
    # default, so two workers or a restart never reset them.
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "jinguo_shared_cache",
        "OPTIONS": {"MAX_ENTRIES": 100000, "CULL_FREQUENCY": 4},
    },
    "dashboard": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "jinguo_dashboard_cache",
        "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
    },
}
DASHBOARD_WARM_SECONDS = env_int("JINGUO_DASHBOARD_WARM_SECONDS", 3600)
# Threads per process that compute a dashboard's sections side by side on PostgreSQL
# (jinguo.common.parallel), each with a database connection of its own: a web worker holds up
# to 1 + READ_THREADS connections. 0: one after another.
READ_THREADS = env_int("JINGUO_READ_THREADS", 3)
# How long such a thread keeps its connection (reconnecting for every section costs what the
# threads save); a broken one is dropped at once.
READ_THREADS_CONN_SECONDS = env_int("JINGUO_READ_THREADS_CONN_SECONDS", 300)
DASHBOARD_WARM_LIMIT = env_int("JINGUO_DASHBOARD_WARM_LIMIT", 40)
# A scope's grids (a list's filter options) are kept this long in each process
# (jinguo.common.refcache); a write through orgs.services empties the writing process's copy.
REFERENCE_CACHE_SECONDS = env_int("JINGUO_REFERENCE_CACHE_SECONDS", 60)
if DASHBOARD_CACHE_SECONDS + TALLY_MAX_AGE_SECONDS > 60:
    raise ValueError(
        "JINGUO_DASHBOARD_CACHE_SECONDS + JINGUO_TALLY_MAX_AGE_SECONDS must not exceed 60 "
        "(figures at most a minute behind the records)"
    )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "jinguo.common.api.StandardPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "jinguo.common.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "巾帼网格 Jinguo API",
    "DESCRIPTION": "JSON API of the Jinguo platform. Every endpoint is limited to the caller's "
    "part of the organisation tree.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("JINGUO_LOG_LEVEL", "INFO")},
}
