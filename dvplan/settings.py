"""Settings, read from the environment (see ``.env.example``).

With no ``DATABASE_URL`` the site runs on a private PostgreSQL under ``.data/``
(a local machine by definition), and a random secret key is kept there too.
With ``DATABASE_URL`` set, the site is treated as deployed: it refuses to start
without ``DJANGO_SECRET_KEY``.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from dvplan.embedded_db import embedded_database_url, local_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

EMBEDDED_DATABASE = "DATABASE_URL" not in env
if EMBEDDED_DATABASE:
    DATABASES = {"default": env.db_url_config(embedded_database_url(DATA_DIR))}
else:
    DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False

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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dvplan.middleware.ContentSecurityPolicyMiddleware",
]

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
# The quick-exit link's destination: a neutral page that says nothing about this site.
QUICK_EXIT_URL = env.str("QUICK_EXIT_URL", default="https://www.google.com/")
# Consultation hotlines for the footer (data, not templates).
HOTLINES_FILE = BASE_DIR / "fixtures" / "hotlines.toml"
# The licence under which the published data is offered again.
DATA_LICENCE = {
    "name": env.str(
        "DATA_LICENCE_NAME", default="クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）"
    ),
    "url": env.str(
        "DATA_LICENCE_URL", default="https://creativecommons.org/licenses/by/4.0/deed.ja"
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}
