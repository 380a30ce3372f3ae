"""On PostgreSQL, a GIN index of each entry's body terms (search.engines): the ranking
asks it which bodies hold a term, instead of decompressing every match's tsvector from
TOAST to read the term's weight (issue 20, item 7). Nothing to do on SQLite, whose
ranking reads the body in memory.

Not atomic: the index is built CONCURRENTLY (outside a transaction), so approvals and
withdrawals can write search entries while it is built on a live site; a plain CREATE
INDEX would hold their writes for as long as the build takes (33 s at +10,000 topics)."""

from django.db import migrations

from search.engines import POSTGRES_BODY_DROP, POSTGRES_BODY_SCHEMA


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
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
