"""What an operator reads (issue 26, items 2 and 3): /healthz/ per dependency, Prometheus
metrics on a path only configured addresses may read, and JSON log lines that carry the
request id."""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone
from pythonjsonlogger.json import JsonFormatter

from operations.logs import JSON_FORMAT, RequestIdFilter
from operations.middleware import page_type
from reviews import workflow
from reviews.models import PublishedVersion
from staff import roles

from .factories import make_topic, make_user
from .serving import ROOT
from .support.metrics import scrape, value
from .support.published import publish_topic

# Health ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_says_degraded_not_down_when_only_a_cache_is_missing(client, settings):
    settings.FRONTEND_CACHE_URLS = ["http://127.0.0.1:9/"]  # nothing listens on port 9
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "degraded",
        "database: ok",
        "shared cache: ok",
        "HTTP cache: unavailable",
    ]


@pytest.mark.django_db
def test_healthz_says_degraded_when_the_shared_cache_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr("django.core.cache.backends.locmem.LocMemCache.get", broken)
    response = client.get("/healthz/")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0] == "degraded"
    assert "shared cache: unavailable" in lines
    assert "HTTP cache: not configured" in lines


# Metrics -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "meta",
    [
        {"REMOTE_ADDR": "203.0.113.9"},
        # Behind Varnish or nginx every request comes from loopback: a forwarded one is
        # somebody outside.
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_FORWARDED": "for=203.0.113.9"},
    ],
)
def test_metrics_answer_only_the_configured_addresses(client, meta):
    response = client.get("/metrics", **meta)
    assert response.status_code == 404
    assert b"healthsite_" not in response.content


@pytest.mark.django_db
def test_metrics_count_requests_page_cache_hits_queue_and_overdue(client, site):
    reviewer_user = site
    publish_topic("metered", reviewer=reviewer_user)
    before = scrape(client)
    for _ in range(3):
        assert client.get("/en/topics/metered/").status_code == 200
    assert client.get("/en/topics/no-such-topic/").status_code == 404

    # One version waiting for review in Spanish, one live Russian version overdue.
    waiting = make_topic("waiting")
    workflow.submit(
        workflow.version_for(waiting, "es"),
        by=make_user(roles.TRANSLATORS, languages=["es"]),
    )
    PublishedVersion.objects.live("ru").filter(key="metered").update(
        next_review_due=timezone.localdate() - timedelta(days=1)
    )

    after = scrape(client)
    delta = {
        key: after.get(key, 0) - before.get(key, 0)
        for key in after
        if key[0].endswith(("_total", "_count"))
    }
    assert delta[("healthsite_requests_total", ("page_type", "topic"), ("status", "200"))] == 3
    assert delta[("healthsite_requests_total", ("page_type", "topic"), ("status", "404"))] == 1
    assert delta[("healthsite_request_duration_seconds_count", ("page_type", "topic"))] == 4
    assert delta[("healthsite_page_cache_requests_total", ("result", "hit"))] == 2
    assert delta[("healthsite_page_cache_requests_total", ("result", "miss"))] == 1
    assert value(after, "healthsite_review_queue", language="es") == 1
    assert value(after, "healthsite_review_queue", language="en") == 0
    assert value(after, "healthsite_reviews_overdue", language="ru") == 1
    assert value(after, "healthsite_reviews_overdue", language="es") == 0
    # The outbox and the mail queue, as their own models count them.
    from reviews.models import Invalidation, Notification

    assert after[("healthsite_invalidations_waiting",)] == Invalidation.objects.pending().count()
    assert after[("healthsite_mail_waiting",)] == Notification.objects.filter(sent_at=None).count()


def test_the_metrics_read_the_header_the_page_cache_writes():
    from healthsite.page_cache import HEADER
    from operations.middleware import PAGE_CACHE_HEADER

    assert PAGE_CACHE_HEADER == HEADER


@pytest.mark.parametrize(
    "path, kind",
    [
        ("/en/", "home"),
        ("/ar/topics/leg-cramps/", "topic"),
        ("/ru/regions/legs/", "region"),
        ("/es/search/", "search"),
        ("/en/feed/", "feed"),
        ("/api/v1/en/topics/", "api"),
        ("/sitemap-topics-en.xml", "sitemap"),
        ("/admin/login/", "admin"),
        ("/static/css/site.css", "static"),
        ("/en/anything-a-client-invents/", "other"),
        ("/xx/topics/a/", "other"),
    ],
)
def test_page_types_are_a_fixed_set_whatever_the_path(path, kind):
    assert page_type(path) == kind


# Logs --------------------------------------------------------------------------------


