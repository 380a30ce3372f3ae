"""The full-text engine behind search (reviews/search_index.py): stemming per language,
titles above body text, pages of results, and an index that holds live versions only.
The same tests run on SQLite (FTS5) and PostgreSQL (tsvector), one contract on both."""

import re

import pytest
from django.db import connection

from articles.models import Article
from reviews import workflow
from search import index as search_index
from search.models import SearchEntry
from tests.support.factories import make_topic, publish, publish_many
from tests.support.published import publish_topic

# Every test here wants the published site: built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]


def found(client, language, query, **params):
    response = client.get(f"/{language}/search/", {"q": query, **params})
    assert response.status_code == 200
    return re.findall(rf'href="/{language}/topics/([\w-]+)/"', response.content.decode())


def topic_with(site, slug, language, **texts):
    article = make_topic(slug)
    Article.objects.filter(pk=article.pk).update(
        **{f"{field}_{language}": text for field, text in texts.items()}
    )
    article = Article.objects.get(pk=article.pk)
    workflow.record_edits(article, by=None)
    publish(article, reviewer=site)
    return article


@pytest.mark.parametrize(
    ("language", "singular", "plural"),
    [
        ("en", "cramp", "cramps"),
        ("ru", "судорога", "судороги"),
        ("es", "calambre", "calambres"),
        ("ar", "تشنج", "التشنجات"),
    ],
)
def test_word_forms_find_the_same_topics(client, site, language, singular, plural):
    topic_with(site, "one-form", language, summary=f"Night {singular}")
    topic_with(site, "other-form", language, what_it_is=f"About {plural} at night")
    topic_with(site, "unrelated", language, summary="Nothing of the kind")
    assert sorted(found(client, language, singular)) == ["one-form", "other-form"]
    assert sorted(found(client, language, plural)) == ["one-form", "other-form"]


def test_terms_are_stemmed_and_folded_per_language():
    assert search_index.terms("Cramps, CRAMPING", "en") == ["cramp", "cramp"]
    assert search_index.terms("Свёкла судорогами", "ru") == search_index.terms(
        "свекла судороги", "ru"
    )
    assert search_index.terms("Músculos", "es") == search_index.terms("musculo", "es")
    assert search_index.terms("فورًا تشنّج", "ar") == search_index.terms("فورا تشنج", "ar")


def test_a_title_match_ranks_above_a_body_match(client, site):
    # "a-body" sorts first by key; only the rank can put "b-title" first.
    topic_with(site, "a-body", "en", title="Neck stiffness", what_it_is="Spasm of the neck")
    topic_with(site, "b-title", "en", title="Spasm after exercise")
    assert found(client, "en", "spasm") == ["b-title", "a-body"]


def test_results_come_in_pages_of_twenty(client, site):
    topics = [make_topic(f"topic-{number:02}") for number in range(45)]
    publish_many(topics, ["en"], reviewer=site)
    pages = [found(client, "en", "summary", page=page) for page in (1, 2, 3)]
    assert [len(page) for page in pages] == [20, 20, 5]
    assert len({slug for page in pages for slug in page}) == 45
    html = client.get("/en/search/", {"q": "summary", "page": 2}).content.decode()
    assert "45 topics found" in html
    assert 'rel="prev" href="/en/search/?q=summary"' in html
    assert 'rel="next" href="/en/search/?q=summary&amp;page=3"' in html
    assert "Page 2 of 3" in html
    for page in ("4", "0", "-1", "x", "1.5", "99999999999"):
        response = client.get("/en/search/", {"q": "summary", "page": page})
        assert response.status_code == 404, page


def test_untranslated_topics_follow_in_english_on_the_same_pages(client, site):
    publish_topic("translated", reviewer=site)
    publish_topic("english-only", reviewer=site, languages=["en"])
    html = client.get("/ru/search/", {"q": "summary"}).content.decode()
    assert html.index('href="/ru/topics/translated/"') < html.index(
        'href="/ru/topics/english-only/"'
    )


def test_the_index_holds_the_live_version_only(site):
    article = publish_topic("indexed", reviewer=site, title="Firstword")
    assert SearchEntry.objects.filter(key="indexed").count() == 4
    article.title_en = "Secondword"
    article.save()
    workflow.record_edits(article, by=None)
    # Edited, not approved: the index still has the approved words only.
    entry = SearchEntry.objects.get(key="indexed", language="en")
    assert "firstword" in entry.title and "secondword" not in entry.title
    publish(article, ["en"], reviewer=site)
    entry = SearchEntry.objects.get(key="indexed", language="en")
    assert entry.version.is_current and "secondword" in entry.title
    assert SearchEntry.objects.filter(key="indexed").count() == 4
    workflow.withdraw("topic", "indexed", by=site, reason="unsafe")
    assert not SearchEntry.objects.filter(key="indexed").exists()
    assert engine_rows() == SearchEntry.objects.count()


def engine_rows() -> int:
    """How many documents the database's full-text engine itself holds (on PostgreSQL its
    indexes are of the entries' own columns: the entries whose terms it can read)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # The FTS5 index's own document count (its docsize shadow table).
            cursor.execute(f"SELECT count(*) FROM {search_index.FTS_TABLE}_docsize")  # noqa: S608
        else:
            cursor.execute(
                "SELECT count(*) FROM reviews_searchentry WHERE "
                "search_title_terms(title) IS NOT NULL AND search_body_terms(body) IS NOT NULL"
            )
        return cursor.fetchone()[0]


def test_rebuild_gives_the_same_index(site):
    publish_topic("one", reviewer=site)
    publish_topic("two", reviewer=site, languages=["en", "ar"])
    before = sorted(SearchEntry.objects.values_list("key", "language", "title", "body"))
    assert search_index.rebuild(["topic"]) == 6
    assert sorted(SearchEntry.objects.values_list("key", "language", "title", "body")) == before
    assert engine_rows() == 6


def test_the_vocabulary_after_re_approvals_is_what_a_rebuild_counts(site):
    """Approvals count the vocabulary by difference (the words an edit removed and added);
    after edits, re-approvals and a withdrawal the counts are those of a full rebuild,
    and a word no live entry holds any more is gone."""
    from search.models import SearchTerm

    one = publish_topic("one", reviewer=site, title="Alphaword")
    publish_topic("two", reviewer=site, title="Alphaword Betaword")
    one.title_en = "Gammaword"
    one.title_ru = "Дельтаслово"
    one.save()
    publish(one, ["en"], reviewer=site)
    publish(one, ["ru"], reviewer=site)
    publish_topic("three", reviewer=site, title="Gammaword", languages=["en"])
    workflow.withdraw("topic", "two", by=site, reason="merged")

    def counts():
        return sorted(SearchTerm.objects.values_list("language", "term", "documents"))

    after_approvals = counts()
    english = dict(SearchTerm.objects.filter(language="en").values_list("term", "documents"))
    assert english["gammaword"] == 2 and "betaword" not in english
    search_index.rebuild(["topic"])
    assert counts() == after_approvals
