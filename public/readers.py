"""What the public site reads: live published snapshots, one query per question.

Every public view goes through these helpers, never through the editable content rows,
so a draft, an edit waiting for review or a withdrawn topic cannot leak. Each helper runs
exactly one query whatever the number of topics, measures or languages, which keeps the
per-page query count fixed (the tests pin it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles.languages import SOURCE_LANGUAGE, direction, language_codes
from reviews.models import ContentKind, PublishedVersion

# The body map draws these regions in this order; any region added later is listed after
# them (alphabetically) in the plain list.
BODY_MAP_REGIONS = ("head", "eyes", "throat", "neck", "chest", "abdomen", "back", "legs", "general")

# Slugs are at most 50 characters (SlugField); anything much longer is not worth a query.
MAX_SLUG_LENGTH = 100


@dataclass(frozen=True)
class Shown:
    """A live version as shown to a visitor who asked for `requested`.

    `fallback` is true when the visitor's language has no live version and the English
    one is shown instead: its container must carry that language and direction.
    """

    version: PublishedVersion
    requested: str

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
    def lang_attrs(self) -> SafeString:
        """lang and dir of the content's own language, for its container element."""
        return format_html('lang="{}" dir="{}"', self.language, self.direction)


def _pick(versions, language: str) -> dict[str, Shown]:
    """Per key, the version in `language`, else the English one."""
    chosen: dict[str, PublishedVersion] = {}
    for version in versions:
        current = chosen.get(version.key)
        if version.language == language or (
            current is None and version.language == SOURCE_LANGUAGE
        ):
            chosen[version.key] = version
    return {key: Shown(version, language) for key, version in chosen.items()}


def _wanted(language: str) -> list[str]:
    return list(dict.fromkeys([language, SOURCE_LANGUAGE]))


class SiteNotices:
    """The disclaimer and emergency notice in a language, English where not translated."""

    def __init__(self, versions: list[PublishedVersion], language: str):
        self._versions = versions
        self.language = language

    def for_language(self, language: str) -> dict[str, Shown]:
        return _pick(self._versions, language)

    @cached_property
    def _here(self) -> dict[str, Shown]:
        return self.for_language(self.language)

    @property
    def disclaimer(self) -> Shown | None:
        return self._here.get("disclaimer")

    @property
    def emergency(self) -> Shown | None:
        return self._here.get("emergency")


def site_notices(language: str, *, also: str | None = None) -> SiteNotices:
    """One query: the notices in `language` (and `also`, e.g. a topic's content language)."""
    languages = _wanted(language) + ([also] if also else [])
    versions = list(
        PublishedVersion.objects.live(kind=ContentKind.NOTICE).filter(language__in=set(languages))
    )
    return SiteNotices(versions, language)


def live_regions(language: str) -> list[Shown]:
    """One query: every live region, in the body map's order."""
    versions = PublishedVersion.objects.live(kind=ContentKind.REGION).filter(
        language__in=_wanted(language)
    )
    regions = _pick(versions, language)
    order = {slug: index for index, slug in enumerate(BODY_MAP_REGIONS)}
    return sorted(regions.values(), key=lambda shown: (order.get(shown.key, len(order)), shown.key))


def regions_by_slug(slugs, language: str) -> dict[str, Shown]:
    """One query: the named live regions (a topic's regions and their notices)."""
    versions = PublishedVersion.objects.live(kind=ContentKind.REGION).filter(
        key__in=list(slugs), language__in=_wanted(language)
    )
    return _pick(versions, language)


@dataclass(frozen=True)
class Page:
    """A live topic or region for one visitor: what to show and where else it is published."""

    shown: Shown
    languages: list[str]  # the languages it is published in, in settings order


def _live_page(kind: str, slug: str, language: str) -> Page | None:
    if len(slug) > MAX_SLUG_LENGTH:
        return None
    live = PublishedVersion.objects.live(kind=kind).filter(key=slug)
    versions = list(live.with_first_published())
    by_language = {version.language: version for version in versions}
    version = by_language.get(language) or by_language.get(SOURCE_LANGUAGE)
    if version is None:
        return None
    languages = [code for code in language_codes() if code in by_language]
    return Page(Shown(version, language), languages)


