import pytest
from django.conf import settings
from django.utils import translation

from tests.support.once import built_once


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
def notices_unread():
    """Each test starts with no site notices read, as a new worker does: the rows a
    process keeps (public.readers.pages) would otherwise depend on the test before."""
    from public.readers import pages

    pages.forget_notices()


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


@pytest.fixture(scope="session")
def prepared_site(tmp_path_factory):
    """The server modules' site, prepared once a session and copied into each
    (tests/support/serving.py: PreparedSite)."""
    import os
    from pathlib import Path

    from tests.support.serving import PreparedSite

    shared = os.environ.get("TESTS_PREPARED_SITE")  # CI's runs share one (.ci/run)
    if shared:
        return PreparedSite(Path(shared), shared=True)
    return PreparedSite(tmp_path_factory.mktemp("prepared-site"))


# -- published content ------------------------------------------------------------------
# `reviewer`, `site` and `corpus` are built for each test that asks for them. A module
# whose every test wants the site (or the corpus) builds it once instead, with
#     pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]
# It is built in a transaction that stays open for the module and is rolled back after
# it; each test runs in its own savepoint inside it, so no test sees another's changes.
# Not for modules with transactional tests or servers in other processes.
# TESTS_BUILD_PER_TEST=1 builds per test everywhere (to measure what building once saves).
# The site and the corpus are built once a session and their rows written again after
# (tests/support/replay.py); TESTS_BUILD_EVERY_TIME=1 runs the workflow every time.


def _replayed(name: str, build):
    """build(), or the rows the session's first build from the same state wrote."""
    import os

    from reviews import statistics
    from tests.support import replay

    if os.environ.get("TESTS_BUILD_EVERY_TIME"):
        return build()
    return replay.built(name, build, after=statistics.refresh_after_bulk_write)


def _build_for_module(django_db_blocker, name: str, build):
    import os

    from django.db import transaction

    if os.environ.get("TESTS_BUILD_PER_TEST"):  # to measure what building once saves
        yield None
        return
    with django_db_blocker.unblock(), transaction.atomic():
        # The build's commit hooks (cache invalidation) run as they are registered, as
        # they do in each test (commit_hooks_run_in_test_transactions): the transaction
        # is never committed, and a test would otherwise find the site's invalidations
        # still pending.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
            built = _replayed(name, build)
        yield built
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def published_site_once(request, django_db_setup, django_db_blocker):
    """The site notices and two regions approved in every language, once per module;
    its value is the reviewer's pk. A module that defines `build_once(reviewer)` gets
    what it builds (content every one of its tests reads) in the same build."""
    from tests.support.published import build_site, make_reviewer

    more = getattr(request.module, "build_once", None)

    def build():
        reviewer = make_reviewer()
        build_site(reviewer)
        if more is not None:
            more(reviewer)
        return reviewer.pk

    name = "site" if more is None else f"site and {request.module.__name__}"
    yield from _build_for_module(django_db_blocker, name, build)


@pytest.fixture(scope="module")
def module_built_once(request, django_db_setup, django_db_blocker):
    """What the module's `build_module_once()` builds (content every one of its tests
    reads), once per module as above; None with TESTS_BUILD_PER_TEST=1, where the
    module's fixtures build it for each test."""
    module = request.module
    name = f"module {module.__name__}"
    yield from _build_for_module(django_db_blocker, name, module.build_module_once)


@pytest.fixture(scope="module")
def published_corpus_once(django_db_setup, django_db_blocker):
    """The real content loaded and approved as `make run` would, once per module."""
    from tests.support.published import build_corpus

    yield from _build_for_module(django_db_blocker, "corpus", lambda: build_corpus() or True)


@pytest.fixture(name="reviewer")
def reviewer_fixture(request, db):
    """A medical reviewer of every language with a confirmed public credit (the site's
    reviewer where the module builds the site once)."""
    from django.contrib.auth import get_user_model

    from tests.support.published import make_reviewer

    if built_once(request, "published_site_once"):
        return get_user_model().objects.get(pk=request.getfixturevalue("published_site_once"))
    return make_reviewer()


@pytest.fixture(name="site")
def site_fixture(request, reviewer):
    """The site notices and two regions, approved in every language; the reviewer."""
    from tests.support.published import build_site

    if not built_once(request, "published_site_once"):
        build_site(reviewer)
    return reviewer


@pytest.fixture(name="corpus")
def corpus_fixture(request, db):
    """The real content, loaded and approved as `make run` plus `seed_demo` would."""
    from tests.support.published import build_corpus

    if not built_once(request, "published_corpus_once"):
        _replayed("corpus", build_corpus)
