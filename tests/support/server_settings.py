"""Settings for tests that start a real gunicorn: dev settings with DEBUG off, and the
database, static root and catalogues the test hands over in the environment."""

import os
from pathlib import Path

from healthsite.settings.dev import *

DEBUG = False
LOCALE_PATHS = [Path(os.environ["TEST_LOCALE_DIR"])]
STATIC_ROOT = Path(os.environ["TEST_STATIC_ROOT"])
# Passwords are hashed with a fast hasher, as in the in-process tests
# (healthsite/settings/test.py): the seed's demo staff and every sign-in over HTTP would
# otherwise spend ~0.25 s of CPU each on PBKDF2, and no test measures the hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A test may lengthen how long the cache in front keeps a previous copy while a page is
# rendered again, and leave out the approval purge's repeat, to show what else refreshes it.
PAGE_CACHE_STALE_SURROGATE_SECONDS = int(os.environ.get("TEST_STALE_SURROGATE_SECONDS", "1"))
FRONTEND_CACHE_REBAN_SECONDS = float(os.environ.get("TEST_FRONTEND_CACHE_REBAN_SECONDS", "2"))