def live_topic(slug: str, language: str) -> Page | None:
    """One query: the topic in `language`, else English; None when it is not live at all."""
    return _live_page(ContentKind.TOPIC, slug, language)


def live_region(slug: str, language: str) -> Page | None:
    """One query: the region in `language`, else English; None when it is not live."""
    return _live_page(ContentKind.REGION, slug, language)


def _by_title(shown: list[Shown]) -> list[Shown]:
    return sorted(shown, key=lambda item: (item.payload.get("title", "").casefold(), item.key))


def region_topics(slug: str, language: str) -> list[Shown]:
    """One query: the live topics of a region, each in `language` or else English."""
    versions = PublishedVersion.objects.topics().filter(
        placements__region=slug, language__in=_wanted(language)
    )
    return _by_title(list(_pick(versions, language).values()))


@dataclass(frozen=True)
class SearchResults:
    translated: list[Shown]  # found in the visitor's language
    english: list[Shown]  # found in English, for topics not yet translated


MAX_RESULTS = 50


def search_topics(words: list[str], language: str) -> SearchResults:
    """Two queries at most: live topics whose text holds every word (already case-folded).

    The visitor's language first; then, for topics with no live version in that language
    yet, their English text, so a not-yet-translated topic can still be found.
    """
    translated = PublishedVersion.objects.topics(language)
    for word in words:
        translated = translated.filter(search_text__contains=word)
    found = [Shown(version, language) for version in translated[:MAX_RESULTS]]
    english: list[Shown] = []
    if language != SOURCE_LANGUAGE:
        untranslated = PublishedVersion.objects.topics(SOURCE_LANGUAGE).exclude(
            key__in=PublishedVersion.objects.topics(language).values("key")
        )
        for word in words:
            untranslated = untranslated.filter(search_text__contains=word)
        english = [Shown(version, language) for version in untranslated[:MAX_RESULTS]]
    return SearchResults(_by_title(found), _by_title(english))


def sitemap_entries(kind: str) -> dict[str, dict[str, Any]]:
    """One query: {key: {"languages": [...], "lastmod": datetime}} for every live page."""
    entries: dict[str, dict[str, Any]] = {}
    rows = PublishedVersion.objects.live(kind=kind).values_list("key", "language", "approved_at")
    order = {code: index for index, code in enumerate(language_codes())}
    for key, language, approved_at in rows:
        if language not in order:
            continue
        entry = entries.setdefault(key, {"languages": [], "lastmod": approved_at})
        entry["languages"].append(language)
        entry["lastmod"] = max(entry["lastmod"], approved_at)
    for entry in entries.values():
        entry["languages"].sort(key=lambda code: order.get(code, len(order)))
    return dict(sorted(entries.items()))


# -- the content API and feeds ------------------------------------------------------------


@dataclass(frozen=True)
class TopicList:
    """One page of the live topics for a language, each in it or else in English."""

    items: list[Shown]
    count: int  # live topics in all


def topics_page(language: str, *, offset: int, limit: int) -> TopicList:
    """Three queries: how many live topics there are, which `limit` keys (by slug) come
    after `offset`, and their versions (with their first publication date)."""
    live = PublishedVersion.objects.topics().filter(language__in=_wanted(language))
    keys = live.order_by("key").values_list("key", flat=True).distinct()
    count = keys.count()
    page_keys = list(keys[offset : offset + limit])
    if not page_keys:
        return TopicList([], count)
    shown = _pick(live.filter(key__in=page_keys).with_first_published(), language)
    return TopicList([shown[key] for key in page_keys if key in shown], count)


def recent_topics(language: str, *, limit: int) -> list[Shown]:
    """One query: the `limit` most recently approved live topics in `language` (a first
    publication or a re-review), newest first. A feed is in one language, so topics not
    yet translated are in the English feed only."""
    versions = PublishedVersion.objects.topics(language).with_first_published()
    return [Shown(version, language) for version in versions.order_by("-approved_at")[:limit]]
