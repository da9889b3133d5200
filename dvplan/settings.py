"""Settings, read from the environment (see ``.env.example``).

With no ``DATABASE_URL`` the site runs on a private PostgreSQL under ``.data/``
(a local machine by definition), and a random secret key is kept there too.
With ``DATABASE_URL`` set, the site is treated as deployed: it refuses to start
without ``DJANGO_SECRET_KEY``.

Two database roles (docs/deploying.md): the process that serves the web
(``dvplan/wsgi.py``, ``manage.py runserver``) connects with ``DATABASE_URL``,
whose role can only read; every other process (migrations, imports, fixtures,
the tests) connects with ``DATABASE_OWNER_URL``, the owner of the tables.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from dvplan.embedded_db import embedded_database, local_secret_key
from importers.limits import DEFAULTS as IMPORT_LIMIT_DEFAULTS

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DATA_DIR = Path(env.str("DVPLAN_DATA_DIR", default=str(BASE_DIR / ".data"))).resolve()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# Set by dvplan/wsgi.py and by `manage.py runserver`, before the settings load.
SERVES_WEB = env.bool("DVPLAN_SERVES_WEB", default=False)

EMBEDDED_DATABASE = "DATABASE_URL" not in env
if EMBEDDED_DATABASE:
    _embedded = embedded_database(DATA_DIR)
    WEB_DATABASE = env.db_url_config(_embedded.reader_url)
    OWNER_DATABASE = env.db_url_config(_embedded.owner_url)
else:
    WEB_DATABASE = env.db("DATABASE_URL")
    OWNER_DATABASE = (
        env.db("DATABASE_OWNER_URL") if "DATABASE_OWNER_URL" in env else dict(WEB_DATABASE)
    )
DATABASES = {"default": dict(WEB_DATABASE if SERVES_WEB else OWNER_DATABASE)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# An unreachable server answers 503 within seconds rather than holding a worker;
# a connect_timeout in the URL's query string wins.
DATABASES["default"]["OPTIONS"] = {"connect_timeout": 5, **DATABASES["default"].get("OPTIONS", {})}

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not EMBEDDED_DATABASE:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. A site with DATABASE_URL is treated as deployed "
            "and needs its own secret key (see .env.example)."
        )
    SECRET_KEY = local_secret_key(DATA_DIR)

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    # Not "rest_framework": its app holds the browsable API's templates and
    # static files, which this JSON-only API does not use.
    "drf_spectacular",
    "reports",
    "importers",
    "dvplan",
]

# dvplan/middleware.py says why each of its own sits where it does.
MIDDLEWARE = [
    "dvplan.middleware.SecurityHeadersMiddleware",
    "dvplan.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "dvplan.page_cache.PageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dvplan.middleware.DatabaseUnavailableMiddleware",
]
# No CSRF middleware, on purpose: nothing here changes state on a request and
# the site sets no cookie (docs/safety.md), so there is nothing to forge, and
# the middleware would only add machinery. `check --deploy` would warn of it.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

ROOT_URLCONF = "dvplan.urls"
WSGI_APPLICATION = "dvplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "reports.context_processors.site_safety",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The JSON API (reports/api.py, where its base view sets the pagination, the
# error bodies and JSON whatever the Accept header): read-only JSON, no sessions
# or users, the OpenAPI document generated from the views (reports/openapi.py).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_SCHEMA_CLASS": "reports.openapi.ApiSchema",
    # json.dumps' default separators (", ", ": "), as the JSON downloads use.
    "COMPACT_JSON": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "計画の実施状況 API",
    "DESCRIPTION": "自治体の基本計画と事業ごとの年度実施状況（読み取り専用）。"
    "A read-only API for a city's basic plan and the yearly status of its projects.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Readers may be in danger: nothing about their visit leaves the page.
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Everything comes from this site: no inline script or style, no third parties.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Behind TLS (docs/deploying.md): the proxy says which scheme the reader used, and
# HTTPS is enforced. All off by default, for a site served over plain HTTP locally.
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

# The quick-exit link's destination: a neutral page that says nothing about this site.
QUICK_EXIT_URL = env.str("QUICK_EXIT_URL", default="https://www.google.com/")
# Consultation hotlines for the footer (data, not templates).
HOTLINES_FILE = BASE_DIR / "fixtures" / "hotlines.toml"
# Reviewed search synonyms: words readers type and what the tables write.
SYNONYMS_FILE = BASE_DIR / "fixtures" / "synonyms.toml"
# The licence under which the published data is offered again.
DATA_LICENCE = {
    "name": env.str(
        "DATA_LICENCE_NAME", default="クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）"
    ),
    "url": env.str(
        "DATA_LICENCE_URL", default="https://creativecommons.org/licenses/by/4.0/deed.ja"
    ),
}

# The shared cache of pages and of the data version (reports/dataversion.py,
# docs/caching.md): a directory of files by default, which every gunicorn
# worker on the machine shares with no extra service; Redis (or any cache
# django-environ parses) with CACHE_URL, e.g. redis://127.0.0.1:6379/0.
CACHES = {"default": env.cache_url("CACHE_URL", default=f"filecache://{DATA_DIR / 'cache'}")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache":
    # The same, without compressing each entry (dvplan/cache.py says why).
    CACHES["default"]["BACKEND"] = "dvplan.cache.FileCache"
    # Django's default of 300 files would evict pages long before the next import.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20000)
# How long a page (keyed by the data version) stays in the cache; an import
# makes every entry unreachable at once, so this only bounds the cache's size.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=24 * 3600)
# Responses larger than this are computed each time rather than cached.
PAGE_CACHE_MAX_BYTES = env.int("PAGE_CACHE_MAX_BYTES", default=4 * 1024 * 1024)
# Every writer publishes the new data version when it commits; a write made by
# hand, outside the importers, is seen after at most this long.
DATA_VERSION_RECHECK_SECONDS = env.int("DATA_VERSION_RECHECK_SECONDS", default=30)
# How long a shared cache (a CDN) may serve a response without asking again
# (CDN-Cache-Control and s-maxage): purge it after each import (docs/caching.md).
CDN_MAX_AGE_SECONDS = env.int("CDN_MAX_AGE_SECONDS", default=24 * 3600)
# The whole-dataset downloads, written after each import commits (reports/downloads.py).
DOWNLOADS_DIR = Path(env.str("DOWNLOADS_DIR", default=str(DATA_DIR / "downloads"))).resolve()
# A filtered .xlsx with more rows than this is not built on request: the
# reader is pointed at the CSV (openpyxl writes about 3,000 rows a second).
EXPORT_XLSX_ROW_LIMIT = env.int("EXPORT_XLSX_ROW_LIMIT", default=5000)

# Limits on an import file (importers/limits.py, docs/importing.md): far above a
# real table (a year's is 60–1,000 rows, a few hundred characters a cell), so that
# only a hostile or broken file meets them, and is refused at once.
IMPORT_LIMITS = {
    name: env.int(name, default=value) for name, value in IMPORT_LIMIT_DEFAULTS.items()
}

# One line per event. A bad Host header (a scan, or a misdirected client) is
# logged without its traceback, so the log cannot be flooded on demand. No log
# line holds a query string: Django names requests by their path.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_traceback": {"()": "dvplan.logs.WithoutTraceback"}},
    "formatters": {"line": {"format": "{levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "line"},
        "console_one_line": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["without_traceback"],
        },
    },
    "loggers": {
        "django.security": {"handlers": ["console_one_line"], "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}
