"""The query budget: each public page runs a fixed number of queries, whatever the number
of topics, relief measures, regions or languages."""

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.public_fixtures import publish_topic, reviewer_fixture, site_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]

# page -> queries: what each costs and why.
BUDGET = {
    "/{lang}/": 2,  # notices, regions
    "/{lang}/regions/legs/": 3,  # the region, notices, its topics
    "/{lang}/topics/topic-1/": 3,  # the topic (all languages), notices, its regions
    # notices, hits, and (not in English) English hits of topics not yet translated
    "/{lang}/search/?q=summary": {"en": 2, "ar": 3},
    "/{lang}/search/": 1,  # notices only: nothing to search for
    "/{lang}/topics/no-such-topic/": 2,  # the topic lookup, then the 404 page's notices
    "/{lang}/no/such/page/": 1,  # the 404 page's notices
    "/sitemap.xml": 2,  # regions, topics
}


def make_topics(count, approver):
    # Half of them untranslated beyond English, so fallbacks are counted too.
    for number in range(1, count + 1):
        languages = LANGUAGES if number % 2 else ["en"]
        publish_topic(
            f"topic-{number}",
            reviewer=approver,
            languages=languages,
            regions=("legs", "back"),
            measures=3 if number % 2 else 1,
        )


@pytest.mark.parametrize("topics", [1, 10])
def test_query_count_is_the_same_for_1_and_10_topics(
    client, site, django_assert_num_queries, topics
):
    make_topics(topics, site)
    for language in ("en", "ar"):
        for url, budget in BUDGET.items():
            expected = budget[language] if isinstance(budget, dict) else budget
            cache.clear()  # what rendering costs, not the page cache (test_page_cache.py)
            with django_assert_num_queries(expected):
                response = client.get(url.format(lang=language))
            assert response.status_code in (200, 404)
