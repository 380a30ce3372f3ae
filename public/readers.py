"""What the public site reads: live published snapshots, one query per question.

Every public view goes through these helpers, never through the editable content rows,
so a draft, an edit waiting for review or a withdrawn topic cannot leak. Each helper runs
exactly one query whatever the number of topics, measures or languages, which keeps the
per-page query count fixed (the tests pin it), and lists come a page at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Window
from django.db.models.fields.json import KT
from django.db.models.functions import Collate
from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles.languages import SOURCE_LANGUAGE, direction, language_codes
from reviews import cache_tags
from reviews.models import ContentKind, PublishedVersion
from search import index as search_index

from .pagination import PER_PAGE, Paged, offset

# The body map draws these regions in this order; any region added later is listed after
# them (alphabetically) in the plain list.
BODY_MAP_REGIONS = ("head", "eyes", "throat", "neck", "chest", "abdomen", "back", "legs", "general")

# Slugs are at most 50 characters (SlugField); anything much longer is not worth a query.
MAX_SLUG_LENGTH = 100


@dataclass(frozen=True)
class ServedVersion:
    """A live version as shown to a visitor who asked for `requested`.

    `fallback` is true when the visitor's language has no live version and the English
    one is shown instead: its container must carry that language and direction.
    """

    version: PublishedVersion
    requested: str

    def __post_init__(self):
        # A page that shows a version changes when its review falls due (it then says
        # "review overdue"): the page cache keeps it until then at most. Read without
        # loading a deferred field.
        due = self.version.__dict__.get("next_review_due")
        if due is not None:
            cache_tags.changes_on(due + timedelta(days=1))

    @property
    def key(self) -> str:
        return self.version.key

    @property
    def language(self) -> str:
        return self.version.language

    @property
    def direction(self) -> str:
        return direction(self.version.language)

    @property
    def fallback(self) -> bool:
        return self.version.language != self.requested

    @property
    def payload(self) -> dict[str, Any]:
        return self.version.payload

    @property
    def title_text(self) -> str:
        return str(self.payload.get("title") or self.payload.get("name") or self.key)

    @property
    def lang_attrs(self) -> SafeString:
        """lang and dir of the content's own language, for its container element."""
        return format_html('lang="{}" dir="{}"', self.language, self.direction)


def _pick(versions, language: str) -> dict[str, ServedVersion]:
    """Per key, the version in `language`, else the English one."""
    chosen: dict[str, PublishedVersion] = {}
    for version in versions:
        current = chosen.get(version.key)
        if version.language == language or (
            current is None and version.language == SOURCE_LANGUAGE
        ):
            chosen[version.key] = version
    return {key: ServedVersion(version, language) for key, version in chosen.items()}


def _wanted(language: str) -> list[str]:
    return list(dict.fromkeys([language, SOURCE_LANGUAGE]))


class SiteNotices:
    """The disclaimer and emergency notice in a language, English where not translated."""

    def __init__(self, versions: list[PublishedVersion], language: str):
        self._versions = versions
        self.language = language

    def for_language(self, language: str) -> dict[str, ServedVersion]:
        return _pick(self._versions, language)

    @cached_property
    def _here(self) -> dict[str, ServedVersion]:
        return self.for_language(self.language)

    @property
    def disclaimer(self) -> ServedVersion | None:
        return self._here.get("disclaimer")

    @property
    def emergency(self) -> ServedVersion | None:
        return self._here.get("emergency")

    def frame(self, language: str):
        """The reviewed frame texts (public.frame) in `language`, English where missing."""
        from .frame import Frame

        return Frame(self.for_language(language))

    @cached_property
    def here(self):
        """The frame texts in the page's own language, for templates: notices.here.KEY."""
        return self.frame(self.language)


def site_notices(language: str, *, also: str | None = None) -> SiteNotices:
    """One query: the notices in `language` (and `also`, e.g. a topic's content language)."""
    languages = _wanted(language) + ([also] if also else [])
    versions = list(
        PublishedVersion.objects.live(kind=ContentKind.NOTICE).filter(language__in=set(languages))
    )
    return SiteNotices(versions, language)


def live_regions(language: str) -> list[ServedVersion]:
    """One query: every live region, in the body map's order."""
    versions = PublishedVersion.objects.live(kind=ContentKind.REGION).filter(
        language__in=_wanted(language)
    )
    cache_tags.lists(ContentKind.REGION, [language])
    regions = _pick(versions, language)
    order = {slug: index for index, slug in enumerate(BODY_MAP_REGIONS)}
    return sorted(regions.values(), key=lambda shown: (order.get(shown.key, len(order)), shown.key))


