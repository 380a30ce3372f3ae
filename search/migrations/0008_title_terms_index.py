"""On PostgreSQL, an index of each entry's title terms (search.engines), from which a search
takes the entries whose title holds one of its terms and scores them first
(search.queries): where enough of them outscore any entry whose title holds none, the
other matches are not scored.

Built like 0005's index of body terms: on a function declared as costly as a parse, and
CONCURRENTLY, so a live site keeps writing entries and searching meanwhile (not atomic);
an invalid index left by an interrupted build is dropped and built again. The function
names its schema (pg_catalog) so what it returns does not depend on the caller's
search_path, as an index's expression must not."""

from django.db import migrations

from search.engines import POSTGRES_TITLE_FUNCTION, POSTGRES_TITLE_INDEX, drop_if_invalid

FUNCTION = f"""
CREATE OR REPLACE FUNCTION {POSTGRES_TITLE_FUNCTION}(title text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
BEGIN
    RETURN pg_catalog.to_tsvector('pg_catalog.simple'::pg_catalog.regconfig, title);
END
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        drop_if_invalid(schema_editor, POSTGRES_TITLE_INDEX)
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {POSTGRES_TITLE_INDEX} "
            f"ON reviews_searchentry USING gin ({POSTGRES_TITLE_FUNCTION}(title))"
        )
        schema_editor.execute("ANALYZE reviews_searchentry")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {POSTGRES_TITLE_INDEX}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {POSTGRES_TITLE_FUNCTION}(text)")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0007_search_keys_by_language")]

    operations = [migrations.RunPython(create, drop)]
