"""Settings shared by every environment. Environment-specific files import from here."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Local state (SQLite database, collected static files) lives here; git ignores it.
VAR_DIR = BASE_DIR / "var"

INSTALLED_APPS = [
    # modeltranslation must come before the admin so its admin classes patch in.
    "modeltranslation",
    # The admin whose site asks for the second factor (its `default_site`).
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Ours, each importing only from those above it (tests/test_architecture.py).
    "articles",
    "audit",
    "staff",
    "search",
    # Readers' answers to "Is this page useful?": stored, never published.
    "feedback",
    "reviews",
    "strings",
    "public",
    "operations",
    "rosetta",
    # Throttles password guessing on the staff login (django-axes).
    "axes",
    # Second factor for staff: authenticator-app codes and single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    # First: the request id, the request's metrics and its log line (operations/).
    "operations.middleware.RequestContext",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files get the headers too.
    "csp.middleware.CSPMiddleware",
    "healthsite.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages from the shared page cache, rendered once per publication; before
    # anything translates, it also picks up interface strings saved on any host.
    "healthsite.page_cache.PublicPageCache",
    # ETag and 304 answers for public pages, so a CDN or browser can revalidate cheaply.
    "django.middleware.http.ConditionalGetMiddleware",
    # Before sessions: the language comes from the URL, so cached public pages must not
    # vary on the session cookie.
    "django.middleware.locale.LocaleMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Credential changes name the signed-in person who made them (staff/credentials.py).
    "staff.credentials.ActingUser",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a refused (throttled) login into a 429 answer.
    "axes.middleware.AxesMiddleware",
]

# The `i18n` template library is replaced on purpose (TEMPLATES OPTIONS "libraries":
# strings.safe_i18n), which this check reports; tests/test_architecture.py checks that it
# is the only library name used twice.
SILENCED_SYSTEM_CHECKS = ["templates.W003"]

ROOT_URLCONF = "healthsite.urls"
WSGI_APPLICATION = "healthsite.wsgi.application"

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
                "public.context_processors.frame_originals",
                "public.context_processors.reader_country",
            ],
            # `{% load i18n %}` gets Django's tags with translated text escaped.
            "libraries": {"i18n": "strings.safe_i18n"},
        },
    },
]

# SQLite in var/ unless DATABASE_URL points elsewhere (e.g. postgres://user:pw@host/db).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue instead of failing: a transaction takes the write lock when it starts
    # (IMMEDIATE) and waits up to `timeout` seconds for it, so a second approver or an
    # editor's save waits for the first instead of getting "database is locked" (a 500).
    # WAL lets readers (the public pages) go on while someone writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation. PostgreSQL compiles a statement whose estimated cost passes
    # jit_above_cost; the site's statements are short, so compiling never pays: at +10,000
    # topics 8 of the public pages' 289 statements passed it (searches), each spending 35
    # to 50 ms compiling to run in 22 to 68 ms (docs/benchmarks.md). A startup option of
    # the connection; behind a pooler that drops those: ALTER DATABASE ... SET jit = off.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords, lockout, the second factor, fresh sign-ins, sessions (staff_access.py).
from .staff_access import *  # noqa: E402

# Languages: English is the source; every other list of languages derives from this one.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
# The admin's language tabs use jQuery UI (modeltranslation reads JQUERY_UI_URL), served
# from our static files (vendored from npm's jquery-ui 1.13.3, MIT), not from a CDN: no
# third-party request, and the CSP allows scripts from 'self' only.
JQUERY_UI_URL = "vendor/jquery-ui-1.13.3/jquery-ui.min.js"
# No silent fallback: a missing translation must stay missing, never show English
# text inside a page marked as another language.
MODELTRANSLATION_FALLBACK_LANGUAGES = ()

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Security headers on every response (headers.py).
from .headers import *  # noqa: E402

# Interface strings in the browser (django-rosetta): translators only, their languages.
ROSETTA_ACCESS_CONTROL_FUNCTION = "strings.rosetta_guards.can_edit_strings"
ROSETTA_LANGUAGES = [(code, name) for code, name in LANGUAGES if code != LANGUAGE_CODE]
# Session storage works across several gunicorn workers; the cache may be per process.
ROSETTA_STORAGE_CLASS = "rosetta.storage.SessionRosettaStorage"
ROSETTA_ENABLE_TRANSLATION_SUGGESTIONS = False
ROSETTA_SHOW_AT_ADMIN_PANEL = False
ROSETTA_EXCLUDED_APPLICATIONS = ()
# Said, not detected: without it rosetta finds out on every catalogue listing by creating
# a temporary file it never removes (an empty /tmp/tmp* file per language, each time).
ROSETTA_CASE_SENSITIVE_FILESYSTEM = True
# How often each worker looks for catalogues changed on disk.
CATALOGUE_CHECK_SECONDS = 1.0

# The cache shared by every worker and host: rendered public pages (healthsite.page_cache),
# the tokens of their tags (reviews.publication), the catalogue generation
# (strings.sharing). diskcache on one host (every worker of the host; SQLite
# indexed, so a store costs the same at 50 entries or 50,000, where Django's file cache
# lists its whole directory on each store; its connections kept open between requests,
# healthsite.cache_backends); Redis for several hosts.
if os.environ.get("DJANGO_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["DJANGO_REDIS_URL"],
            # A hung or unreachable Redis costs a request a fraction of a second: the
            # page is then rendered without it (healthsite.page_cache).
            "OPTIONS": {
                "socket_connect_timeout": float(
                    os.environ.get("DJANGO_REDIS_CONNECT_TIMEOUT", 0.2)
                ),
                "socket_timeout": float(os.environ.get("DJANGO_REDIS_TIMEOUT", 0.2)),
            },
        }
    }
    # The cache is on another server, which may come back with old data after an
    # outage: every request applies invalidations it has not seen (one indexed query).
    PAGE_CACHE_OUTBOX_CHECK_SECONDS = 0.0
else:
    CACHES = {
        "default": {
            "BACKEND": "healthsite.cache_backends.KeptOpenDiskCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR") or str(VAR_DIR / "cache"),
            "TIMEOUT": None,
            "SHARDS": 4,
            # A locked shard is a miss (the page is rendered), never a wait.
            "DATABASE_TIMEOUT": 0.1,
            "OPTIONS": {"size_limit": 2**30},
        }
    }
    # Written by this host only: a failed invalidation (a disk error) is caught up
    # within this many seconds, at one query per worker.
    PAGE_CACHE_OUTBOX_CHECK_SECONDS = 5.0
PAGE_CACHE_ALIAS = "default"
# The longest a page is kept; it is invalidated by tag when what it shows changes, and
# kept only until the day something it shows changes on a date.
PAGE_CACHE_SECONDS = 60 * 60 * 24
PAGE_CACHE_EXCLUDED_PREFIXES = ("/admin/", "/healthz/", "/static/")
# The only query parameters a public page reads; others (utm_source, ...) name no page
# of their own and create no cache entry.
# `country`: the reader's emergency numbers (public.emergency), one cached page per country.
# `p`: a sitemap file's page; `since` and the HL7 infobutton's names: partner API answers
# (public.partners), which are never stored but must reach the app as sent.
PAGE_CACHE_QUERY_PARAMETERS = (
    "q",
    "page",
    "page_size",
    "country",
    "p",
    "since",
    "mainSearchCriteria.v.c",
    "mainSearchCriteria.v.cs",
    "informationRecipient.languageCode.c",
    "knowledgeResponseType",
)
# One render per cold page: the others wait this long for it.
PAGE_CACHE_LOCK_SECONDS = 5
# While a page is rendered again after an approval, the HTTP cache in front keeps its
# previous copy this long before asking again; the renderer soft-purges the page there
# as soon as it has stored the new one (healthsite.page_cache.renderer).
PAGE_CACHE_STALE_SURROGATE_SECONDS = 1
# A page queued for the renderer this long ago is rendered by the next background fetch
# of the cache in front instead (healthsite.page_cache.renderer.overdue): under the stale
# copy's second there, so its second fetch after an approval gets the new page. None:
# always wait for the renderer. (A background fetch that finds a stale page not yet
# queued renders it at once.)
PAGE_CACHE_RENDER_PATIENCE_SECONDS = 0.9
PAGE_CACHE_WAIT_SECONDS = 2.0
# After a failed cache call, a worker renders without the cache for this long, twice as
# long after each further failure in a row, up to the maximum (healthsite.page_cache).
PAGE_CACHE_RETRY_SECONDS = 1.0
PAGE_CACHE_RETRY_MAX_SECONDS = 8.0
# How long the HTTP cache in front keeps a public page (Surrogate-Control; browsers keep
# it for the view's max-age): it is purged by tag on every approval and withdrawal.
SURROGATE_MAX_AGE = 60 * 60 * 24
# HTTP caches in front, sent a PURGE of the changed tags (xkey) on every approval and
# withdrawal (deploy/varnish/).
FRONTEND_CACHE_URLS = [
    url.strip() for url in os.environ.get("DJANGO_FRONTEND_CACHE_URLS", "").split(",") if url
]
FRONTEND_CACHE_TIMEOUT = float(os.environ.get("DJANGO_FRONTEND_CACHE_TIMEOUT", 2))
# ... and again this much later, for a page rendered before the change that reached the
# HTTP cache only after the first purge (reviews/publication.py).
FRONTEND_CACHE_REBAN_SECONDS = 2.0
# Applied invalidations are kept this long (longer than any page is cached).
INVALIDATIONS_KEPT_DAYS = 7


# Mail (mail.py).
from .mail import *  # noqa: E402

# An approved version is due for medical review again after this many days.
REVIEW_INTERVAL_DAYS = 365

# `seed_demo` creates users with known passwords; never allowed in production.
DEMO_DATA_ALLOWED = False

# The terms on which partners may republish the reviewed text (every API item and the
# OpenAPI document carry them; README "Content API"). No derivatives: the text is medically
# reviewed exactly as worded, so a republished copy must not be altered; commercial use is
# allowed so clinics' apps and patient portals may carry it.
CONTENT_LICENCE = {
    "name": "CC BY-ND 4.0",
    "url": "https://creativecommons.org/licenses/by-nd/4.0/",
    "copyright_holder": os.environ.get("DJANGO_CONTENT_PUBLISHER", "Spasms and cramps"),
    "attribution": os.environ.get(
        "DJANGO_CONTENT_ATTRIBUTION",
        "Medically reviewed content from Spasms and cramps, used under CC BY-ND 4.0.",
    ),
}

# Where `load_content` reads from when no path is given.
CONTENT_DIR = BASE_DIR / "content"

# Logs and metrics (observability.py).
from .observability import *  # noqa: E402
