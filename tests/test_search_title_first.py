"""A search scores the entries whose title holds one of its terms first (search.queries):
where enough of them outscore any entry whose title holds none, the page comes from them
and the other matches are not scored (on PostgreSQL, from an index of title terms). The
order, the pages and the total stay exactly those of the ranking's formula: checked
against the formula recomputed in Python (tests/support/search_reference.py) on both
databases, where the shortcut holds and where it must not be taken."""

import json
from functools import partial

import pytest
from django.db import connection
from django.utils import timezone

from reviews import statistics
from reviews.models import PublishedVersion
from search import index as search_index
from search import queries as search_queries
from search.ranking import untitled_bound
from tests.support.factories import make_user, searched_version
from tests.support.search_reference import reference_scores, reference_table

pytestmark = pytest.mark.django_db

PAGE = 20


@pytest.fixture
def entries(monkeypatch):
    """English topics: 60 with "cramp" in their title (titles and bodies of several
    lengths), 45 with it only in a short body, 5 of those also holding the rare "zeta",
    and 20 with neither; and Russian versions of 30 of the body-only ones, their short
    titles holding "cramp" (a search in one language must show no other language's
    entries, whichever branch reads them). The shortcut is taken from 50 entries holding
    the words (in the site from search.queries.TITLED_FROM, 1,000)."""
    monkeypatch.setattr(search_queries, "TITLED_FROM", 50)
    reviewer, now = make_user(), timezone.now()

    version = partial(searched_version, reviewer=reviewer, approved_at=now)

    rows = [
        version(
            f"titled-{n:03}",
            "Cramp " + " ".join(["night"] * (n % 7)) + (" cramp" if n % 5 == 0 else ""),
            " ".join(["muscle"] * (n % 11 * 30)) + (" cramp" if n % 2 else ""),
        )
        for n in range(60)
    ]
    rows += [
        version(f"body-{n:03}", f"Leg topic {n}", "cramp" + (" zeta" if n < 5 else ""))
        for n in range(45)
    ]
    rows += [version(f"other-{n:03}", f"Other topic {n}", "calf stretch") for n in range(20)]
    rows += [version(f"body-{n:03}", f"Cramp тема {n}", "спазм", "ru") for n in range(30)]
    search_index.index_many(PublishedVersion.objects.bulk_create(rows))
    statistics.refresh_after_bulk_write()


def keys(words: list[str], offset: int, limit: int = PAGE) -> tuple[list[str], int | None]:
    found = list(
        search_index.search(
            words, kind="topic", language="en", fallback=None, limit=limit, offset=offset
        )
    )
    return [row.key for row in found], (found[0].search_total if found else None)


@pytest.mark.parametrize("words", [["cramp"], ["cramps", "night"], ["cramp", "zeta"]])
def test_every_page_is_the_formula_s_order(entries, words):
    """Page by page, the keys and the total are the formula's: the first pages (60
    titles hold "cramp", each above any body-only match) and the pages beyond the titled
    entries, and a query where short bodies holding a rare word outrank the titles."""
    expected = reference_scores(words, "en")
    assert len(expected) == 105, words
    for offset in range(0, 120, PAGE):
        found, total = keys(words, offset)
        assert found == expected[offset : offset + PAGE], (words, offset)
        assert total in (len(expected), None), (words, offset)
    # A page cut elsewhere than at twenty: the shortcut's bound is checked at its end.
    assert keys(words, 55, limit=10)[0] == expected[55:65], words


def test_the_rare_word_in_short_bodies_comes_first(entries):
    """The case the shortcut must not take: the 5 bodies holding "zeta" score above
    every title holding only "cramp"."""
    assert sorted(keys(["cramp", "zeta"], 0)[0][:5]) == [f"body-{n:03}" for n in range(5)]


