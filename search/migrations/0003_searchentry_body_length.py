"""The length of each entry's body terms, kept beside them for the ranking (search.ranking):
PostgreSQL no longer decompresses every matching body to measure it (issue 20, item 7).

On SQLite, Django adds a NOT NULL column by rebuilding the table, which drops the
triggers that keep the full-text table in step (search.engines, migration reviews 0008);
they are created again here, after the lengths are filled. On PostgreSQL the statistics
and the search index are refreshed after the update."""

from django.db import migrations, models

from search.engines import POSTGRES_INDEX, SQLITE_DROP, SQLITE_SCHEMA


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in [*SQLITE_DROP, *SQLITE_SCHEMA]:
        if "TRIGGER" in statement.split("\n")[0]:  # the triggers, not the table
            schema_editor.execute(statement)


def refresh_postgres(apps, schema_editor):
    """The update rewrote every entry: merge the search index's pending list and count
    the rows again (as reviews.statistics does after bulk writes), or searches would
    scan every entry until autovacuum ran."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SELECT gin_clean_pending_list(to_regclass(%s))", [POSTGRES_INDEX])
    schema_editor.execute("ANALYZE reviews_searchentry")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_vocabulary")]

    operations = [
        # Backwards, this runs last: removing the column rebuilds the table again.
        migrations.RunPython(migrations.RunPython.noop, recreate_sqlite_triggers),
        migrations.AddField(
            model_name="searchentry",
            name="body_length",
            field=models.PositiveIntegerField(default=0, verbose_name="body length"),
        ),
        # length() counts characters on both databases, as Python's len() does.
        migrations.RunSQL(
            "UPDATE reviews_searchentry SET body_length = length(body)",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop),
        migrations.RunPython(refresh_postgres, migrations.RunPython.noop),
    ]
