"""PostgreSQL's plans for the public reads right after a bulk load (issue 20, item 7).

Straight after thousands of snapshots and search entries are written, autovacuum has not
yet analysed the tables, and the planner, still believing them small, scanned every
search entry. The bulk commands end with ANALYZE (reviews.statistics); here a bulk write
is followed by that refresh: the planner counts the loaded rows, estimates a search's
matches from them, and a topic page reads its own item's rows by index. The search reads
its GIN index once the refresh has merged the index's pending list (the planner priced
the unmerged list above a sequential scan: reviews/statistics.py). Runs in
`make test-postgres`."""

import json
import re

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils import timezone

from reviews import statistics
from reviews.models import PublishedVersion
from search import index as search_index
from search.engines import POSTGRES_BODY_INDEX, POSTGRES_TITLE_INDEX
from search.models import SearchEntry
from tests.support.factories import live_version, make_user, search_entry

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's planner"),
]

TOPICS = 3000
# The indexes holding each language's keys: in one range per language, and per key.
INDEXES_OF_KEYS = ("search_keys_by_language", "one_search_entry_per_language")
WORDS = 60


def explain(sql: str, params, verbose: bool = False) -> str:
    with connection.cursor() as cursor:
        cursor.execute(("EXPLAIN VERBOSE " if verbose else "EXPLAIN ") + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def plan_nodes(raw, verbose: bool = False) -> list[dict]:
    """Every node of a raw query's plan (EXPLAIN in JSON), the top one first."""
    with connection.cursor() as cursor:
        options = "VERBOSE, FORMAT JSON" if verbose else "FORMAT JSON"
        cursor.execute(f"EXPLAIN ({options}) " + raw.raw_query, raw.params)
        (document,) = cursor.fetchone()
    plan = json.loads(document) if isinstance(document, str) else document
    return list(walk(plan[0]["Plan"]))


def walk(node: dict):
    """A plan node (EXPLAIN in JSON) and every node below it."""
    yield node
    for child in node.get("Plans", []):
        yield from walk(child)


@pytest.fixture
def bulk_loaded():
    """TOPICS live English topics and their search entries, written in bulk as
    build_synthetic_corpus writes them, then the commands' statistics refresh."""
    reviewer = make_user()
    now = timezone.now()
    versions = PublishedVersion.objects.bulk_create(
        live_version(
            f"bulk-{number}", "en", f"Bulk topic {number}", reviewer=reviewer, approved_at=now
        )
        for number in range(TOPICS)
    )
    SearchEntry.objects.bulk_create(
        search_entry(
            version,
            f"bulk topic word{number % 500}",
            " ".join(f"filler{(number * 7 + n) % 900}" for n in range(WORDS)),
        )
        for number, version in enumerate(versions)
    )
    assert statistics.refresh_after_bulk_write()


def in_russian(english: list[PublishedVersion], sort_title) -> list[PublishedVersion]:
    """Live Russian versions of the `english` ones, written in bulk (sort_title: a
    function of the English version)."""
    return PublishedVersion.objects.bulk_create(
        live_version(
            version.key,
            "ru",
            f"Тема {version.key}",
            reviewer=version.approved_by,
            approved_at=version.approved_at,
            next_review_due=version.next_review_due,
            sort_title=sort_title(version),
        )
        for version in english
    )


def with_russian_entries(english: list[PublishedVersion]) -> None:
    """Russian versions of `english`, with search entries that hold none of the English
    words."""
    SearchEntry.objects.bulk_create(
        search_entry(version, version.payload["title"], f"ничего {version.key}")
        for version in in_russian(english, lambda v: v.sort_title)
    )


def test_the_planner_knows_the_bulk_loaded_rows_at_once(bulk_loaded):
    """What flipped the search plan: statistics that still described the empty tables.
    After the refresh the planner counts every loaded row (autovacuum not needed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)",
            [list(statistics.TABLES)],
        )
        rows = dict(cursor.fetchall())
    assert rows["reviews_searchentry"] >= TOPICS
    assert rows["reviews_publishedversion"] >= TOPICS


def test_search_plans_from_those_statistics(bulk_loaded):
    raw = search_index.search(
        ["word17"], kind="topic", language="en", fallback=None, limit=20, offset=0
    )
    plan = explain(raw.raw_query, raw.params)
    # The planner's row estimate for the matches comes from the statistics: a handful of
    # the 3,000 entries, not the default guess for a table it has never analysed.
    estimated = [int(n) for n in re.findall(r"on reviews_searchentry e .*?rows=(\d+)", plan)]
    assert estimated and max(estimated) < TOPICS / 10, plan


def test_the_refresh_merges_the_search_index_pending_list(bulk_loaded):
    """A GIN index takes bulk-written entries into a pending list that every search
    reads and that made the planner prefer scanning every entry (47 ms instead of 4 at
    +2,000 topics); the refresh merges the lists of the indexes a search reads, so
    nothing is left to merge."""
    with connection.cursor() as cursor:
        for index in (POSTGRES_TITLE_INDEX, POSTGRES_BODY_INDEX):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            assert cursor.fetchone()[0] == 0, index


def test_a_search_reads_its_index_straight_after_a_bulk_load(bulk_loaded):
    """A word in a few of the 3,000 entries: the GIN indexes of title and body terms find
    them; no sequential scan tests every entry. A guard: at this size the planner picks
    the indexes even with their pending lists unmerged (the test above is the one that
    fails without the merge); at +2,000 real topics it did not (make
    bench-scale-postgres)."""
    raw = search_index.search(
        ["word17"], kind="topic", language="en", fallback=None, limit=20, offset=0
    )
    plan = explain(raw.raw_query, raw.params)
    assert f"Bitmap Index Scan on {POSTGRES_TITLE_INDEX}" in plan, plan
    assert f"Bitmap Index Scan on {POSTGRES_BODY_INDEX}" in plan, plan
    assert "Seq Scan on reviews_searchentry" not in plan, plan


def test_a_topic_page_reads_its_own_rows_by_index_after_a_bulk_load(bulk_loaded):
    queryset = (
        PublishedVersion.objects.live(kind="topic").filter(key="bulk-17").with_first_published()
    )
    plan = explain(*queryset.query.sql_with_params())
    assert "Seq Scan on reviews_publishedversion" not in plan, plan


def test_a_region_page_counts_its_topics_without_visiting_each_version(bulk_loaded):
    """A region page shows 20 topics and how many there are. The count was a window
    (COUNT(*) OVER () with LIMIT 1), which PostgreSQL planned as a loop probing the
    placements once per live version of the language: 22 of the page's 36 ms at +10,000
    topics (make bench-scale-postgres). A plain count joins the two sets once."""
    from django.test.utils import CaptureQueriesContext

    from public.readers import pages
    from public.readers.served import binary
    from reviews.models import Placement

    Placement.objects.bulk_create(
        Placement(version=version, region="legs")
        for version in PublishedVersion.objects.filter(key__startswith="bulk-")
    )
    assert statistics.refresh_after_bulk_write()
    with CaptureQueriesContext(connection) as queries:
        page = pages.region_topics("legs", "en", 2)
    assert page.total == TOPICS and len(page.items) == 20
    by_title = PublishedVersion.objects.live("en", "topic").order_by(binary("sort_title"), "key")
    assert [shown.key for shown in page.items] == list(
        by_title.values_list("key", flat=True)[20:40]
    )
    (query,) = [q["sql"] for q in queries if "MATERIALIZED" in q["sql"]]
    plan = explain(query, [])
    assert "WindowAgg" not in plan, plan
    assert "one_placement_per_region" not in plan, plan
    # The region's topics are found once for the count and the page (they were found
    # twice, a subquery each: half of the list's cost at +10,000 topics).
    assert plan.count(" on reviews_placement") == 1, plan
    # The page's versions are then read by id (and checked live again), not searched for.
    others = [q["sql"] for q in queries if q["sql"] != query]
    (versions,) = [sql for sql in others if "reviews_placement" in sql]
    assert "Seq Scan on reviews_publishedversion" not in explain(versions, []), versions


def test_a_region_page_in_russian_finds_each_kind_of_candidate_by_its_own_index(bulk_loaded):
    """Outside English a region lists its topics in the language, and English ones with
    no live translation. Asked as one condition (this language OR untranslated English),
    PostgreSQL read every placement of the region and probed its version by id: 51 of the
    Russian region page's ms at +10,000 topics. The two kinds are found apart (UNION ALL),
    each by its language; the page is the same."""
    from django.test.utils import CaptureQueriesContext

    from public.readers import pages
    from public.readers.served import binary
    from reviews.models import Placement

    english = list(PublishedVersion.objects.filter(key__startswith="bulk-"))
    # Sorted between the English titles, so the page mixes both kinds.
    russian = in_russian(english[::3], lambda version: f"bulk topic {version.key[5:]}a")
    Placement.objects.bulk_create(
        Placement(version=version, region="legs") for version in english + russian
    )
    assert statistics.refresh_after_bulk_write()
    with CaptureQueriesContext(connection) as queries:
        page = pages.region_topics("legs", "ru", 2)
    translated = {version.key for version in russian}
    shown = PublishedVersion.objects.live(kind="topic").exclude(language="en", key__in=translated)
    by_title = shown.order_by(binary("sort_title"), "key").values_list("key", "language")
    assert page.total == TOPICS
    assert [(item.key, item.language) for item in page.items] == list(by_title[20:40])
    assert {item.language for item in page.items} == {"en", "ru"}
    (query,) = [q["sql"] for q in queries if "MATERIALIZED" in q["sql"]]
    plan = explain(query, [])
    # Each kind read once, by its language; no version looked up placement by placement.
    assert "Append" in plan, plan
    assert "Index Scan using reviews_publishedversion_pkey" not in plan, plan


def test_the_fallback_language_picks_untranslated_entries_before_scoring_them(bulk_loaded):
    """A Russian search for an English word falls back to the English entries of topics
    with no Russian entry. Picked after the scoring (above its OFFSET 0 fence), every
    English match was scored to show the few untranslated ones: 117 -> 43 ms of SQL for
    "cramp" on a Russian page at +10,000 topics, every topic translated. In the plan, no
    row under the anti-join that picks them computes a score (its title counts call
    replace())."""
    english = list(SearchEntry.objects.filter(language="en").select_related("version"))
    # The first stays untranslated.
    russian = in_russian([entry.version for entry in english[1:]], lambda version: "тема")
    SearchEntry.objects.bulk_create(search_entry(version, "тема", "тема") for version in russian)
    assert statistics.refresh_after_bulk_write()
    word = english[0].title.split()[-1]
    raw = search_index.search(
        [word], kind="topic", language="ru", fallback="en", limit=20, offset=0
    )
    assert [version.key for version in raw] == [english[0].key]

    def scores(node) -> bool:
        return "replace(" in " ".join(node.get("Output", []))

    nodes = plan_nodes(raw, verbose=True)
    picks = [node for node in nodes if node.get("Join Type") == "Anti"]
    assert picks, nodes[0]
    for pick in picks:
        below = [child for plan_ in pick.get("Plans", []) for child in walk(plan_)]
        assert not any(scores(node) for node in below), pick


def test_the_ranking_looks_up_which_bodies_hold_a_term_in_their_index(bulk_loaded):
    """Scoring a match asks whether its body holds each term. Asked of the match's own
    tsvector (the term with the body's weight), every match was decompressed from TOAST
    twice per term: 56 of the 92 ms of a search for "cramp" at +10,000 topics. The
    index of body terms answers it once per term for all matches."""
    raw = search_index.search(
        ["filler17"], kind="topic", language="en", fallback=None, limit=20, offset=0
    )
    plan = explain(raw.raw_query, raw.params)
    assert f"Bitmap Index Scan on {POSTGRES_BODY_INDEX}" in plan, plan
    assert ":B" not in plan, plan
    # Looked up once and hashed, not scanned again for each match.
    verbose = explain(raw.raw_query, raw.params, verbose=True)
    assert "hashed SubPlan" in verbose, verbose


def test_the_lookup_of_a_term_in_most_bodies_reads_no_second_index(bulk_loaded):
    """A term in most entries of a language, with other languages beside it: the planner
    ANDed the body-term lookup with the language's index, reading every entry of the
    language there (2.0 to 2.8 ms for "pain" at +10,000 topics) to save reading rows it
    reads anyway. The language filters the lookup's rows instead."""
    SearchEntry.objects.update(body=Concat("body", Value(" common")))
    with_russian_entries(list(PublishedVersion.objects.all()))
    assert statistics.refresh_after_bulk_write()
    raw = search_index.search(
        ["common"], kind="topic", language="en", fallback=None, limit=20, offset=0
    )
    nodes = plan_nodes(raw)
    assert POSTGRES_BODY_INDEX in [node.get("Index Name") for node in nodes], nodes[0]
    anded = [
        child.get("Index Name")
        for node in nodes
        if node["Node Type"] == "BitmapAnd"
        for child in node["Plans"]
    ]
    assert POSTGRES_BODY_INDEX not in anded, nodes[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_fallback_reads_the_visitors_language_keys_from_their_own_range(bulk_loaded):
    """A search on a Russian page also looks at English matches, of topics with no
    Russian entry. The Russian keys they are checked against came from a scan of every
    entry of every language (about 10 ms at +10,000 topics, twice a search: its rows and
    its count); the index of each language's keys holds them in one range. (Outside a
    transaction, so the refresh VACUUMs as the bulk commands do: the index-only scan is
    priced for pages marked all-visible.)"""
    SearchEntry.objects.update(body=Concat("body", Value(" common")))
    with_russian_entries(list(PublishedVersion.objects.all())[: TOPICS - 10])
    assert statistics.refresh_after_bulk_write()
    raw = search_index.search(
        ["common"], kind="topic", language="ru", fallback="en", limit=20, offset=0
    )
    nodes = plan_nodes(raw)
    # The Russian keys: the entries `t` of search.queries._missing, in the row query and
    # in the count.
    keys = [node for node in nodes if re.fullmatch(r"t(_\d+)?", node.get("Alias", ""))]
    assert len(keys) == 2, nodes[0]
    for node in keys:  # no other language read: the language's range of the index, or
        # a probe of each English match's key in that language (where PostgreSQL expects
        # fewer matches than keys)
        assert node["Node Type"] == "Index Only Scan", node
        assert node["Index Name"] in INDEXES_OF_KEYS, node
        assert "language = 'ru'" in node["Index Cond"], node
        assert "Filter" not in node, node


def test_on_a_small_corpus_too_the_ranking_reads_the_index_of_body_terms(corpus):
    """The seed corpus (32 English topics): priced as cheap, to_tsvector was run on every
    English body of each search to test which hold the term, 23 of the query's 25 ms
    (make bench-scale-postgres, 5 December). The indexed function says what a parse
    costs, so the planner reads the index at this size too."""
    statistics.refresh_after_bulk_write()
    raw = search_index.search(
        ["cramp"], kind="topic", language="en", fallback=None, limit=20, offset=0
    )
    plan = explain(raw.raw_query, raw.params)
    assert f"Bitmap Index Scan on {POSTGRES_BODY_INDEX}" in plan, plan
    # ... and no body is parsed to test it: no filter on a body's terms.
    filters = [line for line in plan.splitlines() if "Filter:" in line]
    assert not [line for line in filters if "body" in line], plan


def test_a_page_of_the_changes_feed_reads_each_kind_of_event_in_index_order(bulk_loaded):
    """The partners' changes feed lists a language's approvals and withdrawals oldest
    first. PostgreSQL plans a union's arms apart, so its pages sorted every event of the
    language (10,041 at +10,000 topics, 2.6 to 2.9x the seed page). Each arm now takes
    only its first events up to the page's end, read in order from an index, and the
    page is sorted from those."""
    from public import partners

    withdrawn = timezone.now()
    PublishedVersion.objects.filter(key__in=["bulk-3", "bulk-5"]).update(
        withdrawn_at=withdrawn, is_current=False
    )
    assert statistics.refresh_after_bulk_write()
    events = partners._events("en", None, first=151).order_by("time", "event", "pk")[100:151]
    plan = explain(*events.query.sql_with_params())
    # The approvals come from their index, in order, up to the page's end; whatever is
    # sorted (the withdrawals, the two arms' first events) is at most that many each.
    assert re.search(r"Limit .*\n\s+->  Index Scan using versions_by_approval", plan), plan
    sorted_rows = re.findall(r"Sort  \(cost=[\d.]+ rows=(\d+)", plan)
    assert sorted_rows and all(int(rows) <= 2 * 151 for rows in sorted_rows), plan
    keys = [row["key"] for row in events]
    everything = partners._events("en", None).order_by("time", "event", "pk")
    assert keys == [row["key"] for row in everything[100:151]]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_the_refresh_vacuums_so_index_only_scans_skip_the_table(
    bulk_loaded,
):
    """The bulk commands commit batch by batch, so the refresh runs outside a
    transaction there and VACUUMs as well: the pages just written are marked
    all-visible, and a region page reads its candidates from the covering indexes alone
    (before, every row of it was checked in the table: the Russian region page at
    +10,000 topics was 2.0x its seed render straight after the load)."""
    from django.test.utils import CaptureQueriesContext

    from public.readers import pages
    from reviews.models import Placement

    english = list(PublishedVersion.objects.filter(key__startswith="bulk-"))
    russian = in_russian(english[::3], lambda version: f"bulk topic {version.key[5:]}a")
    Placement.objects.bulk_create(
        Placement(version=version, region="legs") for version in english + russian
    )
    assert statistics.refresh_after_bulk_write()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relpages, relallvisible FROM pg_class WHERE relname = ANY(%s)",
            [list(statistics.TABLES)],
        )
        pages_seen = {name: (total, visible) for name, total, visible in cursor.fetchall()}
    for name in ("reviews_publishedversion", "reviews_placement", "reviews_searchentry"):
        total, visible = pages_seen[name]
        assert total > 0 and visible == total, (name, pages_seen)
    with CaptureQueriesContext(connection) as queries:
        pages.region_topics("legs", "ru", 2)
    (query,) = [q["sql"] for q in queries if "MATERIALIZED" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + query)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Which index-only scans the planner picks depends on its costs (close at this
    # size); whichever it picks reads no row from the table.
    assert "Index Only Scan using live_" in plan, plan
    assert all(fetches == "0" for fetches in re.findall(r"Heap Fetches: (\d+)", plan)), plan