def regions_by_slug(slugs, language: str) -> dict[str, ServedVersion]:
    """One query: the named live regions (a topic's regions and their notices)."""
    slugs = list(slugs)
    versions = PublishedVersion.objects.live(kind=ContentKind.REGION).filter(
        key__in=slugs, language__in=_wanted(language)
    )
    cache_tags.shows(ContentKind.REGION, slugs, language)
    return _pick(versions, language)


@dataclass(frozen=True)
class Page:
    """A live topic or region for one visitor: what to show and where else it is published."""

    shown: ServedVersion
    languages: list[str]  # the languages it is published in, in settings order


def _live_page(kind: str, slug: str, language: str) -> Page | None:
    if len(slug) > MAX_SLUG_LENGTH:
        return None
    # Tagged even when not live: a 404 is not cached, but a page that links to it is.
    cache_tags.shows(kind, [slug], language)
    live = PublishedVersion.objects.live(kind=kind).filter(key=slug)
    versions = list(live.with_first_published())
    by_language = {version.language: version for version in versions}
    version = by_language.get(language) or by_language.get(SOURCE_LANGUAGE)
    if version is None:
        return None
    languages = [code for code in language_codes() if code in by_language]
    return Page(ServedVersion(version, language), languages)


@dataclass(frozen=True)
class Withdrawal:
    """What a withdrawn item's address may still say: when, and where to look instead.
    Never its text (the regions are slugs, shown with their own live names)."""

    withdrawn_at: datetime
    regions: list[str]


def withdrawal(kind: str, slug: str, language: str) -> Withdrawal | None:
    """One query, for an address with nothing live: the withdrawal of the version a
    visitor of `language` would have read (that language's, else English), or None when
    the address never had a published version (404, not 410)."""
    if len(slug) > MAX_SLUG_LENGTH:
        return None
    latest = (
        PublishedVersion.objects.filter(
            kind=kind, key=slug, language__in={language, SOURCE_LANGUAGE}, is_current=False
        )
        .exclude(withdrawn_at=None)
        .order_by("-withdrawn_at")
        .only("withdrawn_at", "payload")
        .first()
    )
    if latest is None:
        return None
    regions = latest.payload.get("regions", []) if kind == ContentKind.TOPIC else []
    return Withdrawal(latest.withdrawn_at, [str(region) for region in regions])


def live_topic(slug: str, language: str) -> Page | None:
    """One query: the topic in `language`, else English; None when it is not live at all."""
    return _live_page(ContentKind.TOPIC, slug, language)


def live_region(slug: str, language: str) -> Page | None:
    """One query: the region in `language`, else English; None when it is not live."""
    return _live_page(ContentKind.REGION, slug, language)


def _binary(field: str) -> Collate:
    # Code-point order on every database (it is the order of the folded titles in
    # Python), whatever the database's own collation.
    return Collate(field, "C" if connection.vendor == "postgresql" else "BINARY")


def _page_of(candidates, ordering: list, number: int) -> tuple[list[PublishedVersion], int]:
    """One query: the versions of page `number` of `candidates` in `ordering`, and how
    many candidates there are. Only the page's ids are sorted with the candidates; the
    payloads read are the page's own, however long the list."""
    ids = candidates.order_by(*ordering).values("pk")[offset(number) : offset(number) + PER_PAGE]
    total = candidates.order_by().annotate(total=Window(Count("pk"))).values("total")[:1]
    versions = list(
        PublishedVersion.objects.filter(pk__in=ids)
        .annotate(list_total=Subquery(total))
        .order_by(*ordering)
    )
    return versions, (versions[0].list_total if versions else 0)


def _here_or_english(versions, language: str):
    """Of live versions, those in `language`, and the English ones of keys that have no
    live version in `language`."""
    if language == SOURCE_LANGUAGE:
        return versions.filter(language=language)
    translated = PublishedVersion.objects.live(language).filter(
        kind=OuterRef("kind"), key=OuterRef("key")
    )
    return versions.filter(Q(language=language) | Q(language=SOURCE_LANGUAGE) & ~Exists(translated))


def region_topics(slug: str, language: str, number: int = 1) -> Paged:
    """One query: page `number` of the live topics of a region, by title, each in
    `language` or else English."""
    cache_tags.lists(ContentKind.TOPIC, [language])
    candidates = _here_or_english(
        PublishedVersion.objects.topics().filter(placements__region=slug), language
    )
    versions, total = _page_of(candidates, [_binary("sort_title"), "key"], number)
    return Paged([ServedVersion(version, language) for version in versions], number, total)


