"""Index operations for migrations of tables a live site writes to (README "Upgrade",
tests/test_migrations.py). On PostgreSQL the index is built and dropped CONCURRENTLY, so
approvals and withdrawals go on meanwhile (a plain CREATE INDEX holds every write to the
table for as long as the build takes), and an invalid index left by an interrupted build
is dropped and built again by the next `migrate`; elsewhere (SQLite) as Django's own.
A migration using them is not atomic (CONCURRENTLY runs outside a transaction)."""

from __future__ import annotations

from django.db import migrations

from search.engines import drop_if_invalid


def _concurrently(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def add_index_online(schema_editor, model, index) -> None:
    """Build `index` (CONCURRENTLY on PostgreSQL, after dropping an invalid leftover)."""
    if _concurrently(schema_editor):
        drop_if_invalid(schema_editor, index.name)
        schema_editor.add_index(model, index, concurrently=True)
    else:
        schema_editor.add_index(model, index)


def remove_index_online(schema_editor, model, index) -> None:
    if _concurrently(schema_editor):
        schema_editor.remove_index(model, index, concurrently=True)
    else:
        schema_editor.remove_index(model, index)


class AddIndexOnline(migrations.AddIndex):
    """AddIndex, built CONCURRENTLY on PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            add_index_online(schema_editor, model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            remove_index_online(schema_editor, model, self.index)


class RemoveIndexOnline(migrations.RemoveIndex):
    """RemoveIndex, dropped CONCURRENTLY on PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            remove_index_online(schema_editor, model, index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            add_index_online(schema_editor, model, index)
