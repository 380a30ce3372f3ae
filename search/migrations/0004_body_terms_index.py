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

from search.engines import POSTGRES_BODY_DROP, POSTGRES_BODY_INDEX, POSTGRES_BODY_SCHEMA

INVALID = """
SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE c.relname = %s AND pg_table_is_visible(c.oid)
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(INVALID, [POSTGRES_BODY_INDEX])
            leftover = cursor.fetchone()
        if leftover and leftover[0]:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {POSTGRES_BODY_INDEX}")
        for statement in POSTGRES_BODY_SCHEMA:
            schema_editor.execute(statement)
        schema_editor.execute("ANALYZE reviews_searchentry")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BODY_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0003_searchentry_body_length")]

    operations = [migrations.RunPython(create, drop)]
