"""The readers of one page: the site notices, the regions, a live topic or region, what a
withdrawn address may still say, and a region's topics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.db import connection

from articles.languages import SOURCE_LANGUAGE, language_codes
from reviews import cache_tags
from reviews.models import ContentKind, PublishedVersion

from ..pagination import Paged
from .served import (
    BODY_MAP_REGIONS,
    MAX_SLUG_LENGTH,
    ServedVersion,
    page_by_title,
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


# What identifies a live notice as a page shows it: the row (and, should a restored
# database give its id to another row, the approval it holds) and the fields that change
# on a live row (planning moves its review date, English changes flag or hold it). A
# payload is never changed in place: a new approval is a new row.
NOTICE_STATE = ("pk", "fingerprint", "approved_at", "next_review_due", "outdated", "held")

# Per set of languages, in this process: the state query's SQL, compiled once, and the
# notices last read with their state.
_state_sql: dict[frozenset[str], tuple[str, tuple]] = {}
_notices_read: dict[frozenset[str], tuple[tuple, list[PublishedVersion]]] = {}


def _live(languages: frozenset[str]):
    return readable().live(kind=ContentKind.NOTICE).filter(language__in=sorted(languages))


def _notice_state(languages: frozenset[str]) -> tuple:
    """The live notices' state (NOTICE_STATE of each, as the database gives it). Django
    would spend ten times the query's own time compiling it on every page: its SQL is
    compiled once per process (only the parameters, fixed per set of languages, vary)."""
    if languages not in _state_sql:
        query = _live(languages).order_by("pk").values_list(*NOTICE_STATE).query
        _state_sql[languages] = query.sql_with_params()
    sql, params = _state_sql[languages]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(map(tuple, cursor.fetchall()))


def _live_notices(languages: frozenset[str]) -> list[PublishedVersion]:
    """The live notices in `languages`. Every page shows them, and reading the 36 rows
    as models cost 4.5 ms a page on the 2-core machine, a sixth of a topic page: the
    rows of the last read are used again while the live notices' state is unchanged
    (one query, 0.2 ms). An approval, withdrawal, hold or new review date of a notice is
    seen by the next page."""
    state = _notice_state(languages)
    remembered = _notices_read.get(languages)
    if remembered is not None and remembered[0] == state:
        return remembered[1]
    versions = list(_live(languages))
    # Kept only when nothing changed while they were read.
    if _notice_state(languages) == state:
        _notices_read[languages] = (state, versions)
    return versions


def forget_notices() -> None:
    """Start as a new worker does, with no notices read (tests: each starts alike)."""
    _notices_read.clear()


def site_notices(language: str, *, also: str | None = None) -> SiteNotices:
    """The notices in `language` (and `also`, e.g. a topic's content language): one query,
    three when they changed since this process last read them (`_live_notices`)."""
    languages = frozenset(wanted(language) + ([also] if also else []))
    return SiteNotices(_live_notices(languages), language)


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
    """Two queries: page `number` of the live topics of a region, by title, each in
    `language` or else English."""
    cache_tags.lists_region(slug, language)
    placed = readable().topics().filter(placements__region=slug)
    versions, total = page_by_title(placed, language, number)
    return Paged([ServedVersion(version, language) for version in versions], number, total)
