"""The search index: part of a published snapshot, written at approval, removed at
withdrawal, never built from the editable rows.

Each live, searchable version (topics) has one `SearchEntry`: the words of its title and
of the rest of its text as *terms*, the form search compares: case-folded, stemmed with
the Snowball stemmer of the version's language, then folded (`snapshots.fold`: accents,
Arabic vowel marks and hamza forms, ё/е). A query goes through the same `terms()`, so
"cramp" and "cramps", «судорога» and «судороги», «calambre» and «calambres» meet on one
term on every database. The database's own full-text engine indexes the terms
(migration 0008; the approach of Wagtail's database search backends):

- SQLite: an FTS5 table over the entries (external content, kept in step by triggers),
  ranked by bm25 with the title weighted above the body;
- PostgreSQL: a stored tsvector column (title weight A, body weight B) with a GIN index,
  ranked by ts_rank.

Stemming happens here, in Python, for both: SQLite's only stemmer (porter) is English,
PostgreSQL has none for Arabic, and its english/russian/spanish dictionaries are these
same Snowball algorithms. Both engines then see exactly the same terms (the 'simple'
configuration on PostgreSQL, plain unicode61 tokens on SQLite), which is what keeps one
results contract on both. The public side queries it through `public.readers`.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer
from django.db import connection
from django.utils.translation import get_language_info

from articles.languages import language_codes

from . import folding
from .models import SearchEntry


def _algorithms() -> dict[str, str]:
    """Snowball algorithm per site language, found by the language's English name (Django's
    language info: "Russian" -> "russian"), so adding a language to settings is enough; a
    language Snowball has no stemmer for is matched unstemmed."""
    available = set(snowballstemmer.algorithms())
    found = {}
    for code in language_codes():
        name = get_language_info(code)["name"].lower()
        if name in available:
            found[code] = name
    return found


STEMMERS = _algorithms()

# Titles first: a word in the title counts this many times a word in the body (bm25).
TITLE_WEIGHT = 10.0

_local = threading.local()


def _stemmer(language: str):
    # Snowball stemmer objects keep state between calls: one per thread and language.
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(STEMMERS[language])
    return stemmers[language]


@lru_cache(maxsize=50_000)
def _term(word: str, language: str) -> str:
    # The stemmer reads the word as written (it knows its language's accents and marks),
    # and the stem is folded after, so a query typed without marks meets it.
    if language in STEMMERS:
        word = _stemmer(language).stemWord(word)
    return folding.fold(word)


# A word: letters and digits of any script (\w without "_") and the combining marks
# written inside words (accents in decomposed form, Arabic harakat, shadda, dagger alif);
# everything else separates words.
_WORD = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u0483-\u0487\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])+"
)


def words(text: str) -> list[str]:
    """The words of a text, case-folded, in order."""
    return _WORD.findall(unicodedata.normalize("NFC", text.casefold()))


def terms(text: str, language: str) -> list[str]:
    """The terms of a text in `language`, in order: what the index holds and what a
    query is matched with."""
    found = []
    for word in words(text):
        term = _term(word, language)
        if term:
            found.append(term)
    return found


def _published_version():
    """The published-version model, as the entries point at it (this app imports nothing
    of `reviews`: the review workflow calls it)."""
    return SearchEntry._meta.get_field("version").related_model


def entry_for(version) -> SearchEntry:
    """The entry of a published version (reviews.models.PublishedVersion)."""
    payload = version.payload
    title = payload.get("title") or payload.get("name") or ""
    body = folding.plain_texts(payload, skip=frozenset({"title", "name"}))
    return SearchEntry(
        version=version,
        kind=version.kind,
        key=version.key,
        language=version.language,
        title=" ".join(terms(title, version.language)),
        body=" ".join(terms(" ".join(body), version.language)),
    )


def index_many(versions: list) -> None:
    """Make each of an approval batch's new versions (one per item and language) the
    searchable one of its language, in the approval's transaction: the entries of the
    versions they replace go. The caller passes only versions of searchable kinds."""
    by_language: dict[tuple[str, str], list[str]] = {}
    for version in versions:
        by_language.setdefault((version.kind, version.language), []).append(version.key)
    for (kind, language), keys in by_language.items():
        SearchEntry.objects.filter(kind=kind, language=language, key__in=keys).delete()
    SearchEntry.objects.bulk_create([entry_for(version) for version in versions])


def remove(kind: str, key: str) -> None:
    """Nothing of `kind`/`key` can be found any more (call when it is withdrawn)."""
    SearchEntry.objects.filter(kind=kind, key=key).delete()


def rebuild(kinds: list[str]) -> int:
    """Index every live version of `kinds` (the searchable ones: `manage.py
    rebuild_search_index`) again, after a change of stemming; returns how many entries
    there are."""
    SearchEntry.objects.all().delete()
    created = 0
    live = _published_version().objects.live().filter(kind__in=kinds).order_by("pk")
    batch: list[SearchEntry] = []
    for version in live.iterator(chunk_size=500):
        batch.append(entry_for(version))
        if len(batch) == 500:
            created += len(SearchEntry.objects.bulk_create(batch))
            batch = []
    created += len(SearchEntry.objects.bulk_create(batch))
    return created


# -- the engines --------------------------------------------------------------------------

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

POSTGRES_SCHEMA = [
    """ALTER TABLE reviews_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED""",
    "CREATE INDEX reviews_searchentry_document ON reviews_searchentry USING gin (document)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS reviews_searchentry_document",
    "ALTER TABLE reviews_searchentry DROP COLUMN IF EXISTS document",
]


def engine_schema(vendor: str) -> tuple[list[str], list[str]]:
    """The statements that create and drop the full-text engine's objects."""
    if vendor == "sqlite":
        return SQLITE_SCHEMA, SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRES_SCHEMA, POSTGRES_DROP
    raise NotImplementedError(f"No full-text search for the {vendor} database")


