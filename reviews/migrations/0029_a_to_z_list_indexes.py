"""Two indexes of the A–Z places, so a complete list is read from its places alone
(public.readers.alphabetical), built CONCURRENTLY on PostgreSQL so approvals go on
meanwhile (an interrupted build is dropped and built again):

- each list's places in its order, holding all the page reads of them: one index-only
  scan, no sort of every place. The order is by code points: PostgreSQL's "C"
  collation, SQLite's default (BINARY); Django's Index names no collation both know, so
  this one is made for the database at hand and is not in the model's state;
- the keys of each list's own language's places (which leave the English places of
  those keys out of the list), and each list's count."""

from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Collate

from reviews import statistics
from reviews.online_indexes import AddIndexOnline, add_index_online, remove_index_online

NAME = "places_in_list_order"


def in_list_order(vendor: str) -> models.Index:
    if vendor == "postgresql":
        return models.Index(
            F("language"),
            Collate(F("sort_key"), "C"),
            Collate(F("key"), "C"),
            name=NAME,
            include=["rules", "version_language", "initial", "version"],
        )
    fields = ["language", "sort_key", "key", "rules", "version_language", "initial", "version"]
    return models.Index(fields=fields, name=NAME)


def create(apps, schema_editor):
    model = apps.get_model("reviews", "TitleOrder")
    add_index_online(schema_editor, model, in_list_order(schema_editor.connection.vendor))


def drop(apps, schema_editor):
    model = apps.get_model("reviews", "TitleOrder")
    remove_index_online(schema_editor, model, in_list_order(schema_editor.connection.vendor))


def vacuum(apps, schema_editor):
    """0028 rewrote every place: until the table is vacuumed its pages are not
    all-visible, and the index-only scans read the table too (the Russian list at +10,000
    topics 56 to 61 ms straight after the migration, 30 ms once autovacuum had run)."""
    statistics.refresh(["reviews_titleorder"], on=schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("reviews", "0028_title_order_key")]

    operations = [
        migrations.RunPython(create, drop),
        AddIndexOnline(
            model_name="titleorder",
            index=models.Index(
                fields=["language", "version_language", "key"], name="places_by_own_key"
            ),
        ),
        migrations.RunPython(vacuum, migrations.RunPython.noop),
    ]
