"""Mail goes through Django's mail framework to the SMTP server the environment names; the
test server (tests/support/smtp.py) is a real SMTP server on loopback."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.mail import send_mail


def test_django_mail_reaches_the_loopback_smtp_server(smtp_server):
    send_mail("Hello", "Line one\n.starts with a dot\n", None, ["owner@example.org"])

    [mail] = smtp_server.to("owner@example.org")
    assert mail.subject == "Hello"
    assert mail.envelope_from == settings.DEFAULT_FROM_EMAIL
    assert mail.body.splitlines() == ["Line one", ".starts with a dot"]


def test_mail_settings_come_from_the_environment():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="healthsite.settings.production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="example.org",
        DJANGO_EMAIL_HOST="mail.example.org",
        DJANGO_EMAIL_PORT="587",
        DJANGO_EMAIL_USE_TLS="1",
        DJANGO_EMAIL_HOST_USER="site",
        DJANGO_DEFAULT_FROM_EMAIL="staff@example.org",
    )
    code = (
        "from django.conf import settings as s;"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS,"
        " s.EMAIL_HOST_USER, s.DEFAULT_FROM_EMAIL)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.splitlines()[-1].split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        "587",
        "True",
        "site",
        "staff@example.org",
    ], result.stderr
