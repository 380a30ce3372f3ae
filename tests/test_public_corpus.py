"""The real content on a fresh install: every seed topic is reachable from the body map in
every language, Arabic pages are right-to-left with English fallbacks, and every topic
page stays under the weight limit."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from reviews.models import PublishedVersion
from staff import roles
from tests.support.factories import make_user
from tests.support.published import FALLBACK_NOTICE, notice, publish_topic

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
SEED_TOPICS = {path.stem for path in (Path(settings.CONTENT_DIR) / "topics").glob("*.toml")}
# Uncompressed HTML plus the stylesheet (about 16 KB gzip on the wire). Raised from 60 KiB
# when the heaviest topic gained the reviewed "what you can do now", "also called" and
# red flags of issues 23 and 24 and the codes of issue 25; raised to 68 KiB for the
# "Is this page useful?" form at every topic's foot (issue 23, about 2 KB uncompressed in
# Arabic; 67,692 bytes at the heaviest page when it landed).
PAGE_WEIGHT_LIMIT = 68 * 1024


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def topics_reachable_from_the_body_map(client, language):
    home = get(client, f"/{language}/")
    svg = home[home.index('<figure class="body-map"') : home.index("</figure>")]  # both views
    region_urls = re.findall(r'<a href="([^"]+)" class="map-region"', svg)
    assert len(region_urls) == 9
    reached = set()
    for url in region_urls:
        reached |= set(re.findall(rf'href="/{language}/topics/([^/"]+)/"', get(client, url)))
    return reached


def test_fresh_install(client, corpus):
    """One test: loading and approving the corpus is the slow part."""
    every_seed_topic_is_reachable_from_the_body_map_in_every_language(client)
    arabic_shows_translations_right_to_left_and_the_rest_in_english(client)
    every_topic_page_with_its_css_is_under_60_kb(client)
    russian_review_line_ends_its_dates_once(client)


def every_seed_topic_is_reachable_from_the_body_map_in_every_language(client):
    assert len(SEED_TOPICS) >= 10
    for language in LANGUAGES:
        assert topics_reachable_from_the_body_map(client, language) == SEED_TOPICS, language


def arabic_shows_translations_right_to_left_and_the_rest_in_english(client):
    translated = set(PublishedVersion.objects.topics("ar").values_list("key", flat=True))
    # Every real topic is in Arabic (issue 12); the English fallback is shown with a test
    # topic published in English only, never by leaving real topics untranslated.
    assert translated == SEED_TOPICS
    reviewer = make_user(roles.REVIEWERS, languages=LANGUAGES, credit="Test reviewer")
    english_only = publish_topic("english-only-test-topic", reviewer=reviewer, languages=["en"])
    for slug in [*SEED_TOPICS, english_only.slug]:
        html = get(client, f"/ar/topics/{slug}/")
        assert '<html lang="ar" dir="rtl">' in html
        if slug in translated:
            assert '<article class="topic" lang="ar" dir="rtl"' in html
            assert notice("ar", FALLBACK_NOTICE) not in html
        else:
            assert '<article class="topic" lang="en" dir="ltr"' in html
            assert notice("ar", FALLBACK_NOTICE) in html


def every_topic_page_with_its_css_is_under_60_kb(client):
    css = Path(finders.find("css/site.css")).stat().st_size
    heaviest = 0
    for slug in SEED_TOPICS:
        for language in LANGUAGES:
            size = len(client.get(f"/{language}/topics/{slug}/").content)
            heaviest = max(heaviest, size + css)
    assert heaviest < PAGE_WEIGHT_LIMIT, heaviest


def russian_review_line_ends_its_dates_once(client):
    """Russian dates end in "г."; the reviewed-by line once added a second stop (issue 24)."""
    html = get(client, f"/ru/topics/{sorted(SEED_TOPICS)[0]}/")
    review = re.search(r'<footer class="review">(.*?)</footer>', html, re.S).group(1)
    assert "г." in review and "г.." not in review, review
