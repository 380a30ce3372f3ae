"""Each published version keeps the title it is shown under (PublishedVersion.shown_title),
so the A–Z page reads every live topic's title without decoding every snapshot.

Written so a live site keeps serving and approving meanwhile, as search 0006 is. The
column may be empty (NULL), so adding it rewrites nothing on either database (SQLite adds
it in place). The versions before it are then filled in batches, each its own
transaction, with what `reviews.models.shown_title` writes at approval (the payload's
title, else its name, else the key; an empty one counts as missing). Until a version is
filled, and for any version written without it, the readers take the title from the
payload, so every page reads the same throughout."""

from django.db import migrations, models

BATCH = 2000

TITLE = {
    "postgresql": "COALESCE(NULLIF(payload ->> 'title', ''), NULLIF(payload ->> 'name', ''), key)",
    "sqlite": (
        "COALESCE(NULLIF(json_extract(payload, '$.title'), ''), "
        "NULLIF(json_extract(payload, '$.name'), ''), key)"
    ),
}

FILL = """
UPDATE reviews_publishedversion SET shown_title = {title}
WHERE id IN (
    SELECT id FROM reviews_publishedversion WHERE shown_title IS NULL ORDER BY id LIMIT %s
)"""


def fill(apps, schema_editor):
    """What approval writes for a new version, for the versions before it."""
    vendor = schema_editor.connection.vendor
    statement = FILL.format(title=TITLE[vendor])  # fixed SQL: only the batch is a parameter
    while True:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(statement, [BATCH])
            if cursor.rowcount < BATCH:
                break
    if vendor == "postgresql":
        schema_editor.execute("ANALYZE reviews_publishedversion")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("reviews", "0021_invalidation_grace")]

    operations = [
        migrations.AddField(
            model_name="publishedversion",
            name="shown_title",
            field=models.TextField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
