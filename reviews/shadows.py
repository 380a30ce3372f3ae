"""Which A–Z places a list shows (models.TitleOrder.shadowed), kept by the database.

A list other than English holds a place of every live English topic version (a topic
not translated yet is listed in English) and one of every live version of its own
language. Where a topic has both, the English place is shadowed: the list shows its
own-language version. The page reads the places not shadowed, in the order of an index
that holds only those (reviews 0030): half the places of a translated list, and no test
of every English place against the list's own keys on each render (the Russian list at
+10,000 topics read 20,064 places for the 10,032 it shows, 16 to 17 ms; 7.5 ms after).

Triggers keep the flag, on both databases: whenever a place is inserted, deleted, or its
list, key or language changes, the English places of that key in that list are shadowed
exactly when the list has a place of its own language for the key. So every writer keeps
it right in the same statement: approvals, withdrawals, holds, the A–Z page's mending,
and a worker of the previous release during a rolling deploy, which knows nothing of
the flag. Two writers of one topic's places take that topic's locks first
(reviews.batch.lock_items); the A–Z page's mending locks the table on PostgreSQL
(`lock_places`), so no write of a topic's places runs beside it unseen by its triggers.

The triggers are made by reviews 0030. On SQLite, Django remakes a table for some
changes of its columns, and the copy has none of the old table's triggers (nor the
indexes not in the model's state): a migration that changes TitleOrder's columns must
make them again after (`schema`; the tests of this module fail without them).
"""

from __future__ import annotations

from django.db import connection

from articles.languages import SOURCE_LANGUAGE

TABLE = "reviews_titleorder"
FUNCTION = "reviews_titleorder_reshadow"
TRIGGER_FUNCTION = "reviews_titleorder_shadows"
TRIGGER = "reviews_titleorder_shadows"
SQLITE_TRIGGERS = {
    "ai": "INSERT",
    "ad": "DELETE",
    "au": "UPDATE OF language, key, version_language",
}


def _shadowed(listed: str, key: str) -> str:
    """The rule, as SQL: what the flag of a place of `key` in the list of `listed` (SQL
    expressions) should be: true for an English place in another list where that list
    has a place of its own language for the key."""
    return (
        f"(version_language = '{SOURCE_LANGUAGE}' AND {listed} <> '{SOURCE_LANGUAGE}' "  # noqa: S608
        f"AND {key} <> '' AND EXISTS (SELECT 1 FROM {TABLE} o WHERE o.language = {listed} "
        f"AND o.version_language = {listed} AND o.key = {key}))"
    )


def _update(where: str, vendor: str, listed: str, key: str) -> str:
    """SQL that sets the flag by the rule of the places `where` says, where it is wrong."""
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    rule = _shadowed(listed, key)
    return f"UPDATE {TABLE} SET shadowed = {rule} WHERE {where}shadowed {differs} {rule}"  # noqa: S608


def _reshadow(list_language: str, key: str, vendor: str) -> str:
    """SQL that sets the flags of the English places of `key` in `list_language`'s list
    (both SQL expressions): the triggers' statement, one lookup of the key by index."""
    where = (
        f"language = {list_language} AND version_language = '{SOURCE_LANGUAGE}' "
        f"AND key = {key} AND "
    )
    return _update(where, vendor, list_language, key)


def _sqlite_schema() -> tuple[list[str], list[str]]:
    create = []
    for suffix, event in SQLITE_TRIGGERS.items():
        rows = {"ai": ["NEW"], "ad": ["OLD"], "au": ["OLD", "NEW"]}[suffix]
        body = "".join(_reshadow(f"{row}.language", f"{row}.key", "sqlite") + ";\n" for row in rows)
        create.append(
            f"CREATE TRIGGER {TRIGGER}_{suffix} AFTER {event} ON {TABLE} BEGIN\n{body}END"
        )
    drop = [f"DROP TRIGGER IF EXISTS {TRIGGER}_{suffix}" for suffix in SQLITE_TRIGGERS]
    return create, drop


def _postgres_schema() -> tuple[list[str], list[str]]:
    create = [
        f"""CREATE OR REPLACE FUNCTION {FUNCTION}(text, text) RETURNS void
        LANGUAGE sql AS $$ {_reshadow("$1", "$2", "postgresql")} $$""",
        f"""CREATE OR REPLACE FUNCTION {TRIGGER_FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                PERFORM {FUNCTION}(OLD.language, OLD.key);
            END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN
                PERFORM {FUNCTION}(NEW.language, NEW.key);
            END IF;
            RETURN NULL;
        END $$""",
        # (The function's own UPDATE sets the flag alone: it fires no trigger again.)
        f"""CREATE TRIGGER {TRIGGER}
        AFTER INSERT OR DELETE OR UPDATE OF language, key, version_language ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION {TRIGGER_FUNCTION}()""",
    ]
    drop = [
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}",
        f"DROP FUNCTION IF EXISTS {TRIGGER_FUNCTION}()",
        f"DROP FUNCTION IF EXISTS {FUNCTION}(text, text)",
    ]
    return create, drop


def schema(vendor: str) -> tuple[list[str], list[str]]:
    """The statements that create and drop the triggers on `vendor`'s database."""
    if vendor == "sqlite":
        return _sqlite_schema()
    if vendor == "postgresql":
        return _postgres_schema()
    raise NotImplementedError(f"No A–Z place triggers for the {vendor} database")


def reshadow(on, language: str | None = None) -> int:
    """Set every flag of `language`'s list (of every list without one) from the places,
    where it is wrong, on the connection `on`: the migration's first fill, and the A–Z
    page's mending (a flag the triggers did not write: by hand, or while they were
    missing). Returns how many were wrong."""
    where = "" if language is None else "language = %s AND "
    statement = _update(where, on.vendor, f"{TABLE}.language", f"{TABLE}.key")
    with on.cursor() as cursor:
        cursor.execute(statement, [] if language is None else [language])
        return cursor.rowcount


def lock_places() -> None:
    """Inside a transaction on PostgreSQL: no other transaction writes A–Z places until
    this one ends (SHARE ROW EXCLUSIVE; reads go on). The A–Z page's mending writes
    places of many topics without their locks: an approval's place written beside it,
    uncommitted, would be unseen by the mending's triggers, and an English place could
    stay shown beside its topic's translation. (SQLite runs one writer at a time.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
