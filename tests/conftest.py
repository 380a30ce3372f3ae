import pytest
from django.conf import settings
from django.utils import translation


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine} ({database.get('HOST') or database['NAME']})"


@pytest.fixture(autouse=True)
def source_language():
    """Each test starts in English: a request in the test client leaves its language
    active in the thread, which would otherwise leak into the next test."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def empty_shared_cache():
    """The page cache (local memory in tests) starts empty, like a new deployment."""
    from django.core.cache import caches

    caches[settings.PAGE_CACHE_ALIAS].clear()
    yield
    caches[settings.PAGE_CACHE_ALIAS].clear()


@pytest.fixture(autouse=True)
def commit_hooks_run_in_test_transactions(monkeypatch):
    """A test inside Django's test transaction never commits, so `on_commit` callbacks
    (the cache invalidation after an approval or withdrawal) would never run. Run them as
    they are registered, as the commit would right after. Outside a test transaction
    (transactional tests), Django's own behaviour is kept."""
    from django.db import transaction

    original = transaction.on_commit

    def on_commit(func, using=None, robust=False):
        connection = transaction.get_connection(using)
        if connection.in_atomic_block and any(
            getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
        ):
            func()
        else:
            original(func, using=using, robust=robust)

    monkeypatch.setattr(transaction, "on_commit", on_commit)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (tests/support/smtp.py); Django's SMTP backend is
    pointed at it for the test, as the DJANGO_EMAIL_* variables would in production."""
    from tests.support.smtp import SMTPServer

    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        yield server
