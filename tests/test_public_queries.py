"""The query budget: each public page runs a fixed number of queries, whatever the number
of topics, relief measures, regions or languages."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from public import readers
from tests.support.factories import make_topic, publish_many

# Every test here wants the published site: built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

LANGUAGES = [code for code, _name in settings.LANGUAGES]

# page -> queries: what each costs and why, in a worker that has served a page before.
# "notices" is one query while the live notices are unchanged since the worker last read
# them, three when they changed (tests/test_frame_notices.py).
# On PostgreSQL the A–Z list's statement runs with sorts ruled out: a SET before it and a
# RESET after (public.readers.alphabetical.in_index_order).
IN_INDEX_ORDER = 2 if connection.vendor == "postgresql" else 0
# and a search's statement without parallel workers, the same way
# (public.readers.search_results._found).
SERIAL = 2 if connection.vendor == "postgresql" else 0

BUDGET = {
    "/{lang}/": 2,  # notices, regions
    # the region, notices, which topics are on the page (and their count), those topics
    "/{lang}/regions/legs/": 4,
    "/{lang}/topics/topic-1/": 3,  # the topic (all languages), notices, its regions
    # notices, the query's vocabulary counts (search.index), one page of hits
    # with their count (English hits of topics not yet translated in the same query)
    "/{lang}/search/?q=summary": 3 + SERIAL,
    "/{lang}/search/": 1,  # notices only: nothing to search for
    "/{lang}/topics/topic-1/?country=GB": 3,  # the reader's country costs no query
    "/{lang}/emergency-numbers/": 1,  # notices (the numbers are the notice's)
    # notices, every live topic's letter in order (from an index in that order), the count
    # that says the list's places are complete, the page's topics
    "/{lang}/a-z/": 4 + IN_INDEX_ORDER,
    "/{lang}/topics/no-such-topic/": 3,  # the topic, whether it was withdrawn, the notices
    "/{lang}/no/such/page/": 1,  # the 404 page's notices
    "/sitemap.xml": 8,  # the index: a count of each regions and topics file per language
    "/sitemap-topics-{lang}.xml": 2,  # one page of topics (not counted), their languages
    "/sitemap-regions-{lang}.xml": 2,
    "/sitemap-home.xml": 0,
}


def publish_topics(topics, translated, approver):
    """`topics` approved in English and `translated` of them in every language, a batch
    per language as a reviewer approves a selection in the admin."""
    publish_many(topics, ["en"], reviewer=approver)
    publish_many(translated, [code for code in LANGUAGES if code != "en"], reviewer=approver)


def make_topics(count, approver):
    # Half of them untranslated beyond English, so fallbacks are counted too.
    topics = [
        make_topic(f"topic-{number}", regions=("legs", "back"), measures=3 if number % 2 else 1)
        for number in range(1, count + 1)
    ]
    publish_topics(topics, topics[::2], approver)


@pytest.mark.parametrize("topics", [1, 10])
def test_query_count_is_the_same_for_1_and_10_topics(
    client, site, django_assert_num_queries, topics
):
    make_topics(topics, site)
    for language in ("en", "ar"):
        for url, budget in BUDGET.items():
            expected = budget[language] if isinstance(budget, dict) else budget
            cache.clear()  # what rendering costs, not the page cache (test_page_cache.py)
            readers.site_notices(language)
            with django_assert_num_queries(expected):
                response = client.get(url.format(lang=language))
            assert response.status_code in (200, 404, 410)


# Paged lists cost the same on their first and last page, with 1 topic or 100.
PAGED_BUDGET = {
    "/{lang}/regions/legs/?page={page}": 4,
    "/{lang}/search/?q=summary&page={page}": 3 + SERIAL,
    "/{lang}/a-z/?page={page}": 4 + IN_INDEX_ORDER,
}


@pytest.mark.parametrize("topics", [1, 100])
def test_query_count_of_paged_lists_is_the_same_for_1_and_100_topics(
    client, site, django_assert_num_queries, topics
):
    made = [make_topic(f"topic-{number:03}") for number in range(1, topics + 1)]
    # Every tenth in every language; the rest English only (shown as fallbacks).
    publish_topics(made, made[::10], site)
    last = -(-topics // 20)
    for language in ("en", "ar"):
        for url, budget in PAGED_BUDGET.items():
            for page in sorted({1, last}):
                cache.clear()
                readers.site_notices(language)
                with django_assert_num_queries(budget):
                    response = client.get(url.format(lang=language, page=page))
                assert response.status_code == 200, (url, page)
                html = response.content.decode()
                assert html.count('<a href="/' + language + "/topics/topic-") == min(
                    20, topics - 20 * (page - 1)
                )
            # One page past the last: not found, never a 500.
            assert client.get(url.format(lang=language, page=last + 1)).status_code == 404
