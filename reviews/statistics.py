"""Fresh planner statistics after a bulk write (issue 20, item 7).

PostgreSQL plans from table statistics that autovacuum refreshes only after enough rows
changed and some time passed. Right after `load_content`, `seed_demo` or
`build_synthetic_corpus` wrote thousands of snapshots and search entries, the statistics
still describe the small tables of before: the search query then scanned every entry
(66 to 113 ms at +2,000 topics, up to 14x the seed corpus) until autovacuum ran. So each
bulk command ends with ANALYZE of the tables the public reads use.

SQLite is left alone: without sqlite_stat1 its planner plans the same way at any size,
and those plans are pinned by tests/test_query_plans.py; ANALYZE there would let the
plans change with the data.
"""

from __future__ import annotations

from django.db import connection

# The tables the public pages read (snapshots, their placements, the search entries).
TABLES = ("reviews_publishedversion", "reviews_placement", "reviews_searchentry")


def refresh_after_bulk_write() -> bool:
    """ANALYZE the public read tables on PostgreSQL; returns whether it ran."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(TABLES))
    return True
