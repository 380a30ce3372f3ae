"""Settings for the test suite: fast hashing, plain static storage, no manifest needed."""

from .base import *

SECRET_KEY = "test-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}

DEMO_DATA_ALLOWED = True

# Users with no second-factor device (the demo users) may sign in with a password only.
# Production settings always require the second factor.
STAFF_OTP_REQUIRED = False

# One process: the page cache in local memory, emptied before each test (conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Nothing else writes that cache: the outbox check is tested where it is switched on.
PAGE_CACHE_OUTBOX_CHECK_SECONDS = None
FRONTEND_CACHE_URLS = []
# Review notices are sent in the committing thread, inside the test's transaction (the
# background sender is tested where it is switched on: tests/test_review_notices.py).
REVIEW_MAIL_IN_BACKGROUND = False
