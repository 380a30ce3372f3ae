"""The Atom feed per language: topics newly published or re-reviewed in that language,
published text only, linked from every page, cached like the pages."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from reviews import workflow
from reviews.models import PublishedVersion
from tests.support.factories import LANGUAGES, publish
from tests.support.published import publish_topic

# Every test here wants the published site: built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, language):
    response = client.get(f"/{language}/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own answer
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    return [
        {
            "title": entry.find(f"{ATOM}title").text,
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.find(f"{ATOM}id").text,
            "published": entry.find(f"{ATOM}published").text,
            "updated": entry.find(f"{ATOM}updated").text,
            "summary": entry.find(f"{ATOM}summary").text,
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def test_a_feed_per_language_newest_first_and_only_in_its_language(client, site):
    publish_topic("older-topic", reviewer=site)
    PublishedVersion.objects.filter(key="older-topic").update(
        approved_at=PublishedVersion.objects.get(key="older-topic", language="en").approved_at
        - timedelta(days=3)
    )
    publish_topic("english-only", reviewer=site, languages=["en"])
    assert [e["title"] for e in entries(client, "en")] == ["English only [en]", "Older topic [en]"]
    for code in LANGUAGES[1:]:
        found = entries(client, code)
        assert [e["title"] for e in found] == [f"Older topic [{code}]"]
        assert found[0]["link"] == f"http://testserver/{code}/topics/older-topic/"


def test_a_re_review_comes_first_again_with_a_new_entry(client, site):
    article = publish_topic("first-topic", reviewer=site, languages=["en"])
    version = PublishedVersion.objects.get(key="first-topic")
    version.approved_at -= timedelta(days=1)
    version.save(update_fields=["approved_at"])
    publish_topic("second-topic", reviewer=site, languages=["en"])
    before = entries(client, "en")
    assert [e["title"] for e in before][0] == "Second topic [en]"
    article.title_en = "First topic, re-reviewed"
    article.save()
    workflow.record_edits(article, by=None)
    publish(article, ["en"], reviewer=site)
    after = entries(client, "en")
    assert after[0]["title"] == "First topic, re-reviewed"
    assert after[0]["id"] != next(e["id"] for e in before if e["title"] == "First topic [en]")
    assert after[0]["published"] < after[0]["updated"]


def test_every_page_links_its_feed_and_the_feed_is_cached_like_a_page(client, site):
    publish_topic("linked-topic", reviewer=site)
    for url in ("/ar/", "/ar/regions/legs/", "/ar/topics/linked-topic/", "/ar/search/"):
        html = client.get(url).content.decode()
        assert re.search(
            r'<link rel="alternate" type="application/atom\+xml" href="/ar/feed/"', html
        )
    first = client.get("/en/feed/")
    assert first["Cache-Control"] == "public, max-age=60" and first["ETag"]
    assert client.get("/en/feed/")["X-Page-Cache"] == "hit"
    workflow.withdraw("topic", "linked-topic", by=site, reason="check")
    assert entries(client, "en") == []


def test_a_feed_costs_the_same_queries_whatever_the_number_of_topics(client, site):
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        caches[settings.PAGE_CACHE_ALIAS].clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/ru/feed/").status_code == 200
        return len(captured)

    publish_topic("topic-0", reviewer=site)
    few = queries()
    for index in range(1, 6):
        publish_topic(f"topic-{index}", reviewer=site)
    assert queries() == few <= 2
