"""What a migration may do to a live site's tables (README "Upgrade").

An index added to a table that already holds rows is built CONCURRENTLY on PostgreSQL
(django.contrib.postgres's AddIndexConcurrently, or CREATE INDEX CONCURRENTLY in a
non-atomic migration): a plain CREATE INDEX holds every write to the table (approvals,
withdrawals) for as long as the build takes. The migrations listed in PLAIN_BEFORE_RULE
predate the rule; the README says what they hold. And an index left invalid by an
interrupted concurrent build is built again by the next `migrate`, not kept."""

import ast
import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from search.engines import POSTGRES_BODY_INDEX, POSTGRES_INDEX, POSTGRES_TITLE_INDEX

ROOT = Path(settings.BASE_DIR)
# Plain CREATE INDEX on existing tables, before the rule (README "Upgrade" names them).
PLAIN_BEFORE_RULE = {
    "reviews/migrations/0010_live_version_indexes.py",
    "reviews/migrations/0011_history_and_feed_indexes.py",
    "reviews/migrations/0012_review_workbench.py",
    "reviews/migrations/0017_publishedversion_codes_and_more.py",
    "reviews/migrations/0018_languageversion_review_due.py",
    "reviews/migrations/0019_outdated_and_held_indexes.py",
}


def plain_index_builds(path: Path) -> list[str]:
    """The operations of a migration file that build an index without CONCURRENTLY."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Strings that are statements of their own (docstrings) build nothing.
    prose = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name == "AddIndex":
                found.append(f"line {node.lineno}: AddIndex")
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose
        ):
            text = " ".join(node.value.upper().split())
            if "CREATE INDEX" in text and "CREATE INDEX CONCURRENTLY" not in text:
                found.append(f"line {node.lineno}: {node.value.strip()[:60]}")
    return found


def test_new_migrations_build_their_indexes_concurrently():
    offenders = {}
    for path in sorted(ROOT.glob("*/migrations/0*.py")):
        name = str(path.relative_to(ROOT))
        if name not in PLAIN_BEFORE_RULE and plain_index_builds(path):
            offenders[name] = plain_index_builds(path)
    assert offenders == {}, "use AddIndexConcurrently in a non-atomic migration"


def test_the_rule_sees_a_plain_index_build(tmp_path):
    migration = tmp_path / "0099_new_index.py"
    migration.write_text(
        "from django.db import migrations, models\n"
        "operations = [migrations.AddIndex('languageversion', models.Index(fields=['key'], "
        "name='x')), migrations.RunSQL('create  index y on t (a)')]\n"
        "safe = [migrations.RunSQL('CREATE INDEX CONCURRENTLY z ON t (a)')]\n"
        '"A docstring that says CREATE INDEX builds nothing."\n'
    )
    assert len(plain_index_builds(migration)) == 2
    for name in PLAIN_BEFORE_RULE:  # the list names real files that still need it
        assert plain_index_builds(ROOT / name), name


def _index_valid(name: str) -> bool | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s",
            [name],
        )
        row = cursor.fetchone()
    return row[0] if row else None


# Marked so that pytest-django sets the test database up when this module runs alone (it
# sets up only the databases marked tests ask for); transactional, since CREATE INDEX
# CONCURRENTLY cannot run inside the test's transaction.
OUTSIDE_A_TRANSACTION = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's index builds")
@OUTSIDE_A_TRANSACTION
@pytest.mark.parametrize(
    "migration_name, index",
    [
        ("0005_body_terms_costed", POSTGRES_BODY_INDEX),
        ("0008_title_terms_index", POSTGRES_TITLE_INDEX),
    ],
)
def test_an_index_left_invalid_by_an_interrupted_build_is_built_again(
    django_db_setup, django_db_blocker, migration_name, index
):
    migration = importlib.import_module(f"search.migrations.{migration_name}")
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            # What an interrupted CREATE INDEX CONCURRENTLY leaves behind.
            cursor.execute(
                "UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass",
                [index],
            )
        assert _index_valid(index) is False
        try:
            with connection.schema_editor(atomic=False) as editor:
                migration.create(None, editor)
            assert _index_valid(index) is True
        finally:
            if _index_valid(index) is not True:
                with connection.cursor() as cursor:
                    cursor.execute(f"REINDEX INDEX {index}")


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's index builds")
@OUTSIDE_A_TRANSACTION
def test_the_online_index_operations_build_concurrently_and_mend_an_interrupted_build(
    django_db_setup, django_db_blocker
):
    """reviews.online_indexes, which migrations 0024 on use: CREATE and DROP INDEX
    CONCURRENTLY, and an index an interrupted build left invalid is built again."""
    from reviews import online_indexes
    from reviews.models import PublishedVersion

    (index,) = [i for i in PublishedVersion._meta.indexes if i.name == "live_titles_with_ids"]
    with django_db_blocker.unblock():
        with connection.schema_editor(collect_sql=True, atomic=False) as editor:
            online_indexes.remove_index_online(editor, PublishedVersion, index)
            online_indexes.add_index_online(editor, PublishedVersion, index)
        assert [sql.split(" ON ")[0].split(' "')[0] for sql in editor.collected_sql] == [
            "DROP INDEX CONCURRENTLY IF EXISTS",
            "CREATE INDEX CONCURRENTLY",
        ], editor.collected_sql
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass",
                [index.name],
            )
        assert _index_valid(index.name) is False
        try:
            with connection.schema_editor(atomic=False) as editor:
                online_indexes.add_index_online(editor, PublishedVersion, index)
            assert _index_valid(index.name) is True
        finally:
            if _index_valid(index.name) is not True:
                with connection.cursor() as cursor:
                    cursor.execute(f"REINDEX INDEX {index.name}")


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {
            column.name for column in connection.introspection.get_table_description(cursor, table)
        }


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's index builds")
@OUTSIDE_A_TRANSACTION
def test_the_unread_document_is_dropped_and_comes_back_when_reversed(
    django_db_setup, django_db_blocker
):
    """search 0009: the entries' stored tsvector and its index are gone after migrating;
    reversed, both come back (a rollback to the release before), and forward again."""
    migration = importlib.import_module("search.migrations.0009_drop_document")
    with django_db_blocker.unblock():
        assert "document" not in _columns("reviews_searchentry")
        assert _index_valid(POSTGRES_INDEX) is None
        try:
            with connection.schema_editor(atomic=False) as editor:
                migration.restore(None, editor)
            assert "document" in _columns("reviews_searchentry")
            assert _index_valid(POSTGRES_INDEX) is True
        finally:
            with connection.schema_editor(atomic=False) as editor:
                migration.drop(None, editor)
        assert "document" not in _columns("reviews_searchentry")
        assert _index_valid(POSTGRES_INDEX) is None
