"""The A–Z list: every live topic in the language's alphabetical order, a page at a time,
sorted and paged by the database (reviews.models.TitleOrder)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from operator import itemgetter

from django.db import DatabaseError, connection, transaction
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from articles.languages import SOURCE_LANGUAGE
from reviews import alphabetical, cache_tags, shadows
from reviews.models import ContentKind, TitleOrder
from search import alphabet

from .lists import ListedTopic, listed_topics
from .served import (
    CODE_POINTS,
    here_or_english,
    here_or_english_branches,
    planned_with,
    readable,
)

logger = logging.getLogger(__name__)

# Between the letters PostgreSQL joins into one text (`_in_order`): in no letter.
SEPARATOR = "\x1f"


@dataclass
class Alphabetical:
    """`initials`: the letter of every listed topic, in the list's order; `page`: the
    topics from `start`, each with its letter."""

    initials: list[str]
    page: list[tuple[str, ListedTopic]]


def alphabetical_topics(language: str, start: int, count: int) -> Alphabetical:
    """Three queries: every live topic's letter in order, from the list's places alone
    (read from an index in its order; on PostgreSQL one row, however many topics),
    the count that says those places are complete, then the `count` topics from
    `start`. Where the places are not complete (a version approved before there were
    places, or the rules changed since), the live versions are read with their places,
    and a version with none made by the alphabet's current rules gets one first, once: a
    few queries more (none is made over a place of newer rules: a rolling deploy's new
    release, reviews.alphabetical.made_by_newer_rules)."""
    cache_tags.lists_titles(ContentKind.TOPIC, language)
    listed = _from_places(language)
    if listed is None:
        listed = _healed(language)
        if listed is None:
            return _in_memory(language, start, count)
    ids, initials = listed
    stop = start + count
    page = zip(ids[start:stop], initials[start:stop], strict=True)
    on_page = {int(pk): letter for pk, letter in page}
    # Read as candidates still: a version withdrawn (or translated) between the two
    # queries is left out, never shown after the change reached the database.
    found = (
        here_or_english(readable().topics(), language)
        .filter(pk__in=list(on_page))
        .annotate(listed_title=Coalesce("shown_title", KT("payload__title")))
        .values_list("pk", "key", "listed_title", "language")
    )
    topics = {
        pk: ListedTopic(key, str(title or key), version_language, language)
        for pk, key, title, version_language in found
    }
    return Alphabetical(initials, [(on_page[pk], topics[pk]) for pk in on_page if pk in topics])


def _healed(language: str) -> tuple[list, list[str]] | None:
    """The list read from the live versions (`_ordered`), with the places the list
    lacked made (reviews.alphabetical.unplaced), places of versions no longer live
    dropped and any wrong `shadowed` flag set right (reviews.shadows.reshadow), so the
    next render reads the places alone. None when this render must sort in memory (the
    places could not be stored, or a newer release made some)."""
    rows = _ordered(language)
    if not rows:
        return [], []
    try:
        with transaction.atomic():
            shadows.lock_places()
            missing = alphabetical.unplaced(language)
            if missing and alphabetical.made_by_newer_rules(missing, language):
                # A newer release is being deployed beside this one: its places
                # stay, and this render sorts by this code's rules itself.
                return None
            alphabetical.make(missing, language)
            alphabetical.forget_past(language)
            shadows.reshadow(connection, language)
    except DatabaseError:
        logger.warning("the A–Z places of %s could not be stored", language, exc_info=True)
        return None
    if all(letter is not None for _pk, letter in rows):
        return _columns(rows)
    # (A version approved meanwhile by a release that makes no places has none yet:
    # listed under "#" this once, where the database puts a missing place.)
    return _columns([(pk, letter or "#") for pk, letter in _ordered(language)])


def _columns(rows: list[tuple]) -> tuple[list, list]:
    """The rows' ids and their letters, as two lists (in C)."""
    return list(map(itemgetter(0), rows)), list(map(itemgetter(1), rows))


