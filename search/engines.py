"""The databases' full-text engines behind search: the objects they need (created and
dropped by migration reviews 0008) and the SQL that finds the entries holding any of a
query's terms.

- SQLite: an FTS5 table over the entries (external content, kept in step by triggers);
- PostgreSQL: GIN indexes of the title's terms and of the body's terms (migrations search
  0005 and 0008), which find the matches and tell the ranking where a term is. The
  stored tsvector of both (`document`, with its GIN index) that reviews 0008 made was
  read until 7 December 2026 and is dropped by search 0009.

Both see the same terms (`search.terms`: the 'simple' configuration on PostgreSQL, plain
unicode61 tokens on SQLite); the score is computed alike on both (`search.ranking`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ranking import Plan, Score

FTS_TABLE = "reviews_searchentry_fts"

SQLITE_SCHEMA = [
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        title, body, content='reviews_searchentry', content_rowid='version_id',
        tokenize='unicode61 remove_diacritics 0')""",
    f"""CREATE TRIGGER reviews_searchentry_ai AFTER INSERT ON reviews_searchentry BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, body)
        VALUES (new.version_id, new.title, new.body);
    END""",
    f"""CREATE TRIGGER reviews_searchentry_ad AFTER DELETE ON reviews_searchentry BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body)
        VALUES ('delete', old.version_id, old.title, old.body);
    END""",
    f"""CREATE TRIGGER reviews_searchentry_au AFTER UPDATE ON reviews_searchentry BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body)
        VALUES ('delete', old.version_id, old.title, old.body);
        INSERT INTO {FTS_TABLE}(rowid, title, body)
        VALUES (new.version_id, new.title, new.body);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS reviews_searchentry_ai",
    "DROP TRIGGER IF EXISTS reviews_searchentry_ad",
    "DROP TRIGGER IF EXISTS reviews_searchentry_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

# The entries' tsvector and its GIN index, as migration reviews 0008 made them (search 0009
# drops both: the module's docstring).
POSTGRES_INDEX = "reviews_searchentry_document"
POSTGRES_SCHEMA = [
    """ALTER TABLE reviews_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED""",
    f"CREATE INDEX {POSTGRES_INDEX} ON reviews_searchentry USING gin (document)",
]
POSTGRES_DROP = [
    f"DROP INDEX IF EXISTS {POSTGRES_INDEX}",
    "ALTER TABLE reviews_searchentry DROP COLUMN IF EXISTS document",
]


# The body's terms alone, indexed (no stored column): the ranking asks which entries' bodies
# hold a term as one index lookup per term. The indexed expression is a function that says
# what it costs (migration search 0005): PostgreSQL prices to_tsvector at a hundredth of a
# real body's parse, so on a small corpus it parsed every body of the language for each
# search (23 of 25 ms on the seed corpus) instead of reading this index.
POSTGRES_BODY_INDEX = "reviews_searchentry_body_lexemes"
POSTGRES_BODY_FUNCTION = "search_body_terms"
# The title's terms alone, indexed the same way (migration search 0008): the entries whose
# title holds a term, which a search scores first (search.queries).
POSTGRES_TITLE_INDEX = "reviews_searchentry_title_lexemes"
POSTGRES_TITLE_FUNCTION = "search_title_terms"

INVALID_INDEX = """
SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE c.relname = %s AND pg_table_is_visible(c.oid)
"""


def drop_if_invalid(schema_editor, index: str) -> None:
    """Drop what an interrupted CREATE INDEX CONCURRENTLY left of `index` (an invalid
    index, which IF NOT EXISTS would keep), so a migration builds it again."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(INVALID_INDEX, [index])
        leftover = cursor.fetchone()
    if leftover and leftover[0]:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index}")


def engine_schema(vendor: str) -> tuple[list[str], list[str]]:
    """The statements that create and drop the full-text engine's objects."""
    if vendor == "sqlite":
        return SQLITE_SCHEMA, SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRES_SCHEMA, POSTGRES_DROP
    raise NotImplementedError(f"No full-text search for the {vendor} database")


def _column_match(column: str, term: str) -> str:
    """An FTS5 query for `term` as a whole token of one column (a column filter)."""
    return f'{column} : "' + term.replace('"', '""') + '"'


def in_body_sql(
    vendor: str, term: str, language: str, titled: str | None = None
) -> tuple[str, list[str]]:
    """SQL that is true when an entry `e` (in `language`) has `term` among its body's
    terms, and its parameters. Each engine looks the term up once in its index and tests
    each match's id against that set: SQLite asks FTS5 for the rows whose body column
    holds it (reading " term " in each match's body took 26 of 66 ms of a search for
    "cramp" at +3,000 topics, and 340 of 470 ms for a four-word query); PostgreSQL asks
    the index of body terms (a hashed subplan): reading the term's weight in each match's
    tsvector, or the body itself, decompressed both from TOAST for every match (28 ms a
    pass over the 5,956 matches of "cramp" at +10,000 topics, two passes per term; the
    lookup 1.5 ms). PostgreSQL's set is that language's entries only: it hashes the set
    while it fits in memory (about 8 MB by default, over 100,000 entries), and beyond that
    would scan it once per match. The language is a filter on the lookup's rows, not a
    second index (`|| ''`): for a term in most entries the planner ANDed the body index
    with the whole language's entries in the language index, 2.0 to 2.8 ms, more than
    reading those rows ("pain" at +10,000 topics, 16.9 -> 14.6 ms). Both read the same
    terms (FTS5's unicode61 tokens and the 'simple' configuration split the terms at their
    spaces, and a term is letters, digits and marks only: search.terms);
    tests/test_search_queries.py recomputes the order from the body text on both
    databases. `titled` (PostgreSQL; an engine query): the set is only of entries whose
    title holds one of its terms, for a search that scores only those (search.queries):
    the two indexes are read together and fewer rows hashed ("dolor muscular" in Spanish
    at +10,000 topics, 9,091 and 8,778 entries a term before, about 4,000 after)."""
    if vendor == "sqlite":
        return (
            f"e.version_id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [_column_match("body", term)],
        )
    quoted = "'" + term.replace("'", "''") + "'"
    among, among_params = "", []
    if titled is not None:
        among = f" AND {POSTGRES_TITLE_FUNCTION}(b.title) @@ to_tsquery('simple'::regconfig, %s)"
        among_params = [titled]
    return (
        f"e.version_id IN (SELECT b.version_id FROM reviews_searchentry b "
        f"WHERE {POSTGRES_BODY_FUNCTION}(b.body) "
        f"@@ to_tsquery('simple'::regconfig, %s){among} AND (b.language || '') = %s)"
    ), [quoted, *among_params, language]