@pytest.mark.parametrize("words", [["cramp"], ["cramp", "zeta"], ["zeta", "stretch"]])
def test_the_bound_is_the_best_an_entry_without_the_words_in_its_title_scores(entries, words):
    """No entry whose title holds none of the words scores above the bound, and one
    with a body of ten characters holding them all comes within 0.2 % of it: a bound
    even slightly too low would let the shortcut drop a better match."""
    plan = search_index.plan_query(words, ["en"])["en"]
    bound = untitled_bound(plan)
    scores = reference_table(words, "en")
    untitled = [scores[key] for key in scores if not key.startswith("titled-")]
    assert max(untitled) <= bound
    if words == ["cramp", "zeta"]:
        assert max(untitled) > bound * 0.998


def executed(words: list[str], offset: int, language: str = "en") -> dict[str, int]:
    """How many times each branch of the search statement ran (EXPLAIN ANALYZE): each
    is gated by conditions read once, `titled<n>` (the best of a tier of titled
    entries, scored apart: search.queries._tiers) by whether it suffices and the tiers
    before it did not, `every` (every match scored) by none sufficing."""
    raw = search_index.search(
        words, kind="topic", language=language, fallback=None, limit=PAGE, offset=offset
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + raw.raw_query, raw.params)
        (document,) = cursor.fetchone()
    plan = document if isinstance(document, list) else json.loads(document)
    loops: dict[str, int] = {}

    def walk(node):
        gate = node.get("One-Time Filter")
        if gate:
            (branch,) = [
                child for child in node["Plans"] if "InitPlan" not in child.get("Subplan Name", "")
            ]
            loops[branch.get("CTE Name", "every")] = branch["Actual Loops"]
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return loops


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's plan")
def test_on_postgresql_the_other_matches_are_not_scored_when_the_titles_suffice(entries):
    """First page of "cramp": the 60 titled entries are scored, and the branch that
    scores every match never runs. Beyond them (offset 60), or when a rare word's short
    bodies may outrank the titles, it runs."""
    assert executed(["cramp"], 0) == {"titled0": 1, "every": 0}
    assert executed(["cramp"], 40)["every"] == 0
    assert executed(["cramp"], 60)["every"] == 1
    assert executed(["cramp", "zeta"], 0) == {"titled0": 0, "titled1": 0, "titled2": 0, "every": 1}


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's plan")
def test_a_search_for_words_few_entries_hold_scores_every_match(entries, monkeypatch):
    """Below TITLED_FROM entries holding the words, looking titles up first costs more
    than it saves: the statement is the one that scores every match."""
    monkeypatch.setattr(search_queries, "TITLED_FROM", 106)  # "cramp": 105 entries
    assert executed(["cramp"], 0) == {}
    assert keys(["cramp"], 0)[0] == reference_scores(["cramp"], "en")[:PAGE]
    monkeypatch.setattr(search_queries, "TITLED_FROM", 105)
    assert executed(["cramp"], 0) == {"titled0": 1, "every": 0}


def test_a_russian_page_shows_russian_entries_then_the_untranslated_english_ones(
    entries, monkeypatch
):
    """On a Russian page the titled branch reads Russian entries only (the 30 whose title
    holds "cramp"), and past them the page goes on with the English entries of topics
    with no Russian version, in the formula's order; no English entry of a translated
    topic shows."""
    monkeypatch.setattr(search_queries, "TITLED_FROM", 20)
    russian = reference_scores(["cramp"], "ru")
    assert len(russian) == 30
    translated = {f"body-{n:03}" for n in range(30)}
    english = [key for key in reference_scores(["cramp"], "en") if key not in translated]

    def page(offset: int) -> list[tuple[str, str]]:
        found = search_index.search(
            ["cramp"], kind="topic", language="ru", fallback="en", limit=PAGE, offset=offset
        )
        return [(row.language, row.key) for row in found]

    assert page(0) == [("ru", key) for key in russian[:20]]
    assert page(20) == [("ru", key) for key in russian[20:]] + [("en", k) for k in english[:10]]
