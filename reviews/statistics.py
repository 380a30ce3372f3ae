"""Fresh planner statistics after a bulk write (issue 20, item 7).

PostgreSQL plans from table statistics that autovacuum refreshes only after enough rows
changed and some time passed. Right after `load_content`, `seed_demo` or
`build_synthetic_corpus` wrote thousands of snapshots and search entries, the statistics
still describe the small tables of before: the search query then scanned every entry
(66 to 113 ms at +2,000 topics, up to 14x the seed corpus) until autovacuum ran. So each
bulk command ends with ANALYZE of the tables the public reads use.

And it merges the search index's pending list. A GIN index takes new entries into an
unsorted pending list (fastupdate) that autovacuum merges later; until then every
search reads the whole list, and the planner, counting its pages, prices the index
above a sequential scan of the entries: at +2,000 topics a search for a word in 64
entries scanned all 8,128 and detoasted each tsvector (47 ms, not 4 ms; 115 pending
pages). gin_clean_pending_list merges it at once, inside the transaction.

Outside a transaction (the management commands: each batch commits its own) it runs
VACUUM (ANALYZE) instead, which also marks the freshly written pages all-visible: until
then an index-only scan still visits the table for every row (the Russian region page at
+10,000 topics read its candidates from the covering index `live_titles_with_ids` with a
heap fetch each, 2.0x its seed render straight after the load). VACUUM cannot run inside
a transaction, so there (the tests' fixtures) it is ANALYZE alone.

SQLite is left alone: without sqlite_stat1 its planner plans the same way at any size,
and those plans are pinned by tests/test_query_plans.py; ANALYZE there would let the
plans change with the data.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from search.engines import POSTGRES_BODY_INDEX, POSTGRES_TITLE_INDEX

# The tables the public pages read (snapshots, their placements, the search entries,
# the A–Z list's places).
TABLES = (
    "reviews_publishedversion",
    "reviews_placement",
    "reviews_searchentry",
    "reviews_titleorder",
)


def refresh_after_bulk_write() -> bool:
    """ANALYZE the public read tables on PostgreSQL (VACUUM them too outside a
    transaction) and merge the search index's pending lists; returns whether it ran."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        for index in (POSTGRES_BODY_INDEX, POSTGRES_TITLE_INDEX):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
    refresh(TABLES)
    return True


def refresh(tables: Sequence[str], on=connection) -> None:
    """VACUUM (ANALYZE) `tables` on PostgreSQL, so the pages just written are
    all-visible (index-only scans then skip the table); ANALYZE alone inside a
    transaction, where VACUUM cannot run. `on`: the connection (a migration's)."""
    if on.vendor != "postgresql":
        return
    statement = "ANALYZE" if on.in_atomic_block else "VACUUM (ANALYZE)"
    with on.cursor() as cursor:
        cursor.execute(f"{statement} {', '.join(tables)}")
