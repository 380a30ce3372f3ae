"""Production: everything from the environment; refuse to start when it is incomplete."""

import os
import sys

from .base import *


def _required(name: str, hint: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        # A plain message, not a traceback: this is an operator's mistake, not a bug.
        sys.exit(f"healthsite: the environment variable {name} is required in production. {hint}")
    return value


SECRET_KEY = _required(
    "DJANGO_SECRET_KEY",
    "Set it to a long random string, e.g. the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
)
ALLOWED_HOSTS = _required(
    "DJANGO_ALLOWED_HOSTS", "Set it to the site's host names, comma-separated."
).split(",")
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]
DEBUG = False

# Behind a load balancer that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
# Where that redirect goes when HTTPS is on another host or port (default: the same host).
SECURE_SSL_HOST = os.environ.get("DJANGO_SECURE_SSL_HOST") or None
# Load-balancer probes speak plain HTTP to the instance.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
# Behind N proxies that append to X-Forwarded-For, the client is the N-th address from the
# right; the login throttle keys on it. 0 (default): the socket's address.
_proxies = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
if _proxies:
    AXES_IPWARE_PROXY_COUNT = _proxies
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Staff are told of every change to their credentials, and reset links go by mail: SMTP
# always, to DJANGO_EMAIL_HOST or the host's own mail server on localhost:25 (base.py).
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = EMAIL_HOST or "localhost"

# Every staff sign-in needs the second factor; not configurable in production.
STAFF_OTP_REQUIRED = True
STAFF_REAUTH_SECONDS = int(os.environ.get("DJANGO_STAFF_REAUTH_SECONDS", 15 * 60))
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_STAFF_SESSION_SECONDS", 8 * 60 * 60))

# Several gunicorn hosts share one cache when DJANGO_REDIS_URL names a Redis server
# (base.py); DJANGO_FRONTEND_CACHE_URLS lists the HTTP caches in front to purge.
