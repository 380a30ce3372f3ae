"""The plans of the A–Z list read from its places (issue 20): one scan of an index that
holds the places the list shows in its order (reviews 0030), never a sort of every place
nor a read of the table, nor any English place shadowed by a translation. On SQLite with
any number of topics (its planner does not look at table sizes); on PostgreSQL, that the
index can give the list in order (which plan it picks depends on the table's size)."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from public.readers import alphabetical as reader
from reviews import alphabetical, statistics
from reviews.models import PublishedVersion

from .test_a_to_z import publish_titled
from .test_query_plans_postgres import bulk_loaded, in_russian  # noqa: F401 - a fixture

PLACES_INDEX = "places_shown_in_order"


def list_statement(language: str) -> str:
    """The SQL of the list read from its places (the one of `_from_places`' in order)."""
    with CaptureQueriesContext(connection) as queries:
        assert reader._from_places(language) is not None
    (statement,) = [query["sql"] for query in queries if "ORDER BY" in query["sql"]]
    return statement


@pytest.mark.django_db
@pytest.mark.usefixtures("published_site_once")
@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's query planner")
@pytest.mark.parametrize("language", ["en", "ru"])
def test_sqlite_reads_a_list_from_its_index_in_order(site, language):
    publish_titled("apple", {"en": "Apple cramps", "ru": "Яблоко"}, site)
    publish_titled("bean", {"en": "Bean cramps"}, site)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + list_statement(language))
        steps = [row[-1] for row in cursor.fetchall()]
    assert steps[0] == f"SEARCH reviews_titleorder USING COVERING INDEX {PLACES_INDEX} (language=?)"
    assert not any("TEMP B-TREE" in step for step in steps), steps
    assert len(steps) == 1, steps


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's planner")
def test_postgresql_reads_a_list_from_its_index_in_order(bulk_loaded):  # noqa: F811
    """PostgreSQL prices the index's pages as read from disk and may plan a scan of the
    table and a sort of every place instead (on a freshly built +10,000-topic database,
    36 ms against 12.4 ms: docs/benchmarks.md), so the reader rules sorts out for its
    statement (`in_index_order`): with that, the index gives the list in its order,
    and the setting is as it was after."""
    english = list(PublishedVersion.objects.filter(key__startswith="bulk-"))
    russian = in_russian(english[::3], lambda version: f"bulk topic {version.key[5:]}a")
    for version in english + russian:  # the payload's title is what the places sort by
        version.shown_title = version.payload["title"]
    PublishedVersion.objects.bulk_update(english + russian, ["shown_title"])
    alphabetical.make([version.pk for version in english], "en")
    alphabetical.make([version.pk for version in english + russian], "ru")
    assert statistics.refresh_after_bulk_write()

    # The 1,000 Russian titles and the 2,000 untranslated English ones: a page of both.
    everything = [topic.language for _letter, topic in reader._in_memory("ru", 0, 3000).page]
    start = everything.index("en" if everything[0] == "ru" else "ru") - 10
    listed = reader.alphabetical_topics("ru", start, 50)
    assert listed == reader._in_memory("ru", start, 50)
    assert len(listed.initials) == 3000
    statement = list_statement("ru")
    with connection.cursor() as cursor:
        with reader.in_index_order():
            cursor.execute("EXPLAIN (COSTS OFF) " + statement)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SHOW enable_sort")
        assert cursor.fetchone() == ("on",)
    # One row of two texts (public.readers.alphabetical._in_order): the aggregate reads
    # the index's places in its order, with no sort and no parallel plan to split them.
    steps = [line.strip().removeprefix("->  ") for line in plan.splitlines()]
    assert steps[0] == "Aggregate", plan
    assert steps[1].startswith(f"Index Only Scan using {PLACES_INDEX}"), plan
    assert "Sort" not in plan and "Gather" not in plan and "Partial" not in plan, plan
    assert "SubPlan" not in plan and "Filter" not in plan, plan


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's settings")
def test_a_failed_statement_in_index_order_leaves_the_setting_as_it_was():
    """In a transaction (its rollback undoes the SET) and in autocommit (reset after)."""
    with transaction.atomic(), connection.cursor() as cursor:
        with pytest.raises(DatabaseError), reader.in_index_order():
            cursor.execute("SELECT 1 / 0")
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_sort")
        assert cursor.fetchone() == ("on",)
    with connection.cursor() as cursor:  # autocommit: the SET is its own transaction
        with pytest.raises(DatabaseError), reader.in_index_order():
            cursor.execute("SELECT 1 / 0")
        cursor.execute("SHOW enable_sort")
        assert cursor.fetchone() == ("on",)
