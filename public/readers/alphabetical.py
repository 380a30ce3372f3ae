"""The A–Z list: every live topic in the language's alphabetical order, a page at a time,
sorted and paged by the database (reviews.models.TitleOrder)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from reviews import alphabetical, cache_tags
from reviews.models import ContentKind, TitleOrder
from search import alphabet

from .lists import ListedTopic, listed_topics
from .served import CODE_POINTS, here_or_english, here_or_english_branches, readable

logger = logging.getLogger(__name__)


@dataclass
class Alphabetical:
    """`initials`: the letter of every listed topic, in the list's order; `page`: the
    topics from `start`, each with its letter."""

    initials: list[str]
    page: list[tuple[str, ListedTopic]]


def alphabetical_topics(language: str, start: int, count: int) -> Alphabetical:
    """Two queries: every live topic's letter in order (one list of short values,
    however many topics), then the `count` topics from `start`. A version with no place
    made by the alphabet's current rules (approved before there were places, or the
    rules changed since) gets one first, once: a few queries more (none is made over a
    place of newer rules: a rolling deploy's new release,
    reviews.alphabetical.made_by_newer_rules)."""
    cache_tags.lists(ContentKind.TOPIC, [language])
    rows = _ordered(language)
    missing = [pk for pk, letter in rows if letter is None]
    if missing:
        try:
            with transaction.atomic():
                if alphabetical.made_by_newer_rules(missing, language):
                    # A newer release is being deployed beside this one: its places
                    # stay, and this render sorts by this code's rules itself.
                    return _in_memory(language, start, count)
                alphabetical.make(missing, language)
        except DatabaseError:
            logger.warning("the A–Z places of %s could not be stored", language, exc_info=True)
            return _in_memory(language, start, count)
        # (A version approved meanwhile by a release that makes no places has none yet:
        # listed under "#" this once, where the database puts a missing place.)
        rows = [(pk, letter or "#") for pk, letter in _ordered(language)]
    initials = [letter for _pk, letter in rows]
    on_page = dict(rows[start : start + count])
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


def _ordered(language: str) -> list[tuple[int, str | None]]:
    """Every live topic's version (in `language`, else English) and its letter, in the
    alphabet's order (then by key); the letter is None for a version with no current
    place."""
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
        "ON t.version_id = c.id AND t.language = %s AND t.rules = %s "
        f"ORDER BY t.sort_key COLLATE {binary}, c.key COLLATE {binary}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, language, alphabet.RULES])
        return cursor.fetchall()


def _in_memory(language: str, start: int, count: int) -> Alphabetical:
    """The same list sorted here, when the places could not be stored (the database
    refused the write): every title folded for this one render."""
    entries = sorted(
        (alphabet.listing(item.title, language), item.key, item) for item in listed_topics(language)
    )
    return Alphabetical(
        [letter for (_key, letter), _slug, _item in entries],
        [(letter, item) for (_key, letter), _slug, item in entries[start : start + count]],
    )
