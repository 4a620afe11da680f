"""Settings for the framework-comparison site, read from the environment.

Every variable is listed in the README. A value that cannot be parsed stops the
process at start, naming the variable, rather than running with a guess.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from frameworks import weighing  # pure Python: the defaults and rules of the recency decay

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from None


def env_rate(name: str, default: str) -> str:
    """A throttle rate such as 30/minute (per second, minute, hour or day)."""
    raw = os.environ.get(name, default).strip()
    if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", raw):
        raise ImproperlyConfigured(f"{name} must be a rate such as 30/minute or 1000/day, not {raw!r}.")
    return raw


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (export SECRET_KEY=<a long random string>)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
# Origins allowed to post forms when a proxy changes the host or scheme, e.g. https://example.org.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Security. The site is served over HTTPS unless DEBUG is on or HTTPS=false (a local `make serve`).
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Probes call the app server directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
# Scripts never read the CSRF cookie: forms carry the token, and so does the preview's FormData.
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Reverse proxies in front of the app (0: clients connect directly). With N, the client's address
# is the Nth entry from the right of X-Forwarded-For, the one the outermost trusted proxy saw, so a
# forged header cannot change it; and X-Forwarded-Proto says whether the visitor used HTTPS.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Nothing inline: every script and style is a file of ours. JSON-LD and json_script blocks are
# data, which the browser does not run. The API docs use a template of ours (compare_site/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Powerful browser features the site never uses, switched off for it and anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
        "microphone", "payment", "usb",
    )
}  # fmt: skip

# Admin logins: after AXES_FAILURE_LIMIT failures for one username, or from one address, further
# attempts are refused for AXES_COOLOFF_MINUTES, before any password is hashed. The lockout always
# ends, and failing again while locked does not extend it. A successful login clears nothing: it
# would clear every failure from its address too, so one account of one's own would reset the count.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "infrastructure.client_address.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before hashing
    "django.contrib.auth.backends.ModelBackend",
]

# How old a claim's date may be before it is labelled stale and editors are told to look again.
STALE_AFTER_DAYS = env_int("STALE_AFTER_DAYS", 730, minimum=1)

# How a claim's weight decays with age (frameworks/weighing.py has the defaults and the rules).
EVIDENCE_HALF_LIFE_YEARS = env_float("EVIDENCE_HALF_LIFE_YEARS", weighing.HALF_LIFE_YEARS)
EVIDENCE_RECENCY_FLOOR = env_float("EVIDENCE_RECENCY_FLOOR", weighing.RECENCY_FLOOR)
try:
    weighing.Recency(EVIDENCE_HALF_LIFE_YEARS, EVIDENCE_RECENCY_FLOOR)
except ValueError as error:
    raise ImproperlyConfigured(f"EVIDENCE_HALF_LIFE_YEARS / EVIDENCE_RECENCY_FLOOR: {error}") from None

# Show the benchmark's generated data (manage.py seed_synthetic) on pages and in the API.
INCLUDE_SYNTHETIC_DATA = env_bool("INCLUDE_SYNTHETIC_DATA", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "infrastructure",
    "criteria",
    "frameworks",
    "recommender",
    "snippets",
    "dataset",
    # Keeps the migrations that first created the version and rate-limit tables; it has no models.
    "compare_site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "infrastructure.middleware.refuse_malformed_input",
    # Before CommonMiddleware's host check: probes by address answer whatever the Host.
    "infrastructure.middleware.answer_probes",
    "infrastructure.middleware.DatabaseUnavailable",
    "infrastructure.middleware.data_versions_from_memory",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "compare_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "compare_site.wsgi.application"


# Connections are kept between requests (checked before reuse), not opened for each one: on a
# one-row page that alone took throughput from about 200 to 1,950 requests/s. 0 closes each time.
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 600)


# SQLite as Django's documentation advises for a site: write-ahead logging, so readers never wait
# for a writer and a commit needs no fsync of its own (synchronous=NORMAL: a power cut may lose the
# last commits, never the database), and IMMEDIATE transactions, so that concurrent writers queue
# for the lock (the driver waits up to 5 s) instead of failing with "database is locked". A commit took about
# 20 ms here in the default rollback-journal mode, as each one waited for the disk.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
}


def _database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    reuse = {"CONN_MAX_AGE": DB_CONN_MAX_AGE, "CONN_HEALTH_CHECKS": True}
    if not url:
        url = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    try:
        config = dj_database_url.parse(
            url, conn_max_age=reuse["CONN_MAX_AGE"], conn_health_checks=reuse["CONN_HEALTH_CHECKS"]
        )
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {error}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"DATABASE_URL names an unknown database scheme: {url!r}.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    return config


DATABASES = {"default": _database_from_env()}

# On PostgreSQL each process listens for the version triggers' NOTIFY and keeps the data versions in
# memory, so a cached page needs no database round trip (infrastructure/version_listener.py). Off
# behind a pooler in transaction mode (PgBouncer), which cannot hold a LISTEN: versions are then
# read from the database on each request, as on SQLite. After a lost connection, the listener
# tries again every VERSION_LISTENER_RETRY_SECONDS; readers ask the database meanwhile.
VERSION_LISTENER = env_bool("VERSION_LISTENER", True)
VERSION_LISTENER_RETRY_SECONDS = env_float("VERSION_LISTENER_RETRY_SECONDS", 1.0)


def _cache_from_env() -> dict:
    url = os.environ.get("REDIS_URL", "").strip()
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"REDIS_URL must start with redis://, rediss:// or unix://, not {url!r}.")
    # An unreachable Redis leaves the site serving uncached; short timeouts bound what a hung one costs.
    return {
        "BACKEND": "infrastructure.cache_backends.TolerantRedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
    }


CACHES = {"default": _cache_from_env()}

# Hot answers each process keeps in front of that cache (infrastructure/hot_cache.py), in bytes of
# answer: a hit costs no round trip to Redis. Per worker process; 0 keeps none.
HOT_CACHE_BYTES = env_int("HOT_CACHE_BYTES", 32 * 1024 * 1024)

# Where rate-limit counters live (infrastructure/rate_limit.py): in Redis when there is one, else in
# the database. Never in the local-memory cache, which each worker process keeps for itself.
RATE_LIMIT_STORE = "cache" if os.environ.get("REDIS_URL", "").strip() else "database"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Posting answers computes and stores a verdict, a problem report stores a row: an anonymous client
# gets this many posts, through the API and the forms together (infrastructure/rate_limit.py).
ANONYMOUS_POST_RATE = env_rate("API_ANONYMOUS_POST_RATE", "30/minute")

# The REST API. Anonymous clients read; editors write with a token or their admin session.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024, minimum=1024)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_PARSER_CLASSES": ["infrastructure.api_support.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "infrastructure.api_support.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "infrastructure.api_schema.ErrorListingSchema",
    "EXCEPTION_HANDLER": "infrastructure.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Framework chooser API",
    "DESCRIPTION": "The evidence (frameworks, criteria, sources, claims) and verdicts as JSON.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "FrameworkKindEnum": "frameworks.models.Framework.Kind",
        "SourceKindEnum": "frameworks.models.Source.Kind",
        # Claims and snippets share the review workflow's statuses (frameworks/models/review.py).
        "ReviewStatusEnum": "frameworks.models.Reviewed.Status",
        "RunOutcomeEnum": "snippets.models.VerificationRun.Outcome",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_traceback": {"()": "infrastructure.log_filters.WithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # A request for a host the site does not serve gets 400: one line each, no traceback.
        "django.security.DisallowedHost": {"filters": ["without_traceback"], "level": "WARNING"},
    },
}
