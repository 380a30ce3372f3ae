"""Local development and `make run`: SQLite in var/, insecure key, loopback hosts only."""

import os

from .base import *

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production-0123456789"
)
# `make run` serves through gunicorn with DEBUG off so visitors see the real 404 page.
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"] + [
    host for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host
]

# The SQLite file and collected static files live here.
VAR_DIR.mkdir(exist_ok=True)

DEMO_DATA_ALLOWED = True

# Users with no second-factor device (the demo users) may sign in with a password only.
# Production settings always require the second factor.
STAFF_OTP_REQUIRED = False
