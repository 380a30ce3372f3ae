"""Mail: credential notices, password-reset links and review notices. Imported by base."""

import os


# Mail (credential notices, password-reset links) through Django's mail framework,
# configured from the environment (README, "Mail"). Without DJANGO_EMAIL_HOST, messages
# are printed to the console (development); production always sends by SMTP.
def _env_flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_flag("DJANGO_EMAIL_USE_TLS")
EMAIL_USE_SSL = _env_flag("DJANGO_EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "staff-notices@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Review notices chosen as immediate mail are sent after the action's commit by a sender
# thread of the process, so a slow or unreachable mail server never holds the request
# (reviews/notifications.py); off, they are sent in the committing thread (the tests).
REVIEW_MAIL_IN_BACKGROUND = _env_flag("DJANGO_REVIEW_MAIL_IN_BACKGROUND", "1")
# Where staff open the admin: the links in review notices (reviews/notifications.py).
STAFF_SITE_URL = os.environ.get("DJANGO_STAFF_SITE_URL", "http://127.0.0.1:8000")
