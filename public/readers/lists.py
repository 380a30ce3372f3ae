"""The readers of lists: sitemaps, the content API and feeds, the A–Z list and a topic's
related topics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date

from django.db.models import Case, When
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, TruncDate
from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles.languages import direction, language_codes
from reviews import cache_tags
from reviews.models import ContentKind

from .served import (
    ServedVersion,
    here_or_english,
    pick,
    readable,
    wanted,
)


def sitemap_keys(kind: str, language: str):
    """The keys of the live pages of `kind` in `language`, by key, as a query (a sitemap
    file counts and slices it)."""
    cache_tags.lists_days(kind, language)
    return readable().live(language, kind).order_by("key").values_list("key", flat=True)


@dataclass(frozen=True)
class SitemapEntry:
    """A live page of a sitemap file: the languages it is live in (settings order: its
    alternates) and the day (UTC) its version in the file's language was approved."""

    languages: tuple[str, ...]
    lastmod: date | None


def sitemap_entries(kind: str, keys: list[str], language: str) -> dict[str, SitemapEntry]:
    """One query: the entries of the named live pages (`keys`: a page of `sitemap_keys`,
    in its order). Only the file's own language's dates are read, as days: the other
    three in four were never shown, yet converted (a full file's render: SQLite 18.7 ->
    9.3 ms, PostgreSQL 13.4 -> 11.0 ms), and a day is all a file shows of one."""
    # The file shows its own language's dates, and the languages each page is live in
    # (alternates): a first publication in a language and a withdrawal change the lists
    # of every language (reviews.cache_tags), so its own language's tag covers both; a
    # re-approval only where its day in the file's language changed.
    cache_tags.lists_days(kind, language)
    if not keys:
        return {}
    # The page's keys are consecutive in key order (sitemap_keys): their range is one
    # comparison, where an IN list bound and parsed 250 parameters; a key in the range
    # live only in other languages is read and left out.
    own_day = TruncDate("approved_at", tzinfo=UTC)
    rows = (
        readable()
        .live(kind=kind)
        .filter(key__gte=keys[0], key__lte=keys[-1])
        .annotate(own_date=Case(When(language=language, then=own_day)))
        .values_list("key", "language", "own_date")
    )
    live_in: dict[str, set[str]] = {key: set() for key in keys}
    days: dict[str, date] = {}
    for key, code, day in rows:
        if key in live_in:
            live_in[key].add(code)
            if day is not None:
                days[key] = day
    codes = language_codes()
    return {
        key: SitemapEntry(tuple(code for code in codes if code in found), days.get(key))
        for key, found in live_in.items()
        if found
    }


# -- the content API and feeds ------------------------------------------------------------


@dataclass(frozen=True)
class TopicList:
    """One page of the live topics for a language, each in it or else in English."""

    items: list[ServedVersion]
    count: int  # live topics in all


def topics_page(language: str, *, offset: int, limit: int) -> TopicList:
    """Three queries: how many live topics there are, which `limit` keys (by slug) come
    after `offset`, and their versions (with their first publication date)."""
    cache_tags.lists(ContentKind.TOPIC, [language])
    live = readable().topics().filter(language__in=wanted(language))
    keys = live.order_by("key").values_list("key", flat=True).distinct()
    count = keys.count()
    page_keys = list(keys[offset : offset + limit])
    if not page_keys:
        return TopicList([], count)
    # Each item carries its English basis and outdated state, which an English
    # re-approval changes without changing this language's list.
    cache_tags.shows(ContentKind.TOPIC, page_keys, language)
    shown = pick(live.filter(key__in=page_keys).with_first_published(), language)
    return TopicList([shown[key] for key in page_keys if key in shown], count)


def recent_topics(language: str, *, limit: int) -> list[ServedVersion]:
    """One query: the `limit` most recently approved live topics in `language` (a first
    publication or a re-review), newest first. A feed is in one language, so topics not
    yet translated are in the English feed only."""
    cache_tags.lists(ContentKind.TOPIC, [language])
    versions = readable().topics(language).with_first_published()
    return [
        ServedVersion(version, language) for version in versions.order_by("-approved_at")[:limit]
    ]


# -- the A–Z list -------------------------------------------------------------------------


@dataclass(frozen=True)
class ListedTopic:
    """A topic in the A–Z list: its title in the page's language, else in English."""

    key: str
    title: str
    language: str
    requested: str

    @property
    def fallback(self) -> bool:
        return self.language != self.requested

    @property
    def lang_attrs(self) -> SafeString:
        return format_html('lang="{}" dir="{}"', self.language, direction(self.language))


def listed_topics(language: str) -> list[ListedTopic]:
    """One query: every live topic's key and title, in `language` or else English
    (unsorted). The A–Z page reads its list sorted by the database
    (readers.alphabetical); this is its way when the places cannot be stored.
    The title is the version's own column; only a version approved before it was
    filled (migration reviews 0022) has its title read from the snapshot."""
    cache_tags.lists_titles(ContentKind.TOPIC, language)
    rows = (
        here_or_english(readable().topics(), language)
        .annotate(listed_title=Coalesce("shown_title", KT("payload__title")))
        .values_list("key", "listed_title", "language")
    )
    return [
        ListedTopic(key, str(title or key), version_language, language)
        for key, title, version_language in rows
    ]


# -- related topics -----------------------------------------------------------------------

# A topic page links to at most this many related topics (a reviewed list is short).
MAX_RELATED = 12


def related_topics(keys, language: str) -> list[ServedVersion]:
    """One query (none for no keys): the live topics among `keys` (a snapshot's
    reviewed "related" list), each in `language` or else English. A topic that is not
    live is left out; the page is tagged with every key, so its withdrawal or first
    publication reaches the page at once."""
    keys = [str(key) for key in keys][:MAX_RELATED]
    if not keys:
        return []
    cache_tags.shows(ContentKind.TOPIC, keys, language)
    versions = (
        readable()
        .topics()
        .filter(key__in=keys, language__in=wanted(language))
        .only("kind", "key", "language", "payload")
    )
    picked = pick(versions, language)
    return [picked[key] for key in keys if key in picked]
