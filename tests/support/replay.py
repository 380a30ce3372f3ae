"""Content a test builds, built once a session and written again after.

Building the published site or the real corpus runs the whole workflow (loading,
rendering, snapshots, search entries, approvals): 0.7 s and 4-5 s each time. The first
build of a session runs it and records the rows it added, changed or deleted in every
table of the project's models; a later build that starts from the same rows writes those
rows again instead, in its own transaction (so it is rolled back with it).

The record is keyed by what the build starts from (every row of every table, and the
day): a build on another database state, or on another day, runs the workflow. The
full-text tables are not models: the search entries' triggers (SQLite) and generated
column (PostgreSQL) fill them as the rows are written. Foreign keys are checked at the
commit on both databases (Django declares them deferrable), so the order of the rows
does not matter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection
from django.utils import timezone

Rows = dict[str, dict[Any, tuple]]  # table -> {primary key: row}


@dataclass
class Change:
    columns: dict[str, list[str]]
    added: dict[str, list[tuple]]
    changed: dict[str, list[tuple]]
    deleted: dict[str, list[Any]]
    value: Any


_recorded: dict[tuple[str, str], Change] = {}


def _tables() -> dict[str, tuple[str, list[str]]]:
    """table -> (primary key column, columns) of every installed model's table."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in tables:
            continue
        columns = [field.column for field in meta.concrete_fields]
        tables[meta.db_table] = (meta.pk.column, columns)
    return tables


# The SQL below names tables and columns from the models' metadata, quoted by the database;
# values are always parameters (S608 is about the former).


def _rows(tables) -> Rows:
    quote = connection.ops.quote_name
    found: Rows = {}
    with connection.cursor() as cursor:
        for table, (pk, columns) in tables.items():
            names = ", ".join(map(quote, columns))
            cursor.execute(f"SELECT {names} FROM {quote(table)}")  # noqa: S608
            position = columns.index(pk)
            found[table] = {row[position]: tuple(row) for row in cursor.fetchall()}
    return found


def _key(name: str, rows: Rows) -> tuple[str, str]:
    digest = hashlib.sha256(repr((timezone.now().date(), sorted(
        (table, sorted(found.items(), key=repr)) for table, found in rows.items()
    ))).encode())  # fmt: skip
    return name, digest.hexdigest()


def _adapt(value):
    if connection.vendor == "postgresql" and isinstance(value, dict | list):
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


def _write(change: Change, tables) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, keys in change.deleted.items():
            pk = tables[table][0]
            cursor.executemany(
                f"DELETE FROM {quote(table)} WHERE {quote(pk)} = %s",  # noqa: S608
                [[key] for key in keys],
            )
        for table, rows in change.changed.items():
            pk, columns = tables[table]
            assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
            position = columns.index(pk)
            cursor.executemany(
                f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk)} = %s",  # noqa: S608
                [[*map(_adapt, row), row[position]] for row in rows],
            )
        for table, rows in change.added.items():
            columns = change.columns[table]
            names, marks = ", ".join(map(quote, columns)), ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",  # noqa: S608
                [list(map(_adapt, row)) for row in rows],
            )


def built(name: str, build: Callable[[], Any], after: Callable[[], None] = lambda: None):
    """build() the first time from this database state (recording what it wrote), or
    write what it wrote then again; then after() (what the build does outside the
    tables, such as refreshing the planner's statistics). Returns build()'s value."""
    tables = _tables()
    before = _rows(tables)
    key = _key(name, before)
    change = _recorded.get(key)
    if change is not None:
        _write(change, tables)
        after()
        return change.value
    value = build()
    rows = _rows(tables)
    added, changed, deleted = {}, {}, {}
    for table, found in rows.items():
        old = before[table]
        if new := [row for pk, row in found.items() if pk not in old]:
            added[table] = new
        if edited := [row for pk, row in found.items() if pk in old and old[pk] != row]:
            changed[table] = edited
        if gone := [pk for pk in old if pk not in found]:
            deleted[table] = gone
    columns = {table: tables[table][1] for table in tables}
    _recorded[key] = Change(columns, added, changed, deleted, value)
    return value
