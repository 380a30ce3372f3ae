"""The A–Z page's order of published topics, kept in the database (models.TitleOrder):
each version's title as the alphabet of each language it is listed in sorts it
(search.alphabet), made at approval and again whenever the alphabet's rules change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Exists, OuterRef
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from articles.languages import SOURCE_LANGUAGE, language_codes
from search import alphabet

from .models import AlphabetRules, ContentKind, PublishedVersion, TitleOrder

# Versions read and written at a time (a bound list per statement).
BATCH = 2_000


def listed_in(language: str) -> list[str]:
    """The languages whose A–Z lists show a topic version of `language`: its own, and
    for English every language (a topic not translated yet is listed in English)."""
    return language_codes() if language == SOURCE_LANGUAGE else [language]


# A stored key's length at most: each list is read in the order of a database index
# that holds the key (reviews 0029), and PostgreSQL's B-tree entries are at most 2,704
# bytes (400 characters are at most 1,600 bytes of UTF-8). A key spends about two
# characters on each letter first, so titles alike in their first 200 or so letters
# are then listed by their slug.
KEY_LENGTH = 400


def listing(title: str, language: str) -> tuple[str, str]:
    """search.alphabet.listing, with the key cut to the length the lists store."""
    sort_key, letter = alphabet.listing(title, language)
    return sort_key[:KEY_LENGTH], letter


def _orders(rows: Iterable[tuple[int, str, str, str]], language: str) -> list[TitleOrder]:
    """Places in `language`'s list of versions given as (id, title, key, language)."""
    orders = []
    for pk, title, key, version_language in rows:
        sort_key, letter = listing(title, language)
        orders.append(
            TitleOrder(
                version_id=pk,
                language=language,
                rules=alphabet.RULES,
                sort_key=sort_key,
                initial=letter,
                key=key,
                version_language=version_language,
            )
        )
    return orders


def _write(orders: list[TitleOrder]) -> None:
    # In version order, so two writers of the same rows take their locks in one order.
    orders.sort(key=lambda order: (order.version_id, order.language))
    TitleOrder.objects.bulk_create(
        orders,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["version", "language"],
        update_fields=["rules", "sort_key", "initial", "key", "version_language"],
    )


def after_approval(published: Sequence[PublishedVersion]) -> None:
    """The approved topic versions' places in each list they appear in."""
    orders = []
    for version in published:
        if version.kind == ContentKind.TOPIC:
            for language in listed_in(version.language):
                title = version.shown_title or version.key
                orders += _orders([(version.pk, title, version.key, version.language)], language)
    _write(orders)


def forget(version_ids: Iterable[int]) -> None:
    """Drop the places of versions that stopped being live (replaced, held or withdrawn):
    no list reads them again (a version never becomes live again), and kept, they grew
    the table the A–Z statement joins with every approval."""
    TitleOrder.objects.filter(version_id__in=list(version_ids)).delete()


def unplaced(language: str) -> list[int]:
    """The live topic versions listed in `language`'s list (its own language's and the
    English ones, translated or not) that have no place in it made by the current rules
    with its key (made before there were places, by rules since changed, or by a release
    that did not copy the key)."""
    usable = TitleOrder.objects.filter(
        version=OuterRef("pk"), language=language, rules=alphabet.RULES
    ).exclude(key="")
    listed = PublishedVersion.objects.live(kind=ContentKind.TOPIC).filter(
        language__in={language, SOURCE_LANGUAGE}
    )
    return list(listed.exclude(Exists(usable)).order_by("pk").values_list("pk", flat=True))


def forget_past(language: str) -> None:
    """Drop any place in `language`'s list of a version no longer live (`forget` runs
    whenever one stops being live; this is for a place it missed), so that the list's
    places count as many as its live versions again."""
    TitleOrder.objects.filter(language=language, version__is_current=False).delete()


def made_by_newer_rules(version_ids: Sequence[int], language: str) -> bool:
    """Whether some of these versions' places in `language`'s list were made by rules
    newer than this code's (first recorded after them in AlphabetRules): a worker of
    the previous release during a rolling deploy, which must not make them again by
    its older rules. Records this code's rules the first time it asks."""
    ours, _created = AlphabetRules.objects.get_or_create(rules=alphabet.RULES)
    found = (
        TitleOrder.objects.filter(version_id__in=list(version_ids), language=language)
        .exclude(rules=alphabet.RULES)
        .values_list("rules", flat=True)
        .distinct()
    )
    return AlphabetRules.objects.filter(rules__in=list(found), pk__gt=ours.pk).exists()


def make(version_ids: Sequence[int], language: str) -> None:
    """Make (again) the places of these versions in `language`'s list: versions
    approved before TitleOrder existed, or ordered by rules since changed. A version
    that stopped being live since the list was read gets none (`forget` has run or will
    not run again for it)."""
    for start in range(0, len(version_ids), BATCH):
        rows = (
            PublishedVersion.objects.filter(pk__in=version_ids[start : start + BATCH])
            .filter(is_current=True)
            .annotate(listed_title=Coalesce("shown_title", KT("payload__title")))
            .values_list("pk", "listed_title", "key", "language")
        )
        _write(
            _orders([(pk, str(title or key), key, lang) for pk, title, key, lang in rows], language)
        )
