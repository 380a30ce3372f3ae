"""The A–Z places a list shows (reviews.shadows): each place says whether it is an
English place shadowed by its topic's place of the list's own language, kept by triggers
on every write; an index of each list's shown places in its order replaces 0029's index
of all of them (built CONCURRENTLY on PostgreSQL, as 0029's was, so approvals go on
meanwhile). The triggers are made before the flags are first set, in one transaction:
a place written by the previous release while this runs gets its flag too."""

import importlib

from django.db import migrations, models, transaction
from django.db.models import Q

from reviews import shadows, statistics
from reviews.online_indexes import add_index_online, remove_index_online

NAME = "places_shown_in_order"
# 0029's index of every place in its list's order, dropped here and made again backwards.
ALL_PLACES = importlib.import_module("reviews.migrations.0029_a_to_z_list_indexes").in_list_order


def shown_in_order(vendor: str) -> models.Index:
    """0029's index of each list's places in its order, of the places not shadowed only
    (not in the model's state either). SQLite reads an index alone only where it holds
    every column a statement names, the condition's too: the flag is added there."""
    _path, args, kwargs = ALL_PLACES(vendor).deconstruct()
    kwargs.update(name=NAME, condition=Q(shadowed=False))
    if vendor != "postgresql":
        kwargs["fields"] = [*kwargs["fields"], "shadowed"]
    return models.Index(*args, **kwargs)


def make_triggers(apps, schema_editor):
    create, _drop = shadows.schema(schema_editor.connection.vendor)
    with transaction.atomic(using=schema_editor.connection.alias):
        for statement in create:
            schema_editor.execute(statement)
        shadows.reshadow(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    _create, drop = shadows.schema(schema_editor.connection.vendor)
    for statement in drop:
        schema_editor.execute(statement)


def swap_indexes(apps, schema_editor):
    """The index of the shown places in, 0029's out. (On SQLite, AddField has already
    remade the table, which keeps only the indexes of the model's state: 0029's is gone.)"""
    model = apps.get_model("reviews", "TitleOrder")
    vendor = schema_editor.connection.vendor
    add_index_online(schema_editor, model, shown_in_order(vendor))
    if vendor == "postgresql":
        remove_index_online(schema_editor, model, ALL_PLACES(vendor))
    else:
        schema_editor.execute(f"DROP INDEX IF EXISTS {ALL_PLACES(vendor).name}")


def drop_shown(apps, schema_editor):
    model = apps.get_model("reviews", "TitleOrder")
    remove_index_online(schema_editor, model, shown_in_order(schema_editor.connection.vendor))


def restore_all_places_index(apps, schema_editor):
    """Backwards, last (after RemoveField, which on SQLite remakes the table): 0029's
    index again."""
    model = apps.get_model("reviews", "TitleOrder")
    add_index_online(schema_editor, model, ALL_PLACES(schema_editor.connection.vendor))


def vacuum(apps, schema_editor):
    """The flags' first fill rewrote the English places of translated topics: until
    vacuumed, their pages are not all-visible and an index-only scan reads the table."""
    statistics.refresh(["reviews_titleorder"], on=schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("reviews", "0029_a_to_z_list_indexes")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_all_places_index),
        migrations.AddField(
            model_name="titleorder",
            name="shadowed",
            field=models.BooleanField(db_default=False),
        ),
        migrations.RunPython(make_triggers, drop_triggers),
        migrations.RunPython(swap_indexes, drop_shown),
        migrations.RunPython(vacuum, migrations.RunPython.noop),
    ]