def _from_places(language: str) -> tuple[list, list[str]] | None:
    """Every live topic's version (in `language`, else English) and its letter, in the
    alphabet's order, read from the list's places alone: those it shows (an English
    place is shadowed where its key has a place of the list's own language:
    reviews.shadows), in the order of their index (reviews 0030); as two lists, the
    versions' ids (text on PostgreSQL: `_in_order`) and their letters. None when the
    places are not complete: a place shown that was made by other rules or without its
    key (by a release before the key was copied; it has no letter), or not as many
    places as live versions listed in `language` (one missing, or one of a version no
    longer live, counted in one statement of their own); then `_ordered` reads the live
    versions and finds which places are missing."""
    places = TitleOrder._meta.db_table
    binary = CODE_POINTS[connection.vendor]
    # Every value is a parameter; the table name is the model's. (NOT shadowed as the
    # index's condition says it, for SQLite to use the index.)
    statement = (
        "SELECT version_id, CASE WHEN rules = %s AND key <> '' THEN initial END AS letter "  # noqa: S608
        f"FROM {places} WHERE language = %s AND NOT shadowed "
        f"ORDER BY sort_key COLLATE {binary}, key COLLATE {binary}"
    )
    live = readable().topics().filter(language__in=[language, SOURCE_LANGUAGE]).order_by()
    live_sql, live_params = live.values("pk").query.sql_with_params()
    listed_sql = f"SELECT COUNT(*) FROM ({live_sql}) v"  # noqa: S608
    with connection.cursor() as cursor:
        with in_index_order():
            ids, letters = _in_order(cursor, statement, [alphabet.RULES, language])
        if not ids or not all(letters):
            return None
        if language == SOURCE_LANGUAGE:
            # That list shadows none of its places: the rows are all of them (and a place
            # flagged there by hand makes the list look incomplete, so it is mended).
            cursor.execute(listed_sql, live_params)
            (listed,), placed = cursor.fetchone(), len(ids)
        else:
            placed_sql = f"SELECT COUNT(*) FROM {places} WHERE language = %s"  # noqa: S608
            cursor.execute(f"SELECT ({listed_sql}), ({placed_sql})", [*live_params, language])
            listed, placed = cursor.fetchone()
    return (ids, letters) if placed == listed else None


def _in_order(cursor, statement: str, params: list) -> tuple[list, list]:
    """The ids and letters of the list `statement` reads, in its order (a letter is ""
    or None where the place has none). PostgreSQL sends each column joined into one
    text, not 10,032 rows (at +10,000 topics) for psycopg to convert: 5.8 -> 4.1 ms for
    the Russian list (docs/benchmarks.md). The aggregate reads the subquery's rows in
    their order: PostgreSQL 15's string_agg has no parallel form that could split them
    (tests/test_a_to_z_plans.py pins the plan); ORDER BY inside the aggregate would
    make it sort every place again rather than read them from the index in order."""
    if connection.vendor != "postgresql":
        cursor.execute(statement, params)
        return _columns(cursor.fetchall())
    cursor.execute(
        "SELECT string_agg(version_id::text, ','), "  # noqa: S608 - Django's SQL, wrapped
        f"string_agg(COALESCE(letter, ''), %s) FROM ({statement}) AS shown",
        [SEPARATOR, *params],
    )
    ids, letters = cursor.fetchone()
    return (ids.split(","), letters.split(SEPARATOR)) if ids else ([], [])


def in_index_order():
    """On PostgreSQL, the statements run inside read in an index's order rather than
    sort (enable_sort off, then as it was). The planner prices an index's pages as read
    from disk (random_page_cost 4): on a freshly built +10,000-topic database it read
    the Russian list by a scan of the table and a sort of 10,032 keys, 36 ms, against
    12.4 ms from the index in order (docs/benchmarks.md). Where no index gives the order
    PostgreSQL still sorts."""
    return planned_with(enable_sort="off")


def _ordered(language: str) -> list[tuple[int, str | None]]:
    """Every live topic's version (in `language`, else English) and its letter, in the
    alphabet's order (then by key); the letter is None for a version with no current
    place (or only one made without its key by an older release)."""
    found = [
        branch.order_by().values_list("pk", "key")
        for branch in here_or_english_branches(readable().topics(), language)
    ]
    union = found[0].union(*found[1:], all=True) if len(found) > 1 else found[0]
    sql, params = union.query.sql_with_params()
    # Binary order: the keys are made to be compared by code points (search.alphabet).
    binary = CODE_POINTS[connection.vendor]
    # Django's SQL of the candidates, wrapped; every value is a parameter.
    statement = (
        f"WITH c (id, key) AS MATERIALIZED ({sql}) "  # noqa: S608
        f"SELECT c.id, t.initial FROM c LEFT JOIN {TitleOrder._meta.db_table} t "
        "ON t.version_id = c.id AND t.language = %s AND t.rules = %s AND t.key <> '' "
        f"ORDER BY t.sort_key COLLATE {binary}, c.key COLLATE {binary}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, language, alphabet.RULES])
        return cursor.fetchall()


def _in_memory(language: str, start: int, count: int) -> Alphabetical:
    """The same list sorted here, when the places could not be stored (the database
    refused the write): every title folded for this one render."""
    entries = sorted(
        (alphabetical.listing(item.title, language), item.key, item)
        for item in listed_topics(language)
    )
    return Alphabetical(
        [letter for (_key, letter), _slug, _item in entries],
        [(letter, item) for (_key, letter), _slug, item in entries[start : start + count]],
    )
