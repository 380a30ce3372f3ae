"""Search: live topics in the visitor's language, by words of title, summary and body,
case-insensitively in every script."""

import pytest

from public.views import search_words
from tests.support.factories import make_topic, publish
from tests.support.published import ui

NOTHING_FOUND = (
    "No topics found for “%(query)s”. Check the spelling, try fewer or other words, "
    "or browse by body region."
)

# Every test here wants the published site: built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]


@pytest.fixture
def topic(site):
    article = make_topic("leg-cramps", regions=("legs",))
    article.title_en = "Leg Cramps"
    article.what_it_is_en = "The Gastrocnemius muscle tightens."
    article.title_ru = "Судороги В Ногах"
    article.what_it_is_ru = "Икроножная МЫШЦА сокращается."
    article.title_es = "Calambres En Las Piernas"
    article.title_ar = "تشنّج الساقين"
    article.summary_ar = "ألم مفاجئ في عضلة الساق"
    article.save()
    publish(article, reviewer=site)
    return article


def found(client, language, query):
    html = client.get(f"/{language}/search/", {"q": query}).content.decode()
    return f'href="/{language}/topics/leg-cramps/"' in html


FINDS = [
    ("en", "leg"),
    ("en", "LEG cramps"),
    ("en", "gastrocnemius"),  # a body word
    ("en", "cramps,"),  # punctuation around a word is ignored
    ("en", "leg zebra"),  # words are optional: one of them is enough
    ("en", "summary"),  # a summary word
    ("ru", "судороги"),
    ("ru", "СУДОРОГИ"),
    ("ru", "мышца"),
    ("es", "CALAMBRES piernas"),
    ("ar", "الساقين"),
    ("ar", "عضلة"),
]
MISSES = [
    ("en", "zebra giraffe"),  # no word of the topic (words are optional: issue 23)
    ("ru", "gastrocnemius"),  # the English text is not the Russian page
    ("en", "судороги"),
    ("en", "lungs"),
]


def test_finds_live_topics_case_insensitively(client, topic):
    for language, query in FINDS:
        assert found(client, language, query), (language, query)


def test_does_not_find_what_is_not_there(client, topic):
    for language, query in MISSES:
        assert not found(client, language, query), (language, query)
        html = client.get(f"/{language}/search/", {"q": query}).content.decode()
        assert ui(language, NOTHING_FOUND) in html
        assert 'href="/' + language + '/"' in html  # a way on: browse by body region


def test_query_is_echoed_escaped_and_kept_in_the_form(client, topic):
    html = client.get("/en/search/", {"q": '"><b>leg'}).content.decode()
    assert "<b>leg" not in html
    assert 'value="&quot;&gt;&lt;b&gt;leg"' in html


def test_language_switcher_keeps_the_query(client, topic):
    html = client.get("/en/search/", {"q": "leg"}).content.decode()
    assert 'href="/ru/search/?q=leg"' in html


def test_search_words():
    assert search_words("  Leg,  CRAMPS!! leg ") == ["leg", "cramps"]
    assert search_words("«Судороги»") == ["судороги"]
    assert search_words("% _ ---") == []
    assert search_words("a\x00b") == ["ab"]
    assert len(search_words(" ".join(f"w{n}" for n in range(50)))) == 8
    assert search_words("Straße") == ["strasse"]
