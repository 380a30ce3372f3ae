"""A search on PostgreSQL plans no parallel workers (public.readers.search_results._found):
for a word in most topics the planner chose a parallel scan of the body terms, and
starting its worker cost more than it saved (docs/benchmarks.md). Nor is it compiled
(JIT): the site's connections run with jit off (healthsite/settings/base.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from public.readers.search_results import search_topics
from search.index import MOST

from .test_query_plans_postgres import bulk_loaded, explain  # noqa: F401 - a fixture

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's planner"),
]

# What makes the planner choose parallel workers for the search of a word in every
# topic at this size (3,000 topics): workers priced as free.
PARALLEL_PRICED_FREE = {
    "parallel_setup_cost": "0",
    "parallel_tuple_cost": "0",
    "min_parallel_table_scan_size": "0",
    "min_parallel_index_scan_size": "0",
}


def show(setting: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        return cursor.fetchone()[0]


def test_a_search_runs_without_parallel_workers(bulk_loaded):  # noqa: F811
    with connection.cursor() as cursor:
        for name, value in PARALLEL_PRICED_FREE.items():
            cursor.execute(f"SET {name} = {value}")
    workers = show("max_parallel_workers_per_gather")
    with CaptureQueriesContext(connection) as queries:
        results = search_topics(["bulk"], "en")
    # 3,000 match; a search lists the best MOST and says there are more.
    assert (results.page.total, results.more) == (MOST, True)
    statements = [query["sql"] for query in queries]
    (searched,) = [n for n, sql in enumerate(statements) if "search_total" in sql]
    # The same statement planned with the session's settings: workers (the test's
    # pricing makes them worth it), so the setting below is what keeps them out.
    assert "Gather" in explain(statements[searched], None), statements[searched]
    assert statements[searched - 1] == "SET max_parallel_workers_per_gather = 0"
    assert statements[searched + 1] == "RESET max_parallel_workers_per_gather"
    assert show("max_parallel_workers_per_gather") == workers


def test_a_costly_search_is_not_compiled(bulk_loaded):  # noqa: F811
    """At +10,000 topics, searches planned without workers cost more than jit_above_cost
    and PostgreSQL compiled them: 35 to 50 ms more each. Here every statement would pass
    the threshold; the site's connection still runs the search uncompiled."""
    with connection.cursor() as cursor:
        # (pg_jit_available() is false while jit is off: asked with it on, then reset.)
        cursor.execute("SET jit = on")
        cursor.execute("SELECT pg_jit_available()")
        available = cursor.fetchone()[0]
        cursor.execute("RESET jit")
        if not available:
            pytest.skip("this PostgreSQL has no JIT to leave off")
        cursor.execute("SET jit_above_cost = 0")
    with CaptureQueriesContext(connection) as queries:
        search_topics(["bulk"], "en")
    (statement,) = [query["sql"] for query in queries if "search_total" in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement)
        (plan,) = cursor.fetchone()[0]
        cursor.execute("RESET jit_above_cost")
    assert "JIT" not in plan, plan["JIT"]
