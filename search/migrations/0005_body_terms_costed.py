"""On PostgreSQL, the index of body terms (search.engines) is built on
`search_body_terms(body)`, a function declared as costly as it is, instead of on
to_tsvector('simple', body). PostgreSQL prices a to_tsvector call like a hundred
additions; a real body takes about 0.7 ms to parse. So on a small corpus (the seed's 32
English topics) the planner tested each body of the language with to_tsvector rather
than read the index: 23 of a search's 25 ms, three times the cost at +10,000 topics,
where the index is read. Priced right, the index is read at any size.

Not atomic, like 0004: the new index is built CONCURRENTLY before the old one is dropped,
so a live site keeps writing entries and searching an index meanwhile; an invalid index
left by an interrupted build is dropped and built again. The function names its schema
(pg_catalog) so what it returns does not depend on the caller's search_path, as an
index's expression must not."""

from django.db import migrations

from search.engines import drop_if_invalid

INDEX = "reviews_searchentry_body_lexemes"
OLD_INDEX = "reviews_searchentry_body_terms"
FUNCTION = """
CREATE OR REPLACE FUNCTION search_body_terms(body text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
BEGIN
    RETURN pg_catalog.to_tsvector('pg_catalog.simple'::pg_catalog.regconfig, body);
END
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        drop_if_invalid(schema_editor, INDEX)
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON reviews_searchentry "
            "USING gin (search_body_terms(body))"
        )
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {OLD_INDEX}")
        schema_editor.execute("ANALYZE reviews_searchentry")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        drop_if_invalid(schema_editor, OLD_INDEX)
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {OLD_INDEX} ON reviews_searchentry "
            "USING gin (to_tsvector('simple'::regconfig, body))"
        )
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        schema_editor.execute("DROP FUNCTION IF EXISTS search_body_terms(text)")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0004_body_terms_index")]

    operations = [migrations.RunPython(create, drop)]
