"""On PostgreSQL, drop each entry's stored tsvector of title and body (`document`, a
generated column) and its GIN index: no search has read them since a search found its
matches in the indexes of title terms and of body terms (the release of 7 December 2026,
b90be72, which this one follows), and every approval and bulk load still computed and
indexed them (about 350 of the 2,129 MB of a +10,000-topic database: 306 MB of values
stored out of line, 44 MB of index).

The second step of the two releases a dropped column takes (README, "Upgrade"): the
previous release reads neither. Its bulk commands (seed_demo, build_synthetic_corpus,
rebuild_search_index) end by merging that index's pending list and fail once it is
gone: run them from the new release. The index goes CONCURRENTLY (not atomic), so
approvals and searches go on; the column's drop changes the catalogue only (the values
stay on disk until their rows are written again or the table is vacuumed in full).
Reversed, the column and its index come back (the table rewritten, the index built
CONCURRENTLY)."""

from django.db import migrations

from search.engines import POSTGRES_INDEX, drop_if_invalid

COLUMN = """ALTER TABLE reviews_searchentry ADD COLUMN IF NOT EXISTS document tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED"""


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {POSTGRES_INDEX}")
        schema_editor.execute("ALTER TABLE reviews_searchentry DROP COLUMN IF EXISTS document")


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COLUMN)
        drop_if_invalid(schema_editor, POSTGRES_INDEX)
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {POSTGRES_INDEX} "
            "ON reviews_searchentry USING gin (document)"
        )


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0008_title_terms_index")]

    operations = [migrations.RunPython(drop, restore)]