@dataclass(frozen=True)
class SearchResults:
    """One page of results: those in the visitor's language first, then English ones of
    topics not translated yet (a page may hold both). `corrected` maps words the
    vocabulary did not know to the known words searched instead ("did you mean");
    `in_english` holds English matches offered when nothing was found in the visitor's
    language."""

    page: Paged
    corrected: dict[str, str] = field(default_factory=dict)
    in_english: list[ServedVersion] = field(default_factory=list)

    @property
    def translated(self) -> list[ServedVersion]:
        return [shown for shown in self.page.items if not shown.fallback]

    @property
    def english(self) -> list[ServedVersion]:
        return [shown for shown in self.page.items if shown.fallback]

    @property
    def total(self) -> int:
        return self.page.total


# English matches offered when a search finds nothing in the visitor's language.
IN_ENGLISH_LIMIT = 5


def search_topics(words: list[str], language: str, number: int = 1) -> SearchResults:
    """Page `number` of the live topics holding any of the words (in any form, with
    typos corrected: see search.index), best first, titles and "also called" names above
    body text. Two queries (three when a word is corrected); two more when nothing is
    found and English matches are offered.

    The visitor's language first; then, for topics with no live version in that language
    yet, their English text, so a not-yet-translated topic can still be found.
    """
    fallback = SOURCE_LANGUAGE if language != SOURCE_LANGUAGE else None
    languages = [language] + ([fallback] if fallback else [])
    cache_tags.lists(ContentKind.TOPIC, languages)
    plans = search_index.plan_query(words, languages)
    rows = search_index.search(
        words,
        kind=ContentKind.TOPIC,
        language=language,
        fallback=fallback,
        limit=PER_PAGE,
        offset=offset(number),
        plans=plans,
    )
    versions = list(rows)
    total = versions[0].search_total if versions else 0
    in_english: list[ServedVersion] = []
    if not total and fallback and number == 1:
        english = search_index.search(
            words,
            kind=ContentKind.TOPIC,
            language=SOURCE_LANGUAGE,
            fallback=None,
            limit=IN_ENGLISH_LIMIT,
            offset=0,
        )
        in_english = [ServedVersion(version, SOURCE_LANGUAGE) for version in english]
    return SearchResults(
        Paged([ServedVersion(version, language) for version in versions], number, total),
        corrected=plans[language].corrected,
        in_english=in_english,
    )


def sitemap_keys(kind: str, language: str):
    """The keys of the live pages of `kind` in `language`, by key, as a query (a sitemap
    file counts and slices it)."""
    cache_tags.lists(kind, [language])
    return (
        PublishedVersion.objects.live(language, kind).order_by("key").values_list("key", flat=True)
    )


def sitemap_entries(kind: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    """One query: {key: {"languages": [...], "lastmod": {language: datetime}}} for the
    named live pages, languages in settings order."""
    entries: dict[str, dict[str, Any]] = {}
    # Each entry names its page in every language (alternates, dates).
    cache_tags.lists(kind, language_codes())
    rows = (
        PublishedVersion.objects.live(kind=kind)
        .filter(key__in=keys)
        .values_list("key", "language", "approved_at")
    )
    order = {code: index for index, code in enumerate(language_codes())}
    for key, language, approved_at in rows:
        if language not in order:
            continue
        entry = entries.setdefault(key, {"languages": [], "lastmod": {}})
        entry["languages"].append(language)
        entry["lastmod"][language] = approved_at
    for entry in entries.values():
        entry["languages"].sort(key=lambda code: order.get(code, len(order)))
    return entries


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
    live = PublishedVersion.objects.topics().filter(language__in=_wanted(language))
    keys = live.order_by("key").values_list("key", flat=True).distinct()
    count = keys.count()
    page_keys = list(keys[offset : offset + limit])
    if not page_keys:
        return TopicList([], count)
    # Each item carries its English basis and outdated state, which an English
    # re-approval changes without changing this language's list.
    cache_tags.shows(ContentKind.TOPIC, page_keys, language)
    shown = _pick(live.filter(key__in=page_keys).with_first_published(), language)
    return TopicList([shown[key] for key in page_keys if key in shown], count)


def recent_topics(language: str, *, limit: int) -> list[ServedVersion]:
    """One query: the `limit` most recently approved live topics in `language` (a first
    publication or a re-review), newest first. A feed is in one language, so topics not
    yet translated are in the English feed only."""
    cache_tags.lists(ContentKind.TOPIC, [language])
    versions = PublishedVersion.objects.topics(language).with_first_published()
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
    (unsorted: the A–Z page sorts them by the language's alphabet, public.alphabet).
    Only the title is read of each snapshot."""
    cache_tags.lists(ContentKind.TOPIC, [language])
    rows = (
        _here_or_english(PublishedVersion.objects.topics(), language)
        .annotate(listed_title=KT("payload__title"))
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
        PublishedVersion.objects.topics()
        .filter(key__in=keys, language__in=_wanted(language))
        .only("kind", "key", "language", "payload")
    )
    picked = _pick(versions, language)
    return [picked[key] for key in keys if key in picked]
