"""The plans SQLite chooses for the public reads whose cost must not grow with the
corpus (issue 13): each reads an index range of one item, one page or one query's
matches, never every version of a language. Without table statistics SQLite plans the
same way on an empty test database as on 10,000 topics, so the plans are checked here;
`make bench-scale` measures the times (README)."""

from datetime import datetime

import pytest
from django.db import connection

from public import partners
from reviews.models import PublishedVersion
from search import index as search_index

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's query planner"),
]


def plan(sql: str, params) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [row[-1] for row in cursor.fetchall()]


def queryset_plan(queryset) -> list[str]:
    return plan(*queryset.query.sql_with_params())


def test_a_topic_page_reads_the_history_of_its_own_versions_only():
    # `with_first_published` looks up when each version was first approved since its last
    # withdrawal: by (kind, key, language), from the index alone.
    steps = queryset_plan(
        PublishedVersion.objects.live(kind="topic").filter(key="leg-cramps").with_first_published()
    )
    searches = [step for step in steps if step.startswith(("SEARCH", "SCAN"))]
    assert searches[0].startswith("SEARCH reviews_publishedversion USING INDEX"), steps
    # (versions_of_an_item, or withdrawals_by_item for its withdrawals)
    assert all(
        "COVERING INDEX" in step
        and "kind=? AND key=? AND language=?" in step
        or "COVERING INDEX withdrawals_by_item (language=? AND kind=? AND key=?" in step
        for step in searches[1:]
    ), steps


def test_a_feed_reads_the_newest_versions_in_index_order():
    queryset = PublishedVersion.objects.topics("ru").with_first_published()
    steps = queryset_plan(queryset.order_by("-approved_at")[:20])
    assert "live_versions_by_date" in steps[0], steps
    assert not any("TEMP B-TREE" in step for step in steps), steps  # no sort of every row


@pytest.mark.parametrize("since", [None, "2026-12-01T00:00:00+00:00"])
def test_the_changes_feed_pages_and_counts_from_its_indexes(since):
    """A page of the partners' changes feed: the approvals read in time order from their
    index (only those of one same moment sorted, by id) and merged with the withdrawals
    (few, sorted); never every event of the language sorted. The count reads the
    indexes alone, never the rows."""
    events = partners._events("es", since and datetime.fromisoformat(since))
    steps = queryset_plan(events.order_by("time", "event", "pk")[950:1001])
    assert steps.count("MERGE (UNION ALL)") == 1, steps
    assert any(
        step.startswith("SEARCH reviews_publishedversion USING INDEX versions_by_approval")
        for step in steps
    ), steps
    assert any("INDEX withdrawals_by_item" in step for step in steps), steps
    approvals = steps[steps.index("LEFT") : steps.index("RIGHT")]
    assert "USE TEMP B-TREE FOR ORDER BY" not in approvals, steps  # (the withdrawals are)
    sql, params = partners._events("es", None, columns=["pk"]).query.sql_with_params()
    counted = f"SELECT COUNT(*) FROM ({sql}) c"  # noqa: S608 - Django's SQL, parameters apart
    searches = [step for step in plan(counted, params) if step.startswith(("SEARCH", "SCAN r"))]
    assert len(searches) == 2 and all("USING COVERING INDEX" in step for step in searches), searches


@pytest.mark.parametrize("language, fallback", [("en", None), ("ru", "en")])
def test_search_scores_the_matches_first_and_then_reads_their_entries(language, fallback):
    raw = search_index.search(
        ["cramp"], kind="topic", language=language, fallback=fallback, limit=20, offset=0
    )
    steps = plan(raw.raw_query, raw.params)
    # Each full-text match is an outer loop, and its entry is read by its rowid: never
    # every entry of the language, each probing the full-text index. Each language's
    # matches are read twice: scored, and counted for the total.
    fts = [i for i, step in enumerate(steps) if "reviews_searchentry_fts VIRTUAL" in step]
    loops = [i for i in fts if not steps[i - 1].startswith("LIST SUBQUERY")]
    assert len(loops) == (4 if fallback else 2), steps
    for index in loops:
        assert steps[index + 1].startswith("SEARCH e USING"), steps
        assert steps[index + 1].endswith("(version_id=?)"), steps
    # Whether the term is in a match's title or body is one more full-text lookup per
    # term and column, made once (a list the matches are tested against), not per match.
    lists = [i for i in fts if i not in loops]
    assert len(lists) >= (4 if fallback else 2), steps
    assert not any(step.startswith("CORRELATED LIST") for step in steps), steps
    assert list(raw) == []  # and it runs


def test_the_fallback_language_scores_only_entries_with_no_translation(corpus):
    """A Russian page searching for an English word falls back to the English entries of
    topics with no Russian entry. They are picked before the scoring: picked after it,
    every English match was scored (5,956 for "cramp" at +10,000 topics on PostgreSQL,
    117 -> 43 ms of SQL) to show the few untranslated ones. Each scored title calls
    replace() on its spaced title (search.ranking): recorded here with SQLite's own
    replace() stood in for by a recording one."""
    from search.models import SearchEntry

    calls = []

    def counting_replace(text, old, new):
        calls.append(text)
        return None if text is None else text.replace(old, new)

    # Every topic of the seed corpus is in Russian; leg cramps is not searchable in
    # Russian here (as when its Russian version is not live).
    SearchEntry.objects.filter(language="ru", key="leg-cramps").delete()
    english = set(
        SearchEntry.objects.filter(language="en", title__icontains="cramp").values_list(
            "key", flat=True
        )
    )
    translated = set(SearchEntry.objects.filter(language="ru").values_list("key", flat=True))
    assert len(english & translated) > 2 and english - translated == {"leg-cramps"}
    raw = search_index.search(
        ["cramp"], kind="topic", language="ru", fallback="en", limit=20, offset=0
    )
    connection.ensure_connection()
    connection.connection.create_function("replace", 3, counting_replace)
    try:
        found = list(raw)
    finally:
        connection.close()  # the next test gets SQLite's own replace() again
    assert {version.key for version in found} <= english - translated
    assert found and all(version.language == "en" for version in found)
    # Only the untranslated topic's title was scored, not every English match's.
    untranslated = SearchEntry.objects.get(language="en", key="leg-cramps").title_spaced
    assert calls and set(calls) == {untranslated}, len(set(calls))
