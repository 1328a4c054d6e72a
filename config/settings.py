"""Jinguo settings: one file, every environment variable read through config.env.

The bare defaults are production's: DEBUG off, and then JINGUO_SECRET_KEY, JINGUO_FIELD_KEY and
JINGUO_HASH_KEY must be set (start-up stops otherwise); see docs/configuration.md for the full
list. A development or demo machine sets JINGUO_DEBUG=true (make demo and the test settings,
config/settings_test.py, do), which brings SQLite-friendly defaults and the published
development keys.
"""

from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    DEVELOPMENT_SECRETS,
    env_bool,
    env_int,
    env_list,
    env_optional_secret,
    env_secret,
    env_str,
    env_url,
    redis_next_db,
)
from config.schedule import CELERY_BEAT_SCHEDULE  # noqa: F401 (a setting, read by Celery)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("JINGUO_DEBUG", False)
SECRET_KEY = env_secret("JINGUO_SECRET_KEY", debug=DEBUG)
# Personal data at rest: ID numbers and phones are encrypted with FIELD_KEY (AES-256-GCM) and
# found again through a keyed hash (HMAC-SHA256 with HASH_KEY). Both are 32 random bytes,
# base64; production must set them and must never change them without re-encrypting.
FIELD_ENCRYPTION_KEY = env_secret("JINGUO_FIELD_KEY", debug=DEBUG)
BLIND_INDEX_KEY = env_secret("JINGUO_HASH_KEY", debug=DEBUG)
# Backups (jinguo.backups) are encrypted with a key of their own, needed only where backups are
# written or restored: unset in production, `jinguo backup` refuses. Earlier keys stay listed in
# JINGUO_BACKUP_OLD_KEYS (comma-separated) for as long as backups made with them are kept.
BACKUP_KEY = env_optional_secret("JINGUO_BACKUP_KEY") or (
    DEVELOPMENT_SECRETS["JINGUO_BACKUP_KEY"] if DEBUG else ""
)
BACKUP_OLD_KEYS = env_list("JINGUO_BACKUP_OLD_KEYS", [])
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
    "captcha",
    "csp",
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
    "jinguo.rounds",
    "jinguo.inbox",
    "jinguo.notices",
    "jinguo.offline",
    "jinguo.reminders",
    "jinguo.backups",
    "jinguo.demo",  # the top of the house: it may import every app, no app imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "jinguo.common.middleware.PermissionsPolicyMiddleware",
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
# Only while a restore drill migrates its scratch database (jinguo.backups.scratch): the data
# migrations' queries go there, not to the site's database.
DATABASE_ROUTERS = ["jinguo.backups.scratch.ScratchRouter"]

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
    # 等保: none of the last 5 passwords (the current one included) again.
    {"NAME": "jinguo.accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
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

# Uploaded workbooks (jinguo/common/workbooks.py) are read in a child process, never in the web
# process, and refused before reading when they claim more than a county's roster needs:
# - rows and columns: what a sheet's <dimension> declares and what it really holds (the rosters
#   have 14–40 columns; a county's population roster is ≈1,000,000 rows, so the limit is a
#   sheet's own height in Excel, 1,048,576 rows);
# - unpacked size: the sum of the zip's declared member sizes. A 1,000,000-row roster written by
#   xlsxwriter (our exports, with inline strings) is 757 MB of sheet XML in an 81 MB file, so the
#   limit sits above that; a bomb declares far more;
# - ratio: a member over 1 MiB unpacking to more than this many times its packed size (real
#   sheets measure 5–20×; Apache POI refuses at 100×; deflate cannot exceed ~1,030×);
# - the reader's address space and wall time: calamine holds the whole sheet, so a 1,000,000-row,
#   14-column roster peaks at 1.4 GB resident and reads in 60–170 s (bench/import_county.py,
#   2026-12-07; 200,000 rows: 10–40 s in 300 MB); the limits leave room for a busy machine.
SHEET_MAX_ROWS = env_int("JINGUO_SHEET_MAX_ROWS", 1_048_576)
SHEET_MAX_COLUMNS = env_int("JINGUO_SHEET_MAX_COLUMNS", 200)
SHEET_MAX_UNPACKED_BYTES = env_int("JINGUO_SHEET_MAX_UNPACKED_MB", 1024) * 1024 * 1024
SHEET_MAX_RATIO = env_int("JINGUO_SHEET_MAX_RATIO", 200)
SHEET_READER_MEMORY_BYTES = env_int("JINGUO_SHEET_READER_MEMORY_MB", 3072) * 1024 * 1024
SHEET_READER_SECONDS = env_int("JINGUO_SHEET_READER_SECONDS", 600)

# 等保 level 3: lock an account after repeated failed logins; passwords expire.
LOGIN_MAX_FAILURES = env_int("JINGUO_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCK_MINUTES = env_int("JINGUO_LOGIN_LOCK_MINUTES", 30)
PASSWORD_MAX_AGE_DAYS = env_int("JINGUO_PASSWORD_MAX_AGE_DAYS", 90)
# Login throttling (jinguo.accounts.throttle), counted in the shared cache over a window of
# LOGIN_THROTTLE_SECONDS: after LOGIN_CAPTCHA_AFTER failures from an address (or for a user
# name, over LOGIN_NAME_WINDOW_SECONDS) a picture code is asked for; after LOGIN_IP_MAX_FAILURES
# the address is refused (429); after LOGIN_SITE_CAPTCHA_AFTER failures on the whole site,
# everyone is asked for the code. Behind nginx set JINGUO_TRUST_X_FORWARDED_FOR, or every
# client shares the proxy's address.
LOGIN_THROTTLE_SECONDS = env_int("JINGUO_LOGIN_THROTTLE_SECONDS", 15 * 60)
LOGIN_CAPTCHA_AFTER = env_int("JINGUO_LOGIN_CAPTCHA_AFTER", 3)
LOGIN_IP_MAX_FAILURES = env_int("JINGUO_LOGIN_IP_MAX_FAILURES", 20)
LOGIN_SITE_CAPTCHA_AFTER = env_int("JINGUO_LOGIN_SITE_CAPTCHA_AFTER", 100)
LOGIN_NAME_WINDOW_SECONDS = env_int("JINGUO_LOGIN_NAME_WINDOW_SECONDS", 24 * 3600)
# The picture code (django-simple-captcha) is drawn and checked on this server: no outside
# service. A code lives five minutes and can be tried once.
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 5

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

# Content-Security-Policy (django-csp), the same with DEBUG on and off: scripts and styles only
# from this site's static files, inline <script>/<style> only with the response's nonce
# ({{ request.csp_nonce }}; the scheme form's sum, Swagger UI), no
# inline event handlers or style attributes (site.js and site.css do their work), no eval.
# Images: ours, and data: URIs (Bootstrap's icons are data: SVGs in its CSS). No plug-ins, no
# frames, forms post only here. ECharts and Bootstrap set styles from script (CSSOM), which CSP
# allows. django-csp leaves DEBUG's technical 404/500 pages without the header.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (jinguo.common.middleware.PermissionsPolicyMiddleware): browser features
# no page uses are off for every origin. The camera stays allowed here: visit photos are taken
# with <input type="file" capture>. Fullscreen: ECharts and Swagger UI may ask for it.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "camera": ["self"],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

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

# Scheduled backups (jinguo.backups.services; beat below, or cron: docs/operations.md): every night
# an archive `jinguo-YYYYMMDD-HHMMSS.jgbk` in JINGUO_BACKUP_DIR, keeping every one of the last
# JINGUO_BACKUP_KEEP_DAILY days and the newest of each of the last JINGUO_BACKUP_KEEP_MONTHLY
# months. Every week a drill restores the newest into a scratch database and proves it: a
# temporary SQLite file, or the PostgreSQL database JINGUO_DRILL_DATABASE_URL names, which the
# drill drops and creates afresh, and drops after (never the site's own database). The security
# administrator's page warns when the last good backup is older than JINGUO_BACKUP_LATE_HOURS or
# the last good drill older than JINGUO_DRILL_LATE_DAYS.
JINGUO_BACKUP_DIR = Path(env_str("JINGUO_BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
JINGUO_BACKUP_KEEP_DAILY = env_int("JINGUO_BACKUP_KEEP_DAILY", 14)
JINGUO_BACKUP_KEEP_MONTHLY = env_int("JINGUO_BACKUP_KEEP_MONTHLY", 12)
JINGUO_DRILL_DATABASE_URL = env_url("JINGUO_DRILL_DATABASE_URL", ("postgres", "postgresql")) or ""
JINGUO_BACKUP_LATE_HOURS = env_int("JINGUO_BACKUP_LATE_HOURS", 26)
JINGUO_DRILL_LATE_DAYS = env_int("JINGUO_DRILL_LATE_DAYS", 8)
if JINGUO_BACKUP_KEEP_DAILY < 1 or JINGUO_BACKUP_KEEP_MONTHLY < 0:
    raise ImproperlyConfigured(
        "JINGUO_BACKUP_KEEP_DAILY must be at least 1 and JINGUO_BACKUP_KEEP_MONTHLY at least 0"
    )

# Dates (jinguo/common/dates.py): every date a form, the API or a query string takes lies between
# 1 January of JINGUO_DATES_FIRST_YEAR (1949: the federations' founding; nothing recorded here is
# older) and JINGUO_DATES_YEARS_AHEAD years from today (a term of office is five years); a period
# spans at most JINGUO_DATES_MAX_SPAN_YEARS. A series is scheduled at most
# JINGUO_SCHEDULE_HORIZON_DAYS ahead, and at most JINGUO_SCHEDULE_MAX_ACTIVITIES at once.
JINGUO_DATES_FIRST_YEAR = env_int("JINGUO_DATES_FIRST_YEAR", 1949)
JINGUO_DATES_YEARS_AHEAD = env_int("JINGUO_DATES_YEARS_AHEAD", 5)
JINGUO_DATES_MAX_SPAN_YEARS = env_int("JINGUO_DATES_MAX_SPAN_YEARS", 10)
JINGUO_SCHEDULE_HORIZON_DAYS = env_int("JINGUO_SCHEDULE_HORIZON_DAYS", 366)
JINGUO_SCHEDULE_MAX_ACTIVITIES = env_int("JINGUO_SCHEDULE_MAX_ACTIVITIES", 200)
if not (
    1900 <= JINGUO_DATES_FIRST_YEAR <= 2100
    and 1 <= JINGUO_DATES_YEARS_AHEAD <= 50
    and 1 <= JINGUO_DATES_MAX_SPAN_YEARS <= 200
    and 1 <= JINGUO_SCHEDULE_HORIZON_DAYS <= 3660
    and 1 <= JINGUO_SCHEDULE_MAX_ACTIVITIES <= 10_000
):
    raise ImproperlyConfigured(
        "JINGUO_DATES_FIRST_YEAR must lie in 1900..2100, JINGUO_DATES_YEARS_AHEAD in 1..50, "
        "JINGUO_DATES_MAX_SPAN_YEARS in 1..200, JINGUO_SCHEDULE_HORIZON_DAYS in 1..3660 and "
        "JINGUO_SCHEDULE_MAX_ACTIVITIES in 1..10000"
    )

# The dashboard: a computed page is kept DASHBOARD_CACHE_SECONDS per scope, org and period, and
# the summary tables (refreshed every 20 s by beat: jinguo.reports.tasks) are read only while
# the latest run is younger than TALLY_MAX_AGE_SECONDS (0: always count live). Together: at
# most a minute behind.
DASHBOARD_CACHE_SECONDS = env_int("JINGUO_DASHBOARD_CACHE_SECONDS", 30)
TALLY_MAX_AGE_SECONDS = env_int("JINGUO_TALLY_MAX_AGE_SECONDS", 30)
# Computed dashboards live in a database table shared by every web worker and by the refresher,
# which recomputes the ones opened in the last DASHBOARD_WARM_SECONDS before they expire
# (jinguo.reports.warming): a returning cadre is served from the cache. The default cache stays
# per process.
# The broker (below) is read here: with no JINGUO_CACHE_URL, the shared cache lives on the
# broker's Redis, one database number up (config.env.redis_next_db).
BROKER_URL = env_url("JINGUO_BROKER_URL", ("redis", "rediss", "unix"))
CACHE_URL = env_url("JINGUO_CACHE_URL", ("redis", "rediss", "unix")) or (
    redis_next_db(BROKER_URL) if BROKER_URL else None
)
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Counters every web worker must share (rate limits, throttles; jinguo.common.throttle): a
    # database table by default, Redis when JINGUO_CACHE_URL (or else JINGUO_BROKER_URL) names
    # one; either way two workers or a restart never reset them.
    "shared": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "jinguo_shared_cache",
            "OPTIONS": {"MAX_ENTRIES": 100000, "CULL_FREQUENCY": 4},
        }
    ),
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

# Background jobs (config/celery.py). JINGUO_BROKER_URL names the Redis broker; unset, every task
# runs in the calling process at once (the demo and the tests need no Redis). Tasks are
# acknowledged only once done (acks_late), so a job whose worker is killed or restarted is
# delivered again: every task is idempotent. Redis redelivers an unacknowledged job after the
# visibility timeout, which must exceed the longest task (a county's import).
CELERY_BROKER_URL = BROKER_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker process whose resident memory passed this (KiB) after a task is replaced by a fresh
# one: a county's roster preview or import leaves a process larger than it needs to stay.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("JINGUO_WORKER_MAX_MEMORY_KB", 400_000)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("JINGUO_JOB_VISIBILITY_SECONDS", 2 * 3600)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = None  # no result backend: nothing for beat to clean up
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# CELERY_BEAT_SCHEDULE, the schedule `celery -A config beat` keeps: config/schedule.py (imported
# at the top).

# Outward channels of the inbox (jinguo.inbox.backends), as Django's e-mail backends: a dotted
# path per channel. Unset: the console backend with DEBUG on; production names one (the HTTP
# backends below, or "" to leave the channel off), else `jinguo check --deploy` fails.
_CONSOLE = "jinguo.inbox.backends.simple.ConsoleBackend"
JINGUO_SMS_BACKEND = env_str("JINGUO_SMS_BACKEND", _CONSOLE if DEBUG else "")
JINGUO_WECOM_BACKEND = env_str("JINGUO_WECOM_BACKEND", _CONSOLE if DEBUG else "")
JINGUO_MESSAGE_FILE_PATH = env_str("JINGUO_MESSAGE_FILE_PATH", str(BASE_DIR / "var" / "messages"))
# The site's address, for the link a text message and a 企业微信 card carry.
JINGUO_SITE_URL = env_str("JINGUO_SITE_URL", "http://127.0.0.1:8000")
# SMS over Aliyun's dysmsapi (or a 政务 platform speaking the same API at its own endpoint).
JINGUO_SMS_ENDPOINT = env_str("JINGUO_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
JINGUO_SMS_ACCESS_KEY_ID = env_str("JINGUO_SMS_ACCESS_KEY_ID", "")
JINGUO_SMS_ACCESS_KEY_SECRET = env_optional_secret("JINGUO_SMS_ACCESS_KEY_SECRET")
JINGUO_SMS_SIGN_NAME = env_str("JINGUO_SMS_SIGN_NAME", "")
JINGUO_SMS_TEMPLATE_CODE = env_str("JINGUO_SMS_TEMPLATE_CODE", "")
# Requests a delivery job has in flight at once (one per text message).
JINGUO_SMS_CONNECTIONS = env_int("JINGUO_SMS_CONNECTIONS", 8)
# 企业微信 (qyapi.weixin.qq.com) or 政务微信 (its own host) application messages.
JINGUO_WECOM_BASE_URL = env_str("JINGUO_WECOM_BASE_URL", "https://qyapi.weixin.qq.com")
JINGUO_WECOM_CORP_ID = env_str("JINGUO_WECOM_CORP_ID", "")
JINGUO_WECOM_SECRET = env_optional_secret("JINGUO_WECOM_SECRET")
JINGUO_WECOM_AGENT_ID = env_str("JINGUO_WECOM_AGENT_ID", "")
# Gateways: seconds to connect and to read an answer; deliveries per job; attempts before a
# delivery fails; a queued delivery no job picked up for this long is queued again.
JINGUO_GATEWAY_CONNECT_SECONDS = float(env_str("JINGUO_GATEWAY_CONNECT_SECONDS", "3"))
JINGUO_GATEWAY_READ_SECONDS = float(env_str("JINGUO_GATEWAY_READ_SECONDS", "10"))
JINGUO_DELIVERY_BATCH = env_int("JINGUO_DELIVERY_BATCH", 100)
JINGUO_DELIVERY_MAX_ATTEMPTS = env_int("JINGUO_DELIVERY_MAX_ATTEMPTS", 5)
JINGUO_DELIVERY_LOST_MINUTES = env_int("JINGUO_DELIVERY_LOST_MINUTES", 10)

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
