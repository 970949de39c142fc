"""Settings, all read from the environment.

Unset variables give the embedded default: SQLite in the project folder, Celery on a
filesystem broker (a worker beside the web server, started by `make run`), local-memory cache.
`DJANGO_ENV=production` turns on the deploy checks.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from readinggroup.email_url import parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "papers",
    "sessions.apps.ScheduleConfig",
    "accounts",
    "planner",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # An anonymous visitor's cached page or 304 returns here, before everything else (the
    # page with the headers the middleware below gave it when it was rendered).
    "sessions.caching.EarlyPageCacheMiddleware",
    # Above the page cache too: cached pages and 304s carry these headers.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the page cache: its hits and 304s return through these (they add headers only).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Above the page cache, which keys cached pages on the language this activates (from the
    # language cookie or Accept-Language; nothing here needs the session).
    "django.middleware.locale.LocaleMiddleware",
    # Anonymous cache hits and 304s return here, before the session/auth/messages work.
    "sessions.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "readinggroup.urls"
WSGI_APPLICATION = "readinggroup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "readinggroup.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
# Seconds. A request never hangs on the database: an address that accepts and never answers
# fails after DB_CONNECT_TIMEOUT, PostgreSQL cancels a statement after DB_STATEMENT_TIMEOUT,
# and a SQLite writer waits at most SQLITE_BUSY_TIMEOUT for the write lock.
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
DB_STATEMENT_TIMEOUT = float(os.environ.get("DB_STATEMENT_TIMEOUT", "30"))
SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", "20"))
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # Many writers, one file: WAL lets readers go on beside the writer; IMMEDIATE takes the
        # write lock when a transaction begins, so a writer waits its turn (busy timeout)
        # instead of failing with "database is locked" when its read lock cannot be upgraded.
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **_db.get("OPTIONS", {}),
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["OPTIONS"] = {
        "connect_timeout": DB_CONNECT_TIMEOUT,
        "options": f"-c statement_timeout={int(DB_STATEMENT_TIMEOUT * 1000)}",
        **_db.get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "rg"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account from
# one address, that pair is refused (even with the right password) for AXES_COOLOFF_MINUTES or
# until an organiser deletes the attempt in the admin ("Access attempts"). AXES_LOCKOUT_BY
# "username+ip_address" locks the pair; "username,ip_address" each on its own.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [
    group.split("+") for group in env_list("AXES_LOCKOUT_BY", "username+ip_address")
]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
# Behind a reverse proxy that sets X-Forwarded-For, set AXES_IPWARE_PROXY_COUNT to its hops.
if os.environ.get("AXES_IPWARE_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["AXES_IPWARE_PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# English and Simplified Chinese; the browser's Accept-Language picks one until the visitor
# chooses in the header (Django's set_language view, remembered in the language cookie).
# `make messages` refreshes locale/ and compiles it (the .mo files are committed).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Per-language date formats (readinggroup/formats/<lang>/formats.py) for the `date` filter.
FORMAT_MODULE_PATH = ["readinggroup.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Mail: EMAIL_URL (readinggroup/email_url.py), else EMAIL_HOST and its friends, else the
# console (the embedded default: `make run` prints every mail). Mails are sent by the worker.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "30"))
if os.environ.get("EMAIL_URL"):
    globals().update(parse_email_url(os.environ["EMAIL_URL"]))
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "reading-group@localhost")
# Django's own code that mails inside a request (the password reset form, accounts.forms)
# sends through this backend: it writes an outbox row and queues the worker's task, which
# delivers through EMAIL_BACKEND. A setting, so accounts need not import notifications.
QUEUED_EMAIL_BACKEND = "notifications.backends.OutboxBackend"
# Where links in mails point (mails are written by the worker, outside any request).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Days before a session its presenters are reminded (the day after, the lead gets asked
# for the video and summary links).
REMINDER_DAYS = [int(day) for day in env_list("REMINDER_DAYS", "7,1")]

# Celery. With REDIS_URL, Redis is the broker and result store. Without it (the embedded
# default) the broker is kombu's filesystem transport: messages are files in CELERY_DATA_DIR,
# so the web server and the worker `make run` starts beside it share a queue with no server to
# run. It is part of kombu (no extra dependency) and supports what the worker needs (direct
# queues, fanout for control/ping); one worker on one machine is all it is meant for.
CELERY_DATA_DIR = Path(os.environ.get("CELERY_DATA_DIR", BASE_DIR / ".celery"))
CELERY_RESULT_BACKEND: str | None
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = None
    _queue_folder = CELERY_DATA_DIR / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_folder),
        "data_folder_out": str(_queue_folder),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "polling_interval": 0.5,
    }
    for _folder in (_queue_folder, CELERY_DATA_DIR / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
# Publishing must fail fast when the broker is down: a request that queues a task waits at
# most about BROKER_PUBLISH_TIMEOUT seconds, then the caller records "not queued" and the
# periodic refresh sends it again (papers.services.enqueue_fetch). Celery's defaults retry a
# publish for ~20 s. The worker itself keeps retrying its connection for ever.
BROKER_PUBLISH_TIMEOUT = float(os.environ.get("BROKER_PUBLISH_TIMEOUT", "2"))
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_PUBLISH_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": BROKER_PUBLISH_TIMEOUT,
        # A Redis that accepts and never answers; above the worker's 1 s BRPOP poll.
        "socket_timeout": 3,
        "max_retries": 1,
        # Acked-late tasks a dead worker held come back after this long (seconds); it must
        # exceed the longest task (an arXiv batch with its backoff, a slides job: minutes).
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "1800")),
    }
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": BROKER_PUBLISH_TIMEOUT,
        "socket_timeout": 3,
    }
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_PUBLISH_TIMEOUT
    CELERY_REDIS_SOCKET_TIMEOUT = 3
    CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 30
# No caller reads a task's return value: storing none keeps a publish to one connection.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DATA_DIR / "beat-schedule")
# Tasks go to the worker on every setup; tests that need a task to run turn this on.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it finished, and given back to the broker when its worker dies
# mid-task (killed, out of memory), so another worker runs it: tasks are written to be re-run.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Fills in never-fetched papers, retries failed ones with backoff, refreshes stale ones.
    "refresh-arxiv-metadata": {
        "task": "papers.tasks.refresh_arxiv_metadata",
        # Cheap when nothing is due; also re-sends fetches the broker lost or refused.
        "schedule": float(os.environ.get("ARXIV_REFRESH_EVERY", "300")),
    },
    # Reminders before and after sessions, once a day (each mail is written once, so a
    # restart or a second run the same day sends nothing twice).
    "send-reminders": {
        "task": "notifications.tasks.send_reminders",
        "schedule": crontab(hour=int(os.environ.get("REMINDER_HOUR", "8")), minute=0),
    },
    # Slides uploads the broker refused, or whose task was lost, are sent again.
    "requeue-waiting-slides": {
        "task": "sessions.tasks.requeue_waiting_slides",
        "schedule": 300.0,
    },
    # Queued mails whose delivery task was lost (a broker restart) go out again.
    "requeue-lost-mail": {
        "task": "notifications.tasks.requeue_lost_mail",
        "schedule": 300.0,
    },
}

# The group's own knobs.
GROUP_NAME = os.environ.get("GROUP_NAME", "Systems Reading Group")
REGISTRATION_MODE = os.environ.get("REGISTRATION_MODE", "open")  # "open" or "invite"
MAX_SUPPORTERS = int(os.environ.get("MAX_SUPPORTERS", "3"))
SLIDES_MAX_BYTES = int(os.environ.get("SLIDES_MAX_BYTES", str(50 * 1024 * 1024)))
# What reading one upload may cost the slides task (never the request): pages, seconds of
# text extraction (what was read by then is kept), and seconds of the whole task (over it the
# file is refused).
SLIDES_MAX_PAGES = int(os.environ.get("SLIDES_MAX_PAGES", "500"))
SLIDES_TEXT_SECONDS = float(os.environ.get("SLIDES_TEXT_SECONDS", "5"))
SLIDES_TASK_SECONDS = int(os.environ.get("SLIDES_TASK_SECONDS", "60"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

ARXIV_API_URL = os.environ.get("ARXIV_API_URL", "https://export.arxiv.org/api/query")
ARXIV_BATCH_SIZE = int(os.environ.get("ARXIV_BATCH_SIZE", "100"))
ARXIV_MIN_INTERVAL = float(os.environ.get("ARXIV_MIN_INTERVAL", "3.0"))
ARXIV_TIMEOUT = float(os.environ.get("ARXIV_TIMEOUT", "30"))
# Transient failures (throttling, 5xx, timeouts, broken XML): attempts per request, and the
# exponential backoff between them (base doubles per attempt, capped, with jitter).
ARXIV_MAX_ATTEMPTS = int(os.environ.get("ARXIV_MAX_ATTEMPTS", "4"))
ARXIV_RETRY_BASE = float(os.environ.get("ARXIV_RETRY_BASE", "3.0"))
ARXIV_RETRY_MAX = float(os.environ.get("ARXIV_RETRY_MAX", "60"))
ARXIV_REFRESH_AFTER_DAYS = int(os.environ.get("ARXIV_REFRESH_AFTER_DAYS", "30"))
ARXIV_USER_AGENT = os.environ.get(
    "ARXIV_USER_AGENT", "readinggroup/0.1 (+https://github.com/; reading-group catalogue)"
)

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp 4): the site's own scripts, styles and fonts only. No
# inline script, inline style element or event-handler attribute runs: behaviour is in
# static/js as event listeners, and htmx is told (meta htmx-config in base.html) not to inject
# its indicator <style> nor eval anything. Images may also be data: URIs (htmx/admin icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): the site uses none of these browser features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_refusals": {"()": "readinggroup.logs.QuietRefusals"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["quiet_refusals"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Without its own handlers Django's logger would print each record twice in DEBUG (its
    # console handler, then the root's); its records go to the root's handlers only.
    "loggers": {"django": {"handlers": [], "level": os.environ.get("LOG_LEVEL", "INFO")}},
}
