"""On PostgreSQL, a GIN index of each entry's body terms (search.engines): the ranking
asks it which bodies hold a term, instead of decompressing every match's tsvector from
TOAST to read the term's weight (issue 20, item 7). Nothing to do on SQLite, whose
ranking reads the body in memory.

Not atomic: the index is built CONCURRENTLY (outside a transaction), so approvals and
withdrawals can write search entries while it is built on a live site; a plain CREATE
INDEX would hold their writes for as long as the build takes (33 s at +10,000 topics).
A concurrent build that was interrupted (a failed deploy, a cancelled statement) leaves an
invalid index behind, which IF NOT EXISTS would keep: it is dropped and built again."""

from django.db import migrations

from search.engines import drop_if_invalid

# Migration 0005 replaces this index by one on a function that says what it costs.
INDEX = "reviews_searchentry_body_terms"
CREATE = (
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON reviews_searchentry "
    "USING gin (to_tsvector('simple'::regconfig, body))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        drop_if_invalid(schema_editor, INDEX)
        schema_editor.execute(CREATE)
        schema_editor.execute("ANALYZE reviews_searchentry")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0003_searchentry_body_length")]

    operations = [migrations.RunPython(create, drop)]
