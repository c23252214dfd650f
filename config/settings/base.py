"""Settings shared by every environment.

Every value is read from the environment with a safe default (django-environ).
``local``/``test`` only set defaults, ``production`` only hardens.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

# --- Applications -------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_celery_beat",
    "import_export",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
]
LOCAL_APPS = [
    "core",
    "geo",
    "accounts",
    "audit",
    "licensing",
    "hvt",
    "crt",
    "budget",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Response-only headers sit on top so that every response gets them, also one that a middleware
    # below answers by itself (the no-licence page, the 2FA redirect, the NUL refusal, axes' lockout).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.LastActivityMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "licensing.middleware.LicenceRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must be last: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Databases: two realms ------------------------------------------------------------------
# `default` holds everything but the CRT; `crt` holds the CRT and its own audit trail.
# The embedded default is two SQLite files under var/.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hvt.sqlite3'}"),
    "crt": env.db("CRT_DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'crt.sqlite3'}"),
}
# Views on `default` run in a transaction: a failure half-way commits nothing.
# The CRT database is not opened by every request; CRT services use atomic(using="crt").
DATABASES["default"]["ATOMIC_REQUESTS"] = True
for _alias in DATABASES:
    DATABASES[_alias].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
    if DATABASES[_alias]["ENGINE"].endswith("sqlite3"):
        DATABASES[_alias].setdefault("OPTIONS", {}).setdefault("timeout", 20)
# PostgreSQL session settings of every connection (libpq "options"). JIT off: the planner's cost
# estimates of the overview aggregates (100,000 places joined to their periods) cross jit_above_cost,
# and compiling then took 1.9 s of the target list's 2.9 s at scale 10, for a statement that runs in
# 0.4 s without it (benchmarks/RESULTS.md, "JIT"). work_mem: those grouped joins hash in memory instead of
# sorting 100,000 rows to disk. DATABASE_SESSION_OPTIONS="" leaves the server's own settings.
DATABASE_SESSION_OPTIONS = env("DATABASE_SESSION_OPTIONS", default="-c jit=off -c work_mem=32MB")


def with_session_options(databases: dict) -> dict:
    for db in databases.values():
        if db["ENGINE"].endswith("postgresql") and DATABASE_SESSION_OPTIONS:
            db.setdefault("OPTIONS", {}).setdefault("options", DATABASE_SESSION_OPTIONS)
    return databases


with_session_options(DATABASES)
DATABASE_ROUTERS = ["config.db_routers.RealmRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after 30 minutes idle and 12 hours at most (accounts.middleware).
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# last_activity is written at most once per interval per user, never on every request.
LAST_ACTIVITY_WRITE_INTERVAL = timedelta(minutes=5)
# Licences are checked on every request of a tool (licensing.middleware, the API permission);
# the test settings switch it off for the other apps' tests, the licensing tests on.
LICENCE_ENFORCEMENT = True

# django-axes: lock after 5 failures, for a while.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Lock the account, not the address: municipalities sit behind shared proxies, and an IP lockout
# would block a whole town hall for one colleague's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Axes records the client address by the same trusted-proxy rule as the audit trail.
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"

# --- Proxies -------------------------------------------------------------------------------------
# Addresses or networks (CIDR) of the reverse proxies in front of the application, comma-separated,
# e.g. "172.16.0.0/12,10.0.0.7". Only a request whose TCP peer is one of them may tell us the
# client's address (X-Forwarded-For) and a request id (X-Request-ID); from anyone else those
# headers are ignored. Default: none (the application is reached directly). See docs/OPERATIONS.md.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:  # refuse to start on a typo rather than trust nobody (or everybody)
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_exc}") from _exc

# django-otp. The admin never shows a device's secret (key, QR code) after enrolment.
OTP_TOTP_ISSUER = "HVT-CRT Vlaanderen"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Where a view that needs a verified second factor sends a user who has not passed it (core.access).
OTP_VERIFY_URL_NAME = "accounts:otp"

# Links sent by e-mail (password reset, second-factor enrolment) are single-use and expire.
PASSWORD_RESET_TIMEOUT = int(timedelta(hours=env.int("PASSWORD_RESET_HOURS", default=72)).total_seconds())
# The address in those links. Empty: the host of the request (validated against ALLOWED_HOSTS).
SITE_URL = env("SITE_URL", default="")

# django-guardian: scope permissions live on geo objects; no anonymous user needed.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

# --- I18n --------------------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One Belgian-Dutch way of writing dates (30-11-2026) on every page (config/formats/<lang>/formats.py);
# numbers, percentages and amounts go through core.formatting.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static ------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# django-import-export lets any staff user import unless this is set: importing needs "add" on the model.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"

# --- Imports (core.uploads): refused before parsing when a file passes these (docs/OPERATIONS.md) ---------
# 5 MB holds 20,000 place rows as CSV (75–150 bytes a row: 1.5–3 MB) or xlsx (~1 MB); the Statbel
# population file is 20 kB. The upload view refuses a larger request from its Content-Length.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
# Data rows per file: twice the places of Flanders at scale 1 (10,000), and a check-and-import of that
# size stays well inside the task's time limit. A national rollout imports in several files.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=50)  # places need 14, population 5
# xlsx is a zip: its directory is read before openpyxl opens it. A 20,000-row place sheet unpacks to
# ~13 MB; ordinary sheets pack 5–20 : 1, zip bombs 1,000 : 1 (Apache POI refuses above 100 : 1 too).
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=50 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
IMPORT_MAX_ZIP_ENTRIES = env.int("IMPORT_MAX_ZIP_ENTRIES", default=1000)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Strict CSP: nothing inline, nothing from a CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Redis, cache, Celery ----------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # The web keeps serving when Redis is down: short timeouts, errors are not fatal.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Embedded default: tasks run in process. Unit tests keep this on; end-to-end tests run a real
# worker and beat with it off.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every dotted path here is imported by a test. Each app adds its jobs in its own module
# (<app>/schedule.py, BEAT_SCHEDULE); core.beat collects them.
CELERY_BEAT_SCHEDULE: dict = {}

# --- REST API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ActivityTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Bodies are JSON, as the schema says (a form body is a 415): no form coercions, no "absent
    # checkbox means false" for a required boolean.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    # Every operation documents its error responses (400/401/403/404, 415 with a body).
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ApiAutoSchema",
    "DEFAULT_FILTER_BACKENDS": [],
}
# API tokens (django-rest-knox): stored as a hash, shown once when created, expire after
# API_TOKEN_TTL_DAYS (docs/OPERATIONS.md). Deactivating a user deletes them.
API_TOKEN_TTL = timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=90))
if API_TOKEN_TTL <= timedelta(0):
    raise ValueError("API_TOKEN_TTL_DAYS must be positive: API tokens always expire")
REST_KNOX = {
    "TOKEN_TTL": API_TOKEN_TTL,
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HVT API",
    "DESCRIPTION": "Huisvestingstool Vlaanderen – API voor gemeentelijke systemen.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- CRT secrets ----------------------------------------------------------------------------------
# CRT_ENCRYPTION_KEYS: "version:base64key,version:base64key" (newest = highest version).
# The development defaults are public and only for the embedded default and tests.
CRT_ENCRYPTION_KEYS = env(
    "CRT_ENCRYPTION_KEYS", default="1:ZGV2LW9ubHktY3J0LWtleS0xLTMyLWJ5dGVzLWxvbmc="
)
CRT_BLIND_INDEX_KEY = env("CRT_BLIND_INDEX_KEY", default="ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LTMyYnl0ZXM=")
CRT_NATIONAL_REGISTER_ENDPOINT = env("CRT_NATIONAL_REGISTER_ENDPOINT", default="simulator://")
# Days after a dossier is closed before the daily job anonymises it (crt/README.md, "Operations").
CRT_RETENTION_DAYS = env.int("CRT_RETENTION_DAYS", default=5 * 365)
if CRT_RETENTION_DAYS <= 0:
    raise ValueError("CRT_RETENTION_DAYS must be positive: closed dossiers are kept that many days")

# --- Mail ------------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@hvt.vlaanderen.example")
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))

# --- Demo ------------------------------------------------------------------------------------------
DEMO_PASSWORD = env("DEMO_PASSWORD", default="Oekraine-2022-demo")
# RFC 6238 test secret ("12345678901234567890"), base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ.
DEMO_TOTP_HEX_KEY = "3132333435363738393031323334353637383930"

REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The debtor of the subsidy payment file (SEPA pain.001.001.03). Demo defaults: a made-up account with
# valid check digits (not a real account of the Flemish government); set them in production.
SUBSIDY_DEBTOR_NAME = env("SUBSIDY_DEBTOR_NAME", default="Vlaamse overheid (DEMO)")
SUBSIDY_DEBTOR_IBAN = env("SUBSIDY_DEBTOR_IBAN", default="BE05068123456775")
SUBSIDY_DEBTOR_BIC = env("SUBSIDY_DEBTOR_BIC", default="GKCCBEBB")
# The SEPA payment file refuses payees marked as demo data (``Payee.is_demo``) unless this allows
# them: True in local and test settings, always False in production.
SUBSIDY_ALLOW_DEMO_PAYEES = env.bool("SUBSIDY_ALLOW_DEMO_PAYEES", default=False)