def _hits_sql(vendor: str) -> str:
    """SQL of the entries matching a query in one language: (version_id, key, score),
    higher score first. Parameters: the query, the language."""
    if vendor == "sqlite":
        # The matches are found and scored first (MATERIALIZED), then joined to their
        # entries by rowid: left to itself, SQLite's planner walks every entry of the
        # language and probes the index for each (0.5 s at 10,000 topics, not 15 ms).
        return f"""
            SELECT e.version_id, e.key, m.score
            FROM (
                SELECT rowid AS version_id, -bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0) AS score
                FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s
            ) AS m CROSS JOIN reviews_searchentry e ON e.version_id = m.version_id
            WHERE e.kind = %s AND e.language = %s"""
    return """
        SELECT e.version_id, e.key, ts_rank(e.document, q.query) AS score
        FROM reviews_searchentry e, plainto_tsquery('simple'::regconfig, %s) AS q(query)
        WHERE e.document @@ q.query AND e.kind = %s AND e.language = %s"""


def _engine_query(query_terms: list[str], vendor: str) -> str:
    """The query string of the engine: every term must be there (AND)."""
    if vendor == "sqlite":
        return " ".join('"' + term.replace('"', '""') + '"' for term in query_terms)
    return " ".join(query_terms)


def query_terms(query_words: list[str], language: str) -> list[str]:
    """The distinct terms of a query's words in `language`."""
    return list(dict.fromkeys(term for word in query_words for term in terms(word, language)))


def search(
    query_words: list[str],
    *,
    kind: str,
    language: str,
    fallback: str | None,
    limit: int,
    offset: int,
):
    """One query for one page of results, as PublishedVersion rows: the live versions of
    `kind` that hold every word (as terms of their language) in `language`
    (`search_group` 0), then, with a `fallback` language, the versions in that language
    of what has no live version in `language` (group 1); best first, then by key. Each
    row carries `search_total`, the number of results of every page (the pages are in
    the database, not in memory)."""
    vendor = connection.vendor
    hits = _hits_sql(vendor)
    match = _engine_query(query_terms(query_words, language), vendor)
    groups = f"SELECT version_id, key, score, 0 AS grp FROM ({hits}) AS here"
    params: list = [match, kind, language]
    if fallback:
        groups += f"""
            UNION ALL
            SELECT version_id, key, score, 1 AS grp FROM ({hits}) AS other
            WHERE NOT EXISTS (
                SELECT 1 FROM reviews_searchentry t
                WHERE t.kind = %s AND t.key = other.key AND t.language = %s)"""
        fallback_match = _engine_query(query_terms(query_words, fallback), vendor)
        params += [fallback_match, kind, fallback, kind, language]
    sql = f"""
        SELECT v.*, page.grp AS search_group, page.total AS search_total
        FROM (
            SELECT version_id, grp, score, key, COUNT(*) OVER () AS total
            FROM ({groups}) AS found
            ORDER BY grp, score DESC, key
            LIMIT %s OFFSET %s
        ) AS page
        JOIN reviews_publishedversion v ON v.id = page.version_id
        WHERE v.is_current
        ORDER BY page.grp, page.score DESC, page.key"""
    return _published_version().objects.raw(sql, [*params, limit, offset])
