"""The search index: part of a published snapshot, written at approval, removed at
withdrawal, never built from the editable rows.

Each live, searchable version (topics) has one `SearchEntry`: the words of its title and
of the rest of its text as *terms*, the form search compares: case-folded, stemmed with
the Snowball stemmer of the version's language, then folded (`folding.fold`: accents,
Arabic vowel marks and hamza forms, ё/е). A query goes through the same `terms()`, so
"cramp" and "cramps", «судорога» and «судороги», «calambre» and «calambres» meet on one
term on every database. The database's own full-text engine indexes the terms
(migration 0008; the approach of Wagtail's database search backends):

- SQLite: an FTS5 table over the entries (external content, kept in step by triggers);
- PostgreSQL: GIN indexes of the title's terms and of the body's terms (`engines`; the
  stored tsvector of both that search read before is dropped by search 0009).

Both are ranked by one formula computed in SQL (`ranking`), the title above the body.

Stemming happens here, in Python, for both: SQLite's only stemmer (porter) is English,
PostgreSQL has none for Arabic, and its english/russian/spanish dictionaries are these
same Snowball algorithms. Both engines then see exactly the same terms (the 'simple'
configuration on PostgreSQL, plain unicode61 tokens on SQLite), which is what keeps one
results contract on both. The public side queries it through `public.readers`.

This module writes the index (`index_many` at approval, `remove` at withdrawal,
`rebuild`); the rest has a module per job: `terms` (text into terms), `vocabulary`
(term counts, the words "did you mean" offers), `engines` (FTS5 / tsvector objects and
SQL), `typos`, `ranking` (query plans, the score formula), `queries` (`search`). Their
public names are importable from here too, where callers and migrations find them.
"""

from __future__ import annotations

from .engines import FTS_TABLE, engine_schema
from .models import SearchEntry, SearchTerm, published_version_model
from .queries import MOST, search
from .ranking import (
    AVERAGE_BODY,
    AVERAGE_TITLE,
    K1,
    K1_TITLE,
    TITLE_WEIGHT,
    B,
    Plan,
    Weighted,
    plan_query,
)
from .terms import STEMMERS, query_terms, terms, title_and_body, words
from .typos import edit_distance
from .vocabulary import vocabulary_change, vocabulary_of, vocabulary_replace

__all__ = [
    "AVERAGE_BODY",
    "AVERAGE_TITLE",
    "B",
    "FTS_TABLE",
    "K1",
    "K1_TITLE",
    "MOST",
    "STEMMERS",
    "TITLE_WEIGHT",
    "Plan",
    "Weighted",
    "edit_distance",
    "engine_schema",
    "entry_for",
    "index_many",
    "plan_query",
    "query_terms",
    "rebuild",
    "remove",
    "search",
    "terms",
    "vocabulary_of",
    "words",
]


def entry_for(version) -> SearchEntry:
    """The entry of a published version (reviews.models.PublishedVersion)."""
    title, body = title_and_body(version.payload)
    title_terms = terms(title, version.language)
    body_terms = " ".join(terms(body, version.language))
    return SearchEntry(
        version=version,
        kind=version.kind,
        key=version.key,
        language=version.language,
        title=" ".join(title_terms),
        title_spaced=spaced(title_terms),
        body=body_terms,
        body_length=len(body_terms),
    )


def spaced(title_terms: list[str]) -> str:
    """The title terms each between two spaces of its own (what migration search 0006
    writes in SQL for the entries before it)."""
    return " " + "  ".join(title_terms) + " "


def index_many(versions: list) -> None:
    """Make each of an approval batch's new versions (one per item and language) the
    searchable one of its language, in the approval's transaction: the entries of the
    versions they replace go, and the vocabulary counts follow. The caller passes only
    versions of searchable kinds."""
    by_language: dict[tuple[str, str], list[str]] = {}
    for version in versions:
        by_language.setdefault((version.kind, version.language), []).append(version.key)
    removed: list[SearchEntry] = []
    for (kind, language), keys in by_language.items():
        replaced = SearchEntry.objects.filter(kind=kind, language=language, key__in=keys)
        removed += replaced.select_related("version")
        replaced.delete()
    entries = SearchEntry.objects.bulk_create([entry_for(version) for version in versions])
    vocabulary_replace(removed, entries)


def remove(kind: str, key: str) -> None:
    """Nothing of `kind`/`key` can be found any more (call when it is withdrawn)."""
    gone = SearchEntry.objects.filter(kind=kind, key=key)
    vocabulary_change(gone.select_related("version"), -1)
    gone.delete()


def rebuild(kinds: list[str]) -> int:
    """Index every live version of `kinds` (the searchable ones: `manage.py
    rebuild_search_index`) again, after a change of stemming, with the vocabulary;
    returns how many entries there are."""
    SearchEntry.objects.all().delete()
    SearchTerm.objects.all().delete()
    created = 0
    live = published_version_model().objects.live().filter(kind__in=kinds).order_by("pk")
    batch: list[SearchEntry] = []
    for version in live.iterator(chunk_size=500):
        batch.append(entry_for(version))
        if len(batch) == 500:
            created += len(SearchEntry.objects.bulk_create(batch))
            vocabulary_change(batch, 1)
            batch = []
    created += len(SearchEntry.objects.bulk_create(batch))
    vocabulary_change(batch, 1)
    return created
