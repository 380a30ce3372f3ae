"""The readers of one page: the site notices, the regions, a live topic or region, what a
withdrawn address may still say, and a region's topics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from articles.languages import SOURCE_LANGUAGE, language_codes
from reviews import cache_tags
from reviews.models import ContentKind, PublishedVersion

from ..pagination import Paged
from .served import (
    BODY_MAP_REGIONS,
    MAX_SLUG_LENGTH,
    ServedVersion,
    binary,
    here_or_english,
    page_of,
    pick,
    readable,
    wanted,
)


class SiteNotices:
    """The disclaimer and emergency notice in a language, English where not translated."""

    def __init__(self, versions: list[PublishedVersion], language: str):
        self._versions = versions
        self.language = language

    def for_language(self, language: str) -> dict[str, ServedVersion]:
        return pick(self._versions, language)

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
        from ..frame import Frame

        return Frame(self.for_language(language))

    @cached_property
    def here(self):
        """The frame texts in the page's own language, for templates: notices.here.KEY."""
        return self.frame(self.language)


def site_notices(language: str, *, also: str | None = None) -> SiteNotices:
    """One query: the notices in `language` (and `also`, e.g. a topic's content language)."""
    languages = wanted(language) + ([also] if also else [])
    versions = list(readable().live(kind=ContentKind.NOTICE).filter(language__in=set(languages)))
    return SiteNotices(versions, language)


def live_regions(language: str) -> list[ServedVersion]:
    """One query: every live region, in the body map's order."""
    versions = readable().live(kind=ContentKind.REGION).filter(language__in=wanted(language))
    cache_tags.lists(ContentKind.REGION, [language])
    regions = pick(versions, language)
    order = {slug: index for index, slug in enumerate(BODY_MAP_REGIONS)}
    return sorted(regions.values(), key=lambda shown: (order.get(shown.key, len(order)), shown.key))


def regions_by_slug(slugs, language: str) -> dict[str, ServedVersion]:
    """One query: the named live regions (a topic's regions and their notices)."""
    slugs = list(slugs)
    versions = (
        readable()
        .live(kind=ContentKind.REGION)
        .filter(key__in=slugs, language__in=wanted(language))
    )
    cache_tags.shows(ContentKind.REGION, slugs, language)
    return pick(versions, language)


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
    live = readable().live(kind=kind).filter(key=slug)
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
        readable()
        .filter(kind=kind, key=slug, language__in={language, SOURCE_LANGUAGE}, is_current=False)
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


def region_topics(slug: str, language: str, number: int = 1) -> Paged:
    """One query: page `number` of the live topics of a region, by title, each in
    `language` or else English."""
    cache_tags.lists_region(slug, language)
    candidates = here_or_english(readable().topics().filter(placements__region=slug), language)
    versions, total = page_of(candidates, [binary("sort_title"), "key"], number)
    return Paged([ServedVersion(version, language) for version in versions], number, total)
