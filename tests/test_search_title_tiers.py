"""A search of several words scores first the entries whose title holds all of them, then
those whose title holds the rarest, then those whose title holds any (search.queries
`_tiers`), and takes its page from the first set whose best outscore any entry outside
it can (search.ranking `lacking_bound`). The order and the pages are the formula's
(recomputed in Python: tests/support/search_reference.py) on both databases; which set
was scored is asked of PostgreSQL's plan."""

import json
from functools import partial

import pytest
from django.db import connection
from django.utils import timezone

from reviews import statistics
from reviews.models import PublishedVersion
from search import index as search_index
from search import queries as search_queries
from search.ranking import lacking_bound
from tests.support.factories import make_user, searched_version
from tests.support.search_reference import reference_scores, reference_table

from .test_search_title_first import PAGE, executed, keys

pytestmark = pytest.mark.django_db

FILLER = " ".join(f"filler{n}" for n in range(30))


@pytest.fixture
def entries(monkeypatch):
    """English topics for three queries of two made-up words:
    - "gamma delta": 25 short titles holding both (the best by far), 40 titles holding
      one of them each;
    - "gamma epsilon": 25 long titles holding both, and 5 short titles holding
      "epsilon" twice over a body holding "gamma", which outscore them;
    - "common rare": 25 short titles holding "rare" over a body holding "common", 60
      titles holding "common"; no title holds both.
    The 25 topics of the first query have Russian versions too, the same words in
    their titles."""
    monkeypatch.setattr(search_queries, "TITLED_FROM", 10)
    reviewer, now = make_user(), timezone.now()

    version = partial(searched_version, reviewer=reviewer, approved_at=now)

    rows = [version(f"pair-{n:02}", "Gamma delta", "gamma delta") for n in range(25)]
    rows += [
        version(f"one-{n:02}", ("Gamma" if n % 2 else "Delta") + " topic", "x") for n in range(40)
    ]
    rows += [version(f"long-{n:02}", f"Gamma epsilon {FILLER}", "y") for n in range(25)]
    rows += [version(f"eps-{n:02}", "Epsilon epsilon", "gamma") for n in range(5)]
    rows += [version(f"rare-{n:02}", f"Rare {n}", "common") for n in range(25)]
    rows += [version(f"common-{n:02}", f"Common topic {n}", "z") for n in range(60)]
    rows += [version(f"pair-{n:02}", "Gamma delta", "gamma delta", "ru") for n in range(25)]
    search_index.index_many(PublishedVersion.objects.bulk_create(rows))
    statistics.refresh_after_bulk_write()


QUERIES = [["gamma", "delta"], ["gamma", "epsilon"], ["common", "rare"]]


@pytest.mark.parametrize("words", QUERIES)
def test_every_page_is_the_formula_s_order(entries, words):
    expected = reference_scores(words, "en")
    for offset in range(0, len(expected) + PAGE, PAGE):
        found, total = keys(words, offset)
        assert found == expected[offset : offset + PAGE], (words, offset)
        assert total in (len(expected), None), (words, offset)


def test_entries_outside_the_pair_of_words_can_outscore_the_pairs(entries):
    """The case the first set must not be taken for: the five short "epsilon" titles
    score above every long title holding both words, and below the bound."""
    first = reference_scores(["gamma", "epsilon"], "en")[:PAGE]
    assert sorted(first[:5]) == [f"eps-{n:02}" for n in range(5)]
    plan = search_index.plan_query(["gamma", "epsilon"], ["en"])["en"]
    scores = reference_table(["gamma", "epsilon"], "en")
    assert max(scores[f"eps-{n:02}"] for n in range(5)) <= lacking_bound(plan, plan.terms)


@pytest.mark.parametrize(
    ("words", "taken"),
    [
        (["gamma", "delta"], "titled0"),  # the titles holding both
        (["gamma", "epsilon"], "titled2"),  # none of the first two suffices
        (["common", "rare"], "titled1"),  # the titles holding the rarer word
    ],
)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's plan")
def test_on_postgresql_the_first_set_that_suffices_is_read(entries, words, taken):
    loops = executed(words, 0)
    assert {name for name, count in loops.items() if count} == {taken}, loops


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's plan")
def test_on_postgresql_each_set_scores_only_its_titles(entries):
    """For "gamma epsilon", the 25 titles holding both words are scored, then the 30
    holding the rarer ("epsilon": the five short titles too), then the 75 holding
    either: no set reads titles outside it."""
    raw = search_index.search(
        ["gamma", "epsilon"], kind="topic", language="en", fallback=None, limit=PAGE, offset=0
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + raw.raw_query, raw.params)
        (document,) = cursor.fetchone()
    plan = document if isinstance(document, list) else json.loads(document)
    read = {}

    def walk(node, tier=None):
        name = node.get("Subplan Name", "")
        tier = name[4:] if name.startswith("CTE titled") else tier
        if tier and node["Node Type"] == "Bitmap Heap Scan" and "Subplan Name" not in node:
            read.setdefault(tier, node["Actual Rows"])
        for child in node.get("Plans", []):
            walk(child, tier)

    walk(plan[0]["Plan"])
    assert read == {"titled0": 25, "titled1": 30, "titled2": 75}, read


@pytest.mark.parametrize("words", QUERIES)
def test_no_entry_lacking_a_required_word_in_its_title_scores_above_its_bound(entries, words):
    """For each set's required words (all of them; the rarer alone), no entry whose
    title lacks one scores above the bound, so a set taken holds the page's best."""
    plan = search_index.plan_query(words, ["en"])["en"]
    scores = reference_table(words, "en")
    titles = {entry.key: entry.title.split() for entry in search_index.SearchEntry.objects.all()}
    rarest = max(plan.terms, key=lambda weighted: weighted.weight)
    for required in (plan.terms, [rarest]):
        lacking = [key for key in scores if any(w.term not in titles[key] for w in required)]
        assert max(scores[key] for key in lacking) <= lacking_bound(plan, required), required


def test_a_russian_page_takes_its_sets_from_russian_titles(entries):
    """On a Russian page the first set is the 25 Russian titles holding both words (the
    English ones hold them too): page 1 is 20 of them; page 2 the last five, then the
    English entries of topics with no Russian version, in the formula's order."""
    russian = reference_scores(["gamma", "delta"], "ru")
    assert sorted(russian) == [f"pair-{n:02}" for n in range(25)]
    english = [key for key in reference_scores(["gamma", "delta"], "en") if key not in russian]

    def page(offset: int) -> list[tuple[str, str]]:
        found = search_index.search(
            ["gamma", "delta"],
            kind="topic",
            language="ru",
            fallback="en",
            limit=PAGE,
            offset=offset,
        )
        return [(row.language, row.key) for row in found]

    assert page(0) == [("ru", key) for key in russian[:20]]
    assert page(20) == [("ru", key) for key in russian[20:]] + [("en", k) for k in english[:15]]
    if connection.vendor == "postgresql":
        loops = executed(["gamma", "delta"], 0, "ru")
        assert {name for name, count in loops.items() if count} == {"titled0"}, loops