@pytest.fixture
def json_lines():
    """Log lines as the production handler writes them (settings.LOGGING's formatter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(**{k: v for k, v in JSON_FORMAT.items() if k != "()"}))
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("healthsite")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.mark.django_db
def test_each_request_logs_one_json_line_with_its_request_id(client, json_lines):
    response = client.get("/en/", HTTP_X_REQUEST_ID="lb-0123456789abcdef")
    assert response["X-Request-ID"] == "lb-0123456789abcdef"
    hostile = client.get("/en/", HTTP_X_REQUEST_ID='x"\n{"level": "forged"}')
    assert hostile["X-Request-ID"] != 'x"\n{"level": "forged"}'
    assert len(hostile["X-Request-ID"]) == 32

    lines = [line for line in json_lines() if line["logger"] == "healthsite.requests"]
    assert [line["request_id"] for line in lines] == [
        "lb-0123456789abcdef",
        hostile["X-Request-ID"],
    ]
    first = lines[0]
    assert first["method"] == "GET"
    assert first["path"] == "/en/"
    assert first["page_type"] == "home"
    assert first["status"] == response.status_code
    assert isinstance(first["duration_ms"], float)
    assert {"time", "level", "message"} <= set(first)


@pytest.mark.django_db
def test_security_events_carry_the_request_id_of_their_request(client, json_lines):
    """A failed staff sign-in is a security event: its line names the request it came in."""
    client.get("/admin/login/")
    response = client.post(
        "/admin/login/",
        {"username": "nobody", "password": "wrong"},
        HTTP_X_REQUEST_ID="probe-0000000001",
    )
    assert response.status_code in (200, 429)
    lines = [line for line in json_lines() if line["request_id"] == "probe-0000000001"]
    assert {line["logger"] for line in lines} >= {"healthsite.requests"}


def test_commands_write_logs_to_stderr_as_json_and_leave_stdout_to_their_output(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            "DJANGO_SETTINGS_MODULE": "healthsite.settings.dev",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert done.returncode == 0, done.stderr
    # Only the command's own output on stdout (how many checks settings silence may vary).
    assert re.fullmatch(r"System check identified no issues \(\d+ silenced\)\.\n", done.stdout)
    logged = [json.loads(line) for line in done.stderr.splitlines()]
    assert logged, "django-axes logs its start: on stderr, as JSON"
    assert all({"time", "level", "logger", "message", "request_id"} <= set(line) for line in logged)


# Workflow events as their own JSON lines (issue 26, item 3) ------------------------------


def _approve_russian_over_http(request_id: str):
    """A Russian re-approval through the admin's review page, as a browser posts it:
    CSRF token and the hidden fingerprints the page carries. Returns (response, article,
    reviewer)."""
    from django.test import Client
    from django.urls import reverse

    from articles.models import Article

    from .support.admin_forms import post_review
    from .support.factories import publish

    article = make_topic("logged-topic")
    reviewer = make_user(roles.REVIEWERS, languages=["en", "ru"], username="dr-logged")
    publish(article, ["en", "ru"], reviewer=reviewer)
    translator = make_user(roles.TRANSLATORS, languages=["ru"])
    Article.objects.filter(pk=article.pk).update(title_ru="Судороги (журнал)")
    workflow.record_edits(Article.objects.get(pk=article.pk), by=translator)
    workflow.submit(workflow.version_for(article, "ru"), by=translator)

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reviewer)
    url = reverse(
        "admin:reviews_languageversion_review", args=[workflow.version_for(article, "ru").pk]
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', browser.get(url).text)[1]
    response = post_review(
        browser,
        url,
        {"action": "approve", "comment": "ok", "csrfmiddlewaretoken": token},
        HTTP_X_REQUEST_ID=request_id,
    )
    return response, article, reviewer


@pytest.mark.django_db
def test_an_approval_over_http_writes_exactly_one_workflow_line(json_lines):
    from audit.models import AuditEntry

    response, article, reviewer = _approve_russian_over_http("approve-0000000001")
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="approve", key=article.slug, language="ru").first()

    lines = [line for line in json_lines() if line["logger"] == "healthsite.workflow"]
    mine = [line for line in lines if line["request_id"] == "approve-0000000001"]
    assert mine == [
        {
            "time": mine[0]["time"],
            "level": "INFO",
            "logger": "healthsite.workflow",
            "message": "approve",
            "request_id": "approve-0000000001",
            "event": "approve",
            "actor": "dr-logged",
            "actor_id": reviewer.pk,
            "audit_id": entry.pk,
            "kind": "topic",
            "item": article.slug,
            "language": "ru",
            "fingerprint": entry.fingerprint,
        }
    ]
    # The publishing set-up wrote its own lines (outside any request: request id "-").
    assert {line["event"] for line in lines if line["request_id"] == "-"} >= {"submit", "approve"}


@pytest.mark.django_db
def test_a_failing_log_handler_never_fails_the_approval(json_lines):
    class Broken(logging.Handler):
        calls = 0

        def emit(self, record):
            Broken.calls += 1
            raise OSError("disk full")

    broken = Broken()
    logger = logging.getLogger("healthsite.workflow")
    logger.addHandler(broken)
    try:
        response, article, _reviewer = _approve_russian_over_http("approve-0000000002")
    finally:
        logger.removeHandler(broken)
    assert response.status_code == 302
    assert Broken.calls >= 1  # the handler was reached, and failed
    live = PublishedVersion.objects.live("ru").get(key=article.slug)
    assert live.payload["title"] == "Судороги (журнал)"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_action_that_rolls_back_logs_no_workflow_line(json_lines):
    """Lines are written after the commit (a real one here, not the test transaction's)."""
    from django.db import transaction

    from audit.models import AuditEntry

    actor = make_user(roles.REVIEWERS, languages=["en"])
    with pytest.raises(RuntimeError), transaction.atomic():
        AuditEntry.objects.create(action="withdraw", kind="topic", key="x", actor=actor)
        raise RuntimeError("the withdrawal failed")
    AuditEntry.objects.bulk_create(
        [AuditEntry(action="credentials", actor=actor, details={"user": "someone"})]
    )
    lines = [line for line in json_lines() if line["logger"] == "healthsite.workflow"]
    assert [(line["event"], line.get("account")) for line in lines] == [("credentials", "someone")]
