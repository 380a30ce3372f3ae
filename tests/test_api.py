"""The content API (/api/v1/): published text only, per language with the English
fallback, review credit, dates and references, pagination, caching headers, CORS, the
committed OpenAPI document, and schemathesis against that document."""

import json
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from public.api import openapi_text
from reviews import workflow
from tests.support.factories import LANGUAGES
from tests.support.published import make_rich_topic, publish, publish_topic

# Every test here wants the published site: built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

COMMITTED = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    return response


def test_the_committed_openapi_document_is_current_and_served(client):
    assert COMMITTED.read_text(encoding="utf-8") == openapi_text(), (
        "docs/api/openapi.json is stale: run .venv/bin/python manage.py export_openapi"
    )
    response = get(client, "/api/v1/openapi.json")
    assert response.content.decode() == openapi_text()
    document = json.loads(response.content)
    assert set(document["paths"]) == {
        "/api/v1/{lang}/topics/",
        "/api/v1/{lang}/topics/{slug}/",
        "/api/v1/{lang}/regions/",
        "/api/v1/{lang}/regions/{slug}/",
        "/api/v1/{lang}/notices/",
        "/api/v1/{lang}/changes/",
        "/api/v1/verify/{fingerprint}",
        "/api/v1/infobutton",
    }
    assert document["info"]["license"] == {
        "name": "CC BY-ND 4.0",
        "url": "https://creativecommons.org/licenses/by-nd/4.0/",
    }


def test_a_topic_with_review_credit_dates_and_references(client, site):
    publish(make_rich_topic("rich-topic"), reviewer=site)
    for code in LANGUAGES:
        topic = get(client, f"/api/v1/{code}/topics/rich-topic/").json()
        assert topic["language"] == code and topic["fallback"] is False
        assert topic["title"] == f"Rich topic [{code}]"
        assert topic["url"] == f"http://testserver/{code}/topics/rich-topic/"
        assert topic["review"]["reviewed_by"] == "Dr Ada Reviewer, neurologist"
        assert topic["review"]["approved"] and topic["review"]["next_review_due"]
        assert topic["references"][0]["url"] == "https://www.nhs.uk/conditions/example/"
        assert {sign["urgency"] for sign in topic["warning_signs"]} >= {"urgent", "routine"}
        assert {measure["kind"] for measure in topic["relief"]} >= {"medicine", "traditional"}
        assert topic["prevention"][0]["title"] == f"Tip title [{code}]"
        assert f"symptoms text [{code}]" in topic["symptoms_html"]


def test_an_untranslated_topic_comes_in_english_marked_as_such(client, site):
    publish_topic("partial-topic", reviewer=site, languages=["en", "ru"])
    topic = get(client, "/api/v1/ar/topics/partial-topic/").json()
    assert topic["language"] == "en" and topic["fallback"] is True
    assert topic["title"] == "Partial topic [en]"
    assert topic["url"] == "http://testserver/en/topics/partial-topic/"
    listed = get(client, "/api/v1/ar/topics/").json()["items"]
    assert [(t["slug"], t["language"]) for t in listed] == [("partial-topic", "en")]
    region = get(client, "/api/v1/ar/regions/legs/").json()
    assert region["language"] == "ar"
    assert [(t["slug"], t["fallback"]) for t in region["topics"]] == [("partial-topic", True)]


def test_pagination(client, site):
    for index in range(5):
        publish_topic(f"topic-{index}", reviewer=site, languages=["en"])
    first = get(client, "/api/v1/en/topics/?page_size=2").json()
    assert (first["count"], first["pages"], first["previous"]) == (5, 3, None)
    assert [t["slug"] for t in first["items"]] == ["topic-0", "topic-1"]
    assert first["next"] == "http://testserver/api/v1/en/topics/?page=2&page_size=2"
    last = get(client, "/api/v1/en/topics/?page=3&page_size=2").json()
    assert [t["slug"] for t in last["items"]] == ["topic-4"] and last["next"] is None
    assert get(client, "/api/v1/en/topics/?page=4&page_size=2", 404).json()["detail"]
    assert get(client, "/api/v1/en/topics/?page_size=1000", 400).json()["detail"]
    assert get(client, "/api/v1/xx/topics/", 400).json()["detail"]
    assert get(client, "/api/v1/en/topics/no-such-topic/", 404).json()["detail"]


def test_notices_with_emergency_numbers(client, site):
    notices = {n["key"]: n for n in get(client, "/api/v1/es/notices/").json()}
    assert notices["disclaimer"]["text_html"] == "<p>disclaimer text [es]</p>"
    assert notices["emergency"]["language"] == "es"
    assert isinstance(notices["emergency"]["numbers"], list)


def test_cache_headers_etag_cors_and_the_shared_page_cache(client, site):
    publish_topic("cached-topic", reviewer=site)
    url = "/api/v1/en/topics/cached-topic/"
    first = get(client, url)
    assert first["Cache-Control"] == "public, max-age=60"
    assert first["Access-Control-Allow-Origin"] == "*"
    assert get(client, "/api/v1/ar/topics/", HTTP_ACCEPT_LANGUAGE="ru")["Content-Language"] == "ar"
    assert first["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert first["X-Page-Cache"] == "miss"
    again = get(client, url)
    assert again["X-Page-Cache"] == "hit" and again["ETag"] == first["ETag"]
    assert get(client, url, 304, HTTP_IF_NONE_MATCH=first["ETag"]).content == b""
    # A withdrawal starts a new publication generation: nothing stale is served.
    workflow.withdraw("topic", "cached-topic", by=site, reason="check")
    assert get(client, url, 410)["Access-Control-Allow-Origin"] == "*"
    assert get(client, "/api/v1/en/topics/").json()["count"] == 0


# -- schemathesis: every operation, generated requests, against the OpenAPI document ----

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def published_content(site):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    publish(make_rich_topic("rich-topic"), reviewer=site)
    publish_topic("english-only", reviewer=site, languages=["en"])
    # The WSGI app runs in the test's thread: as Django's test client does, keep the start
    # and end of a request from closing the connection that holds the test's transaction.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_every_generated_request_as_documented(case, published_content):
    """No 5xx, and every answer (status, content type, body) as the document says."""
    case.call_and_validate()


def test_queries_do_not_grow_with_the_corpus(client, site):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    urls = ["/api/v1/ar/topics/", "/api/v1/ar/regions/legs/", "/api/v1/ar/regions/",
            "/api/v1/ar/notices/", "/api/v1/ar/topics/topic-0/"]  # fmt: skip

    def counts():
        from django.core.cache import caches

        from public.readers import pages

        caches[settings.PAGE_CACHE_ALIAS].clear()
        pages.forget_notices()  # cold each time: the first page reads them
        found = {}
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                get(client, url)
            found[url] = len(queries)
        return found

    publish_topic("topic-0", reviewer=site, languages=["en"])
    few = counts()
    for index in range(1, 6):
        publish_topic(f"topic-{index}", reviewer=site, languages=["en", "ar"])
    assert counts() == few
    assert max(few.values()) <= 4, few


def test_a_cross_origin_preflight_is_allowed(client, site):
    response = client.options(
        "/api/v1/ru/topics/",
        HTTP_ORIGIN="https://app.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert client.options("/api/v1/ru/topics/leg-cramps/").status_code == 204


def test_head_is_answered_like_get(client, site):
    response = client.head("/api/v1/en/regions/")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    assert client.head("/api/v1/en/openapi.json").status_code == 404
    assert client.head("/api/v1/openapi.json").status_code == 200
