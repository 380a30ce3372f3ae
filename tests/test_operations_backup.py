"""Backups restore (issue 26, item 1): a backup taken while reviewers approve restores
into an empty database with every published snapshot, the audit log and the drafts; on
SQLite (the online backup API) and PostgreSQL (pg_dump in one snapshot) alike.

The restore is the operator's command in a separate process (`manage.py restore` with
DATABASE_URL naming a new, empty database), as a restore drill would run it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections

from operations.backup import BackupError, backup, read_manifest
from reviews import workflow
from staff import roles

from .support.factories import LANGUAGES, approve, make_topic, make_user

SNAPSHOTS = "reviews_publishedversion"
AUDIT = "reviews_auditentry"
DRAFTS = ["articles_article", "articles_warningsign", "articles_reliefmeasure"]
# What never changes once written: who approved which text, when, from which source.
SNAPSHOT_FACTS = "id, kind, key, language, approved_at, approved_by_id"


def normal(value):
    """One spelling per value, whichever driver read it (time zones, JSON as text)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, str) and value[:1] in "{[":
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def rows(cursor, table: str, columns: str = "*") -> list[tuple]:
    cursor.execute(f"SELECT {columns} FROM {table} ORDER BY id")  # noqa: S608 - constants
    return [tuple(normal(value) for value in row) for row in cursor.fetchall()]


def source_rows(table: str, columns: str = "*") -> list[tuple]:
    """The live database's rows as its driver gives them (as the restored copy's are)."""
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        return rows(cursor, table, columns)
    finally:
        cursor.close()


def restored_cursor(database_url: str):
    if database_url.startswith("sqlite"):
        # Read as Django reads its own database (the same column converters).
        path = database_url.removeprefix("sqlite:///")
        return sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES).cursor()
    import psycopg

    return psycopg.connect(database_url, autocommit=True).cursor()


def empty_database_url(tmp_path) -> str:
    """A new, empty database of the test database's kind."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    name = f"restore_drill_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    conf = connection.settings_dict
    return f"postgres://{conf['USER']}@{conf['HOST']}:{conf['PORT']}/{name}"


def manage_restore(folder, database_url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="healthsite.settings.dev")
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def submitted_topics(count: int):
    """`count` topics submitted in every language, waiting for a reviewer."""
    versions = []
    for number in range(count):
        article = make_topic(f"backup-topic-{number}")
        for language in LANGUAGES:
            author = make_user(
                roles.EDITORS if language == "en" else roles.TRANSLATORS, languages=[language]
            )
            versions.append(workflow.submit(workflow.version_for(article, language), by=author))
    return versions


def approve_all(versions, reviewer, stop: threading.Event, approved: list):
    """A reviewer approving one version after another (English before translations)."""
    try:
        for version in versions:
            if stop.is_set():
                return
            for _attempt in range(50):
                try:
                    approve(version, reviewer=reviewer)
                    approved.append(version.pk)
                    stop.wait(0.01)  # a reviewer's pace, so the backup lands mid-day
                    break
                except OperationalError:  # SQLite's in-memory test database: table locked
                    stop.wait(0.02)
    finally:
        connections.close_all()


# serialized_rollback: the role groups come from a data migration; keep them for the tests after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_taken_while_reviewers_approve_restores_everything(tmp_path):
    reviewer = make_user(roles.REVIEWERS, languages=LANGUAGES)
    versions = submitted_topics(8)
    for version in versions[:4]:  # the first topic live before the day starts
        approve(version, reviewer=reviewer)

    stop, approved = threading.Event(), []
    approver = threading.Thread(target=approve_all, args=(versions[4:], reviewer, stop, approved))
    approver.start()
    try:
        while len(approved) < 3:
            stop.wait(0.005)
            assert approver.is_alive(), "the approvals stopped"
        before = len(approved)
        during = backup(tmp_path / "during")
        after_backup = len(approved)
    finally:
        approver.join(timeout=120)
    assert len(approved) == len(versions) - 4, "every approval after the backup went through"

    # The copy taken mid-day: a consistent state of that moment.
    url = empty_database_url(tmp_path)
    done = manage_restore(tmp_path / "during", url)
    assert done.returncode == 0, done.stderr
    assert "every count matches the manifest" in done.stdout
    cursor = restored_cursor(url)
    restored_audit = rows(cursor, AUDIT)
    assert restored_audit == source_rows(AUDIT)[: len(restored_audit)], "audit log is a prefix"
    assert len(restored_audit) == during["tables"][AUDIT]
    restored_snapshots = rows(cursor, SNAPSHOTS, SNAPSHOT_FACTS)
    assert restored_snapshots == source_rows(SNAPSHOTS, SNAPSHOT_FACTS)[: len(restored_snapshots)]
    assert before < len(versions) - 4, "the backup began while approvals were still to come"
    assert 4 + before <= len(restored_snapshots) <= 4 + after_backup
    for table in DRAFTS:
        assert rows(cursor, table) == source_rows(table), table

    # The copy taken after the day: everything, table by table, row by row.
    after = backup(tmp_path / "after")
    (tmp_path / "second").mkdir()
    url = empty_database_url(tmp_path / "second")
    done = manage_restore(tmp_path / "after", url)
    assert done.returncode == 0, done.stderr
    cursor = restored_cursor(url)
    assert len(rows(cursor, SNAPSHOTS)) == len(versions) == after["tables"][SNAPSHOTS]
    for table in [SNAPSHOTS, AUDIT, "reviews_languageversion", *DRAFTS]:
        assert rows(cursor, table) == source_rows(table), table


# serialized_rollback: the role groups come from a data migration; keep them for the tests after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_database_that_is_not_empty_and_a_folder_without_a_manifest(
    tmp_path,
):
    backup(tmp_path / "copy")
    manifest = read_manifest(tmp_path / "copy")
    assert manifest["tables"]["django_migrations"] > 0
    assert manifest["code_version"]

    url = empty_database_url(tmp_path)
    assert manage_restore(tmp_path / "copy", url).returncode == 0
    again = manage_restore(tmp_path / "copy", url)
    assert again.returncode != 0
    assert "restore only into an empty database" in again.stderr
    assert "Traceback" not in again.stderr

    (tmp_path / "nothing").mkdir()
    (tmp_path / "x").mkdir()
    missing = manage_restore(tmp_path / "nothing", empty_database_url(tmp_path / "x"))
    assert missing.returncode != 0
    assert "manifest.json" in missing.stderr
    with pytest.raises(BackupError, match="not empty"):
        backup(tmp_path / "copy")
