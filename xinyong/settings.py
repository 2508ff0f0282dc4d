"""Django settings for Xinyong.

Everything that differs between a laptop demo and a production install comes from the environment
(see README, "Configuration"); the defaults are the safe ones: debug off, no built-in secret.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("XINYONG_DATA_DIR") or Path.home() / ".local" / "share" / "xinyong").expanduser()


def _secret_key() -> str:
    """XINYONG_SECRET_KEY, or a random key generated once per installation in the data directory.

    There is deliberately no key in the code: a shared default would let anyone forge sessions and
    decrypt personal data of every installation.
    """
    configured = os.environ.get("XINYONG_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret.key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Secret keys this one replaced, newest first (comma-separated): sessions, personal data encrypted under
# keys derived from them and check signatures made under them stay readable (docs/security.md, keys).
SECRET_KEY_FALLBACKS = [k.strip() for k in os.environ.get("XINYONG_SECRET_KEY_FALLBACKS", "").split(",") if k.strip()]
DEBUG = _env_flag("XINYONG_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("XINYONG_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
if os.environ.get("XINYONG_TESTING"):
    ALLOWED_HOSTS.append("testserver")

INSTALLED_APPS = [
    "xinyong.admin_apps.XinyongAdminConfig",  # django.contrib.admin with the project's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "xinyong.admin_apps.TasksConfig",  # django_tasks_db
    "xinyong.core",
    "xinyong.accounts",
    "xinyong.audit",
    "xinyong.notices",
    "xinyong.subjects",
    "xinyong.catalog",
    "xinyong.records",
    "xinyong.selfreports",
    "xinyong.lists",
    "xinyong.measures",
    "xinyong.checks",
    "xinyong.rights",
    "xinyong.supervision",
    "xinyong.integrity",
    "xinyong.federation",
    "xinyong.stats",
    "xinyong.demo",  # the `demo` command and its data
    "xinyong.portal",
    "xinyong.desk",
    "xinyong.my",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "xinyong.urls"
WSGI_APPLICATION = "xinyong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide overrides of other apps' templates (the admin's home page), found before theirs.
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


def _database() -> dict:
    url = os.environ.get("XINYONG_DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        # pytest-xdist workers each get their own test database derived from this name.
        config.setdefault("TEST", {})
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "xinyong.sqlite3",
        "OPTIONS": {
            # WAL lets the portal read while an import writes; IMMEDIATE avoids the
            # "database is locked" upgrade deadlock between two writers.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Project wording of Django's own form messages (xinyong/locale), read before Django's translations.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = None  # nothing to collect: WhiteNoise serves from the apps (below)
# Serve straight from the apps' static folders: no collectstatic step for a county install,
# and every asset (Swagger UI included) comes from this server, never a CDN.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Security headers (architecture §7).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_flag("XINYONG_HTTPS")
CSRF_COOKIE_SECURE = _env_flag("XINYONG_HTTPS")

# Personal ID numbers: encrypted with the first of these keys, decrypted with any (key rotation:
# prepend a new key, run `xinyong rotate-keys`, then drop the old one). Lookup uses a keyed hash.
XINYONG_FIELD_KEYS = [k for k in os.environ.get("XINYONG_FIELD_KEYS", "").split(",") if k.strip()]
XINYONG_LOOKUP_KEY = os.environ.get("XINYONG_LOOKUP_KEY", "")
# Keys that sign stored check answers, newest first (comma-separated): the first signs, all verify, and so
# do the secret keys; set, signatures no longer depend on the secret key (docs/design/keys.md).
XINYONG_CHECK_SIGNING_KEYS = [
    k.strip() for k in os.environ.get("XINYONG_CHECK_SIGNING_KEYS", "").split(",") if k.strip()
]
# Shared by the two platforms of a federation link: personal ID numbers cross only sealed under it
# (xinyong/federation/sealing.py); unset, persons' records and entries do not cross.
XINYONG_FEDERATION_KEY = os.environ.get("XINYONG_FEDERATION_KEY", "")

# Bulk imports (xinyong/records/imports/): the upload limit (XINYONG_IMPORT_MAX_MB megabytes; 413
# above), rows per batch, and helper processes preparing rows of large files (0: the importing process
# prepares them itself; unset: one per core, at most 2).
XINYONG_IMPORT_MAX_BYTES = int(os.environ.get("XINYONG_IMPORT_MAX_MB") or "200") * 1024 * 1024
XINYONG_IMPORT_BATCH_ROWS = int(os.environ.get("XINYONG_IMPORT_BATCH_ROWS") or "5000")
_import_workers = os.environ.get("XINYONG_IMPORT_WORKERS", "").strip()
XINYONG_IMPORT_WORKERS = max(0, int(_import_workers)) if _import_workers else min(2, os.cpu_count() or 1)

# Federation (xinyong/federation/): the NATS JetStream server of the exchange with upper and lower
# platforms (empty: federation off, the daily publish job skips) and this platform's region code in
# stream and subject names.
XINYONG_NATS_URL = os.environ.get("XINYONG_NATS_URL", "")
XINYONG_REGION = os.environ.get("XINYONG_REGION") or "local"

# API tokens expire after this many days unless created with another lifetime.
XINYONG_TOKEN_DAYS = int(os.environ.get("XINYONG_TOKEN_DAYS", "365"))

# How stale another process's list change may be in this process's check snapshot, at most.
XINYONG_SNAPSHOT_MAX_AGE_MS = int(os.environ.get("XINYONG_SNAPSHOT_MAX_AGE_MS", "1000"))

# Check rows are written at most this many milliseconds behind their answer, many in one commit
# (xinyong/checks/writer.py says what that trades); 0 stores every check before answering it.
XINYONG_CHECK_WRITE_DELAY_MS = int(os.environ.get("XINYONG_CHECK_WRITE_DELAY_MS", "50"))

# Subjects found after a process loaded its subject directory are kept beside it; past this many the
# directory is loaded afresh in the background (~5 s and ~140 MB more for a moment at 1,000,000 subjects).
XINYONG_DIRECTORY_OVERLAY_MAX = int(os.environ.get("XINYONG_DIRECTORY_OVERLAY_MAX", "100000"))

# How long a process trusts a bearer token it has looked up. Revocation, deactivation and role changes
# reach the process that made them at once and every other process within this many seconds.
XINYONG_TOKEN_CACHE_SECONDS = int(os.environ.get("XINYONG_TOKEN_CACHE_SECONDS", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "xinyong.core.logs.JsonFormatter"},
    },
    # XINYONG_LOG_FORMAT=json: one JSON object per line, for log collectors.
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": os.environ.get("XINYONG_LOG_FORMAT", "plain")}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("XINYONG_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# ------------------------------------------------------------------------------------------------
# Public portal protection (issue 7; R23–R25, architecture §7): cache, rate limits, CSP, uploads.
# ------------------------------------------------------------------------------------------------
# Rate-limit counters live in this cache. locmem is per process: with `xinyong serve --workers N`
# each process counts on its own (N × the rate); point XINYONG_CACHE_BACKEND/LOCATION at a shared
# cache (e.g. django.core.cache.backends.redis.RedisCache + URL) for one count across processes.
CACHES = {
    "default": {
        "BACKEND": os.environ.get("XINYONG_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("XINYONG_CACHE_LOCATION", "xinyong"),
    }
}
# Per client address: "N/s", "N/min", "N/hour" or "N/day".
XINYONG_RATE_SEARCH = os.environ.get("XINYONG_RATE_SEARCH", "60/min")  # portal search, suggestions
XINYONG_RATE_PAGES = os.environ.get("XINYONG_RATE_PAGES", "240/min")  # other portal pages
XINYONG_RATE_REPORTS = os.environ.get("XINYONG_RATE_REPORTS", "20/min")  # credit reports issued
XINYONG_RATE_VERIFY = os.environ.get("XINYONG_RATE_VERIFY", "60/min")  # report verification, tracking
XINYONG_RATE_SUBMIT = os.environ.get("XINYONG_RATE_SUBMIT", "10/hour")  # dishonesty reports filed
# Credit reports: the platform name printed on them and the embedded Chinese font (Debian
# fonts-wqy-zenhei; scripts/system-packages.sh installs it). Validity days: core.Parameter
# `report_validity_days`, editable in the admin.
XINYONG_PLATFORM_NAME = os.environ.get("XINYONG_PLATFORM_NAME", "公共信用信息服务平台")
XINYONG_REPORT_FONT = os.environ.get("XINYONG_REPORT_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
# Dishonesty-report attachments (pdf/jpg/png only), stored under DATA_DIR/attachments/.
XINYONG_ATTACHMENT_MAX_BYTES = int(os.environ.get("XINYONG_ATTACHMENT_MAX_BYTES", str(5 * 1024 * 1024)))
XINYONG_ATTACHMENT_MAX_FILES = int(os.environ.get("XINYONG_ATTACHMENT_MAX_FILES", "5"))
# Only this server's own resources; data: images for the icons inside Swagger UI's stylesheet.
XINYONG_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
XINYONG_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"
MIDDLEWARE.insert(0, "xinyong.portal.middleware.PortalSecurityMiddleware")
# Base URL printed in credit reports' QR codes (e.g. https://credit.example.gov.cn); empty: the URL
# the request came in on.
XINYONG_PUBLIC_URL = os.environ.get("XINYONG_PUBLIC_URL", "").rstrip("/")

# Roles that may read public officials' integrity files (R31: personnel and discipline departments).
XINYONG_INTEGRITY_READER_ROLES = [
    r.strip() for r in os.environ.get("XINYONG_INTEGRITY_READER_ROLES", "personnel,discipline").split(",") if r.strip()
]

# 我的信用 (xinyong/my/): the identity check of a subject's registration, one callable taking a Claim and
# returning a Verdict (my/identity.py); a real 实名认证 service replaces the default here.
XINYONG_IDENTITY_CHECK = os.environ.get("XINYONG_IDENTITY_CHECK", "xinyong.my.identity.registered_representative")
# Notices to subjects by e-mail (Django's e-mail settings): sent only when a mail server is named.
EMAIL_HOST = os.environ.get("XINYONG_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("XINYONG_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("XINYONG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("XINYONG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("XINYONG_EMAIL_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("XINYONG_EMAIL_FROM", "noreply@localhost")

AUTHENTICATION_BACKENDS = ["xinyong.accounts.backends.ThrottledModelBackend"]
# Pages for people (architecture §4b): one sign-in; staff land on the workbench, subjects on 我的信用.
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:landing"
CSRF_FAILURE_VIEW = "xinyong.desk.errors.csrf_failure"
