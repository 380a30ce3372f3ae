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
    """`letters`: each letter of the list and the position of its first topic, in the
    list's order; `total`: how many topics are listed; `page`: the topics from `start`,
    each with its letter."""

    letters: list[tuple[str, int]]
    total: int
    page: list[tuple[str, ListedTopic]]


def alphabetical_topics(language: str, start: int, count: int) -> Alphabetical:
    """Two queries, whatever the page and however many topics: one statement orders
    every live topic in the database and returns its letters (each letter's first
    position and count) and the ids of the `count` topics from `start`; the second reads
    those topics. A version with no place made by the alphabet's current rules
    (approved before there were places, or the rules changed since) gets one first,
    once: a few queries more (none is made over a place of newer rules: a rolling
    deploy's new release, reviews.alphabetical.made_by_newer_rules)."""
    cache_tags.lists(ContentKind.TOPIC, [language])
    summary = _ordered(language, start, count)
    if summary.missing:
        try:
            with transaction.atomic():
                if alphabetical.made_by_newer_rules(summary.missing, language):
                    # A newer release is being deployed beside this one: its places
                    # stay, and this render sorts by this code's rules itself.
                    return _in_memory(language, start, count)
                alphabetical.make(summary.missing, language)
        except DatabaseError:
            logger.warning("the A–Z places of %s could not be stored", language, exc_info=True)
            return _in_memory(language, start, count)
        summary = _ordered(language, start, count)
    # Read as candidates still: a version withdrawn (or translated) between the two
    # queries is left out, never shown after the change reached the database.
    found = (
        here_or_english(readable().topics(), language)
        .filter(pk__in=list(summary.page))
        .annotate(listed_title=Coalesce("shown_title", KT("payload__title")))
        .values_list("pk", "key", "listed_title", "language")
    )
    topics = {
        pk: ListedTopic(key, str(title or key), version_language, language)
        for pk, key, title, version_language in found
    }
    page = [(letter, topics[pk]) for pk, letter in summary.page.items() if pk in topics]
    return Alphabetical(summary.letters, summary.total, page)


@dataclass
class _Summary:
    letters: list[tuple[str, int]]
    total: int
    page: dict[int, str]  # the page's version ids, in order, and their letters
    missing: list[int]  # versions with no place made by the current rules


def _ordered(language: str, start: int, count: int) -> _Summary:
    """One statement: the live topics' versions (in `language`, else English) numbered
    in the alphabet's order (then by key), of which it returns only the first of each
    run of one letter (a few dozen rows, however many topics), the page's, and those
    with no current place (listed under "#" if they still have none after being made: a
    version approved meanwhile by a release that makes no places); and how many there
    are."""
    found = [
        branch.order_by().values_list("pk", "key")
        for branch in here_or_english_branches(readable().topics(), language)
    ]
    union = found[0].union(*found[1:], all=True) if len(found) > 1 else found[0]
    sql, params = union.query.sql_with_params()
    # Binary order: the keys are made to be compared by code points (search.alphabet).
    binary = CODE_POINTS[connection.vendor]
    # Django's SQL of the candidates, wrapped; every value is a parameter.
    order = f"t.sort_key COLLATE {binary}, c.key COLLATE {binary}"
    statement = (
        f"WITH c (id, key) AS MATERIALIZED ({sql}) "  # noqa: S608
        "SELECT id, initial, n, (SELECT COUNT(*) FROM c) FROM ("
        f"SELECT c.id, t.initial, ROW_NUMBER() OVER (ORDER BY {order}) - 1 AS n, "
        f"LAG(t.initial) OVER (ORDER BY {order}) AS before "
        f"FROM c LEFT JOIN {TitleOrder._meta.db_table} t "
        "ON t.version_id = c.id AND t.language = %s AND t.rules = %s) AS o "
        # Where a letter's run begins, the page, and whatever has no place.
        "WHERE (before IS NULL OR initial IS NULL OR initial <> before) "
        "OR (n >= %s AND n < %s) ORDER BY n"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, language, alphabet.RULES, start, start + count])
        rows = cursor.fetchall()
    firsts: dict[str, int] = {}
    for _pk, letter, n, _total in rows:  # in order: a letter is indexed at its first run
        firsts.setdefault(letter or "#", n)
    return _Summary(
        letters=list(firsts.items()),
        total=rows[0][3] if rows else 0,
        page={pk: letter or "#" for pk, letter, n, _total in rows if start <= n < start + count},
        missing=[pk for pk, letter, _n, _total in rows if letter is None],
    )


def _in_memory(language: str, start: int, count: int) -> Alphabetical:
    """The same list sorted here, when the places could not be stored (the database
    refused the write): every title folded for this one render."""
    entries = sorted(
        (alphabet.listing(item.title, language), item.key, item) for item in listed_topics(language)
    )
    firsts: dict[str, int] = {}
    for position, ((_key, letter), _slug, _item) in enumerate(entries):
        firsts.setdefault(letter, position)
    return Alphabetical(
        list(firsts.items()),
        len(entries),
        [(letter, item) for (_key, letter), _slug, item in entries[start : start + count]],
    )
