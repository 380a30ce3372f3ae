"""PostgreSQL's plan for a search's matches on a corpus of a few hundred long entries.

A match was `document @@ query` on the entries' stored tsvector. PostgreSQL prices that test
like an addition, but each document is stored compressed out of line (TOAST) and is read
back for every row tested: at +300 topics the planner scanned every entry and tested each
document, four passes of about 7 ms for the Spanish "dolor muscular" (34 ms; 2.8x its seed
render, and the seed paid it too; with sequential scans off it read the language's index
instead and tested each of the language's documents). The match now reads the indexes of
title terms and of body terms (functions priced as the parses they are: search 0005, 0008),
which no plan tests row by row."""

import re

import pytest
from django.db import connection
from django.utils import timezone

from reviews import statistics
from reviews.models import PublishedVersion
from search import index as search_index
from search.models import SearchEntry
from tests.support.factories import live_version, make_user, search_entry

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's planner"),
]

TOPICS = 400
# A body long enough for its tsvector to be stored compressed, out of line.
WORDS = 700


def body(number: int) -> str:
    words = [f"filler{(number * 13 + n) % 5000}" for n in range(WORDS)]
    if number % 3 == 0:
        words[WORDS // 2] = "spasm"  # a word in a third of the entries
    return " ".join(words)


@pytest.fixture
def long_entries():
    """TOPICS live English topics and as many Spanish ones, with long bodies, written in
    bulk and followed by the bulk commands' statistics refresh."""
    reviewer, now = make_user(), timezone.now()
    versions = PublishedVersion.objects.bulk_create(
        live_version(f"long-{n}", language, f"Topic {n}", reviewer=reviewer, approved_at=now)
        for language in ("en", "es")
        for n in range(TOPICS)
    )
    SearchEntry.objects.bulk_create(
        search_entry(
            version,
            f"topic {number % TOPICS}" + (" cramp" if number % 7 == 0 else ""),
            body(number % TOPICS),
        )
        for number, version in enumerate(versions)
    )
    assert statistics.refresh_after_bulk_write()


def plan_of(raw) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")  # as public.readers runs it
        cursor.execute("EXPLAIN " + raw.raw_query, raw.params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET max_parallel_workers_per_gather")
    return plan


@pytest.mark.parametrize(
    ("words", "language"),
    [(["spasm"], "en"), (["spasm", "cramp"], "en"), (["spasm", "cramp"], "es")],
)
def test_a_search_finds_its_matches_in_the_term_indexes(long_entries, words, language):
    raw = search_index.search(
        words,
        kind="topic",
        language=language,
        fallback=None if language == "en" else "en",
        limit=20,
        offset=0,
    )
    assert len(list(raw)) == 20
    plan = plan_of(raw)
    # (Only the matches `e`: the keys of the fallback's anti-join may be read in a scan.)
    assert not re.search(r"Seq Scan on reviews_searchentry e(_\d+)?\b", plan), plan
    assert "document" not in plan, plan
    assert "Bitmap Index Scan on reviews_searchentry_title_lexemes" in plan, plan
    assert "Bitmap Index Scan on reviews_searchentry_body_lexemes" in plan, plan
    # No match is tested row by row: each term-index condition is the index's own.
    for line in plan.splitlines():
        if "Filter:" in line:
            assert "_terms(" not in line, plan
