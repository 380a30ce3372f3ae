"""Backups that restore: a consistent copy of the database while the site serves, with a
manifest, and a restore into an empty database that checks the copy against it.

SQLite: the online backup API (`sqlite3.Connection.backup`, all pages in one step), which
copies one consistent state while readers and writers go on (WAL). PostgreSQL: `pg_dump
--format=custom`, which reads one snapshot; the manifest's row counts are read in that
same snapshot (`pg_export_snapshot()` handed to `pg_dump --snapshot`), so they describe
exactly what the dump holds even while approvals commit meanwhile.

A backup is a folder: `database.sqlite3` or `database.dump`, and `manifest.json` (time,
code version, database vendor, Django migration state, row count per table). `restore`
refuses a database that already has tables, restores, then compares every table's row
count with the manifest and says which differ.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


def code_version() -> str:
    """The release: HEALTHSITE_RELEASE if the deployment names it, else the git commit."""
    if os.environ.get("HEALTHSITE_RELEASE"):
        return os.environ["HEALTHSITE_RELEASE"]
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - catalogue names
        counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    """Every ordinary table (full-text shadow tables included; virtual tables are read
    through them)."""
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
    ).fetchall()
    return [name for (name,) in rows]


def _pg_params(alias: str) -> tuple[dict[str, str], str]:
    conf = connections[alias].settings_dict
    env = {**os.environ}
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = conf["PASSWORD"]
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if conf.get(key):
            env[name] = str(conf[key])
    return env, conf["NAME"]


def backup(target: Path, *, alias: str = "default") -> dict[str, Any]:
    """Write a consistent copy of database `alias` and its manifest into the new folder
    `target`; returns the manifest."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: a backup goes into a new folder.")
    target.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    connection.ensure_connection()
    manifest: dict[str, Any] = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "vendor": connection.vendor,
    }
    if connection.vendor == "sqlite":
        copy = target / "database.sqlite3"
        destination = sqlite3.connect(copy)
        try:
            # pages=-1: every page in one step, so the copy is one state of the database.
            connection.connection.backup(destination, pages=-1)
            manifest["file"] = copy.name
            manifest["tables"] = _counts(destination.cursor(), _sqlite_tables(destination))
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        manifest["file"] = "database.dump"
        manifest["tables"] = _pg_dump(connection, alias, target / "database.dump")
    else:
        raise BackupError(f"No backup method for the {connection.vendor} database.")
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def _pg_dump(connection, alias: str, path: Path) -> dict[str, int]:
    env, name = _pg_params(alias)
    # A connection of our own, so the exported snapshot lives exactly as long as we need.
    reader = connection.get_new_connection(connection.get_connection_params())
    try:
        with reader.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            tables = [row[0] for row in cursor.fetchall()]
            counts = _counts(cursor, tables)
            done = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}"]
                + ["--file", str(path), name],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            cursor.execute("COMMIT")
    finally:
        reader.close()
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return counts


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        return json.loads((Path(source) / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} holds no readable {MANIFEST}: {error}") from error


def restore(source: Path, *, alias: str = "default") -> dict[str, int]:
    """Restore the backup folder `source` into database `alias`, which must be empty;
    returns the restored row counts, which equal the manifest's or BackupError says where
    they differ."""
    source = Path(source)
    manifest = read_manifest(source)
    connection = connections[alias]
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['vendor']} database; the target is {connection.vendor}."
        )
    existing = connection.introspection.table_names()
    if existing:
        raise BackupError(
            f"The target database already has {len(existing)} tables: restore only into an "
            "empty database (create a new one and point DATABASE_URL at it)."
        )
    if connection.vendor == "sqlite":
        counts = _restore_sqlite(connection, source / manifest["file"])
    else:
        counts = _restore_pg(connection, alias, source / manifest["file"])
    differ = {
        table: (expected, counts.get(table))
        for table, expected in manifest["tables"].items()
        if counts.get(table) != expected
    }
    if differ:
        raise BackupError(f"Restored row counts differ from the manifest: {differ}")
    return counts


def _restore_sqlite(connection, copy: Path) -> dict[str, int]:
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        connection.ensure_connection()
        source.backup(connection.connection, pages=-1)
    finally:
        source.close()
    connection.close()
    connection.ensure_connection()
    return _counts(connection.connection.cursor(), _sqlite_tables(connection.connection))


def _restore_pg(connection, alias: str, dump: Path) -> dict[str, int]:
    env, name = _pg_params(alias)
    done = subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction"]
        + ["--dbname", name, str(dump)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return _counts(cursor, [row[0] for row in cursor.fetchall()])


def prune(folder: Path, *, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups (folders with a manifest) in `folder`."""
    backups = sorted(
        (path for path in Path(folder).iterdir() if (path / MANIFEST).exists()),
        key=lambda path: read_manifest(path)["created"],
    )
    removed = backups[:-keep] if keep > 0 else []
    for path in removed:
        shutil.rmtree(path)
    return removed
