"""What the page cache may keep, under which key parts, and for how long.

Pure rules with no cache calls (healthsite.page_cache.middleware applies them): which
requests are looked up, which responses are public, which query parameters name a page,
which tags a page is stored under, and how long it may be kept (until the day something
it shows changes).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from datetime import time as clock

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import cc_delim_re, get_conditional_response
from django.utils.http import parse_http_date_safe

from reviews import cache_tags, publication

# The tags of a response, for the HTTP cache in front (Varnish's xkey vmod).
TAGS_HEADER = "xkey"
VARY_ALLOWED = {"accept-language", "accept-encoding"}
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def request_is_cacheable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    path = request.path_info
    if any(path.startswith(prefix) for prefix in settings.PAGE_CACHE_EXCLUDED_PREFIXES):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or settings.CSRF_COOKIE_NAME in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def _cache_control(response: HttpResponse) -> set[str]:
    return {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
        if part.strip()
    }


def response_is_public(response: HttpResponse) -> bool:
    """A page that is the same for everyone, which every shared cache may keep."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    directives = _cache_control(response)
    if "public" not in directives or directives & {"private", "no-store", "no-cache"}:
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    return vary <= VARY_ALLOWED


def page_tag(key: str) -> str:
    """The page's own tag in the HTTP cache in front (from its page-cache key): the
    renderer soft-purges it there once it has stored the page again (renderer.py)."""
    return "page-" + key.removeprefix("page:")[:24]


def tag_response(response: HttpResponse, collected, language: str, key: str = "") -> set[str]:
    """The tags a rendered page is stored under (what it showed, its language, all), and
    the same in its TAGS_HEADER with its own tag (`key`'s) for the cache in front."""
    tags = collected.tags | {cache_tags.whole_language(language), cache_tags.ALL}
    own = [page_tag(key)] if key else []  # for the cache in front only
    response[TAGS_HEADER] = " ".join(sorted(tags) + own)
    return tags


def tag_keys(stored: dict) -> list[str]:
    """The cache keys of a stored page's tag tokens."""
    return [publication.tag_key(tag) for tag in stored["tags"]]


def public_not_modified(response: HttpResponse) -> bool:
    """A 304 for a page every shared cache may keep (its Cache-Control is kept)."""
    directives = _cache_control(response)
    return (
        response.status_code == 304
        and "public" in directives
        and not (directives & {"private", "no-store", "no-cache"})
    )


@contextmanager
def unconditional(request: HttpRequest) -> Iterator[None]:
    """The request without its conditional headers while its page is rendered for the
    cache: the whole page is stored even when the client (a browser, or the cache in
    front fetching again a page it holds) has it already; `answer` then answers it."""
    held = {name: request.META.pop(name) for name in CONDITIONAL if name in request.META}
    try:
        yield
    finally:
        request.META.update(held)


def answer(request: HttpRequest, response: HttpResponse, header: str) -> HttpResponse:
    """`response`, or a 304 where the client has it already (its ETag or date)."""
    answered = get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )
    if answered.status_code == 304:  # it keeps only the headers RFC 9110 names; without
        # Surrogate-Control the cache in front keeps its copy as long as it first said
        for name in ("Surrogate-Control", header):
            if name in response:
                answered[name] = response[name]
    return answered


def canonical_query(request: HttpRequest) -> tuple[str, bool]:
    """The query parameters a page reads, in a fixed order, and whether others were
    given (which no page reads: they name no page of their own)."""
    wanted = settings.PAGE_CACHE_QUERY_PARAMETERS
    kept = QueryDict(mutable=True)
    for name in sorted(request.GET):
        if name in wanted:
            kept.setlist(name, request.GET.getlist(name))
    return kept.urlencode(), len(kept) != len(request.GET)


def now() -> float:
    """Seconds since the epoch (one place for tests to move the clock)."""
    return time.time()


def start_of(day) -> float:
    return datetime.combine(day, clock(), tzinfo=timezone.get_current_timezone()).timestamp()


def lifetime(changes_on, limit: int) -> int:
    """Seconds a page may be kept: `limit`, or until the start of `changes_on`."""
    if changes_on is None:
        return limit
    return max(1, min(limit, int(start_of(changes_on) - now())))


def retry_pause(failures: int) -> float:
    """Seconds a worker leaves the shared cache alone after `failures` failed calls in a
    row: PAGE_CACHE_RETRY_SECONDS, twice as long after each further failure, at most
    PAGE_CACHE_RETRY_MAX_SECONDS. A hung Redis then costs a worker one timeout every
    few seconds, not every second; once it answers, the next call resets the count."""
    pause = settings.PAGE_CACHE_RETRY_SECONDS * 2 ** min(max(failures, 1) - 1, 16)
    return min(pause, settings.PAGE_CACHE_RETRY_MAX_SECONDS)


@dataclass(frozen=True)
class Before:
    """What the cache held before a page was rendered: the epoch (changed by every
    invalidation), and the tokens of the tags of the page's previous copy, if any."""

    epoch: str | None
    tokens: dict[str, str] | None

    @classmethod
    def of(cls, epoch: str | None, stored: dict | None, found: dict) -> Before:
        """From the lookup: `stored`, the previous copy (or None), and `found`, the
        tokens read with it (a missing token: compare the epoch)."""
        tokens = None
        if stored is not None:
            tokens = {tag: found.get(publication.tag_key(tag)) for tag in stored["tags"]}
            if None in tokens.values():
                tokens = None
        return cls(epoch, tokens)

    def unchanged(self, tags: set[str], now: dict[str, str], epoch: str | None) -> bool:
        """Nothing the rendered page shows was invalidated while it was rendered. A page
        whose tags were all known before (rendered again) compares their tokens, so an
        approval elsewhere does not keep it from being stored; any other page compares
        the epoch, which any invalidation changes."""
        if self.tokens is not None and tags <= self.tokens.keys():
            return all(now[tag] == self.tokens[tag] for tag in tags)
        return epoch == self.epoch