def in_title_sql(vendor: str, term: str) -> tuple[str, list[str]] | None:
    """SQL that is true when an entry `e`'s title column holds `term`, and its
    parameters, where the engine's index says so cheaply (SQLite: FTS5's title column);
    None where counting the term in every match's title is as cheap. The ranking counts
    the term's occurrences in a title only where this is true: on SQLite that count was
    half of a four-word search once the body was looked up in the index."""
    if vendor == "sqlite":
        return (
            f"e.version_id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [_column_match("title", term)],
        )
    return None


def matches_sql(vendor: str) -> str:
    """FROM and WHERE of the entries `e` matching any of a query's terms in one language.
    Parameters: the engine query as `matched_by` gives it, the kind, the language.
    PostgreSQL reads the index of title terms and the index of body terms (a BitmapOr):
    an entry holds a term where its title or its body does. It read the stored tsvector
    of title and body (`document`) instead, a test PostgreSQL prices like an addition,
    but each document is stored compressed out of line and read back for every row
    tested: at +300 topics the planner scanned every entry and tested its document, four passes
    of about 7 ms for the Spanish "dolor muscular" (34 ms; 6.5 ms from the two indexes,
    whose functions are priced as the parses they are; tests/test_search_plans_postgres)."""
    if vendor == "sqlite":
        # The matches are found first (MATERIALIZED), then joined to their entries by
        # rowid: left to itself, SQLite's planner walks every entry of the language and
        # probes the index for each (0.5 s at 10,000 topics, not 15 ms).
        return f"""
            FROM (
                SELECT rowid AS version_id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s
            ) AS m CROSS JOIN reviews_searchentry e ON e.version_id = m.version_id
            WHERE e.kind = %s AND e.language = %s"""
    return f"""
            FROM reviews_searchentry e
            WHERE ({POSTGRES_TITLE_FUNCTION}(e.title) @@ to_tsquery('simple'::regconfig, %s)
                OR {POSTGRES_BODY_FUNCTION}(e.body) @@ to_tsquery('simple'::regconfig, %s))
            AND e.kind = %s AND e.language = %s"""


def matched_by(vendor: str, engine: str) -> list[str]:
    """`matches_sql`'s parameters for the engine query `engine`: once on SQLite (FTS5's
    table holds title and body), once per index on PostgreSQL (title, then body)."""
    return [engine] if vendor == "sqlite" else [engine, engine]


def titles_sql() -> str:
    """PostgreSQL: FROM and WHERE of the entries `e` whose title holds any of a query's terms
    in one language, from the index of title terms (a subset of `matches_sql`'s, which reads
    the same index and the index of body terms). Parameters: the engine query, the kind, the
    language. The language filters the index's rows (`|| ''`), as in `in_body_sql`: the
    planner ANDed the lookup with the whole language's keys in their index (0.9 to 1.4 ms at
    +10,000 topics) to save reading rows it reads anyway."""
    return f"""
            FROM reviews_searchentry e
            WHERE {POSTGRES_TITLE_FUNCTION}(e.title) @@ to_tsquery('simple'::regconfig, %s)
            AND e.kind = %s AND (e.language || '') = %s"""


def hits_sql(vendor: str, score: Score, also: str = "", matches: str | None = None) -> str:
    """SQL of the entries matching any of a query's terms in one language (`matches`,
    `matches_sql` unless given), and the condition `also` on an entry `e` if given:
    (version_id, key, score). Parameters: the score's columns', then those of the
    matches, then those of `also`. The score's
    columns are selected once per entry, then the score from them (on PostgreSQL OFFSET 0
    keeps the planner from folding them back into the score, and from moving a condition
    on the scored rows below it: `also` is for that, so that only the entries it keeps
    are scored)."""
    fence = " OFFSET 0" if vendor == "postgresql" else ""
    matches = matches_sql(vendor) if matches is None else matches
    condition = f" AND {also}" if also else ""
    return f"""
        SELECT version_id, key, {score.expression} AS score
        FROM (SELECT e.version_id, e.key, {score.columns} {matches}{condition}{fence}
        ) AS scored"""


def engine_query(plan: Plan, vendor: str, every: bool = False) -> str:
    """The query string of the engine: any of the terms (OR), or with `every` all of
    them (AND)."""
    if vendor == "sqlite":
        joiner = " AND " if every else " OR "
        return joiner.join('"' + w.term.replace('"', '""') + '"' for w in plan.terms)
    joiner = " & " if every else " | "
    return joiner.join("'" + w.term.replace("'", "''") + "'" for w in plan.terms)
