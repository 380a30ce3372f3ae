"""Each entry's title terms, spaced for the ranking's count (search.models, search.ranking):
a search no longer spaces every matching title itself.

Written so a live site keeps searching and approving meanwhile. The column may be empty
(NULL), so adding it rewrites nothing on either database (SQLite adds it in place and
keeps the full-text triggers). The existing entries are then filled in batches, each its
own transaction: on PostgreSQL an update of an entry also computes its tsvector and body
index entries again (about 3 minutes for 80,000 entries on a slow machine, which one
transaction would have held under the column's lock, stopping every search). Until an
entry is filled, and for any entry written without it, the ranking spaces its title
itself (search.ranking), so the order is the same throughout."""

from django.db import migrations, models

from search.engines import POSTGRES_BODY_INDEX, POSTGRES_INDEX

BATCH = 2000

FILL = """
UPDATE reviews_searchentry SET title_spaced = ' ' || replace(title, ' ', '  ') || ' '
WHERE version_id IN (
    SELECT version_id FROM reviews_searchentry WHERE title_spaced IS NULL LIMIT %s
)"""


def fill(apps, schema_editor):
    """What search.index.spaced writes for a new entry, for the entries before it."""
    while True:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FILL, [BATCH])
            if cursor.rowcount < BATCH:
                break
    if schema_editor.connection.vendor == "postgresql":
        # (An index no longer there is skipped: search 0009 drops the first, and a test
        # runs this fill on today's schema.)
        for index in (POSTGRES_INDEX, POSTGRES_BODY_INDEX):
            schema_editor.execute("SELECT gin_clean_pending_list(to_regclass(%s))", [index])
        schema_editor.execute("ANALYZE reviews_searchentry")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0005_body_terms_costed")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="title_spaced",
            field=models.TextField(null=True, verbose_name="title terms, spaced"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
