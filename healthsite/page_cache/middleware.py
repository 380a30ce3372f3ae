"""The page-cache middleware: look up, serve, render once, store (see the package's
docstring for the whole design)."""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict
from contextlib import suppress

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from reviews import cache_tags, publication
from strings import sharing as shared_catalogues

from . import policy, renderer
from .known import NAMES, KnownKeys
from .policy import Before, canonical_query, lifetime, request_is_cacheable, response_is_public

logger = logging.getLogger("healthsite.page_cache")

HEADER = "X-Page-Cache"
# Entries each worker keeps in memory, a hit on them checked by one read (known.py).
LOCAL_ENTRIES = 256


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


class CacheUnavailable(Exception):
    pass


class PublicPageCache:
    def __init__(self, get_response):
        self.get_response = get_response
        self.catalogues = shared_catalogues.CatalogueWatcher()
        self.local: OrderedDict[str, dict] = OrderedDict()
        self.known = KnownKeys()
        self.down_until = 0.0
        self.failures = 0  # failed cache calls in a row
        self.next_outbox_check = 0.0

    # -- the shared cache, guarded ----------------------------------------------------------

    def _usable(self) -> bool:
        return time.monotonic() >= self.down_until

    def _call(self, method: str, *args, **kwargs):
        """A shared-cache call; on failure the cache is left alone for a while."""
        try:
            result = getattr(_cache(), method)(*args, **kwargs)
        except Exception as error:
            self._pause()
            logger.warning("Shared cache unavailable (%s): pages are rendered", error)
            raise CacheUnavailable from error
        self.failures = 0
        return result

    def _pause(self) -> None:
        self.known.forget()  # the cache may come back with other data
        self.failures += 1
        self.down_until = time.monotonic() + policy.retry_pause(self.failures)

    def _remember(self, key: str, stored: dict) -> None:
        self.local[key] = stored
        self.local.move_to_end(key)
        while len(self.local) > LOCAL_ENTRIES:
            self.local.popitem(last=False)

    def _catch_up(self, seen) -> bool:
        """Apply invalidations the cache has not seen (see the module docstring)."""
        interval = settings.PAGE_CACHE_OUTBOX_CHECK_SECONDS
        if interval is None or time.monotonic() < self.next_outbox_check:
            return False
        self.next_outbox_check = time.monotonic() + interval
        try:
            return publication.catch_up(seen)
        except Exception as error:
            self._pause()
            self.next_outbox_check = 0.0
            logger.warning("Invalidations not applied (%s): pages are rendered", error)
            raise CacheUnavailable from error

    # -- keys and entries --------------------------------------------------------------------

    def _key(self, request: HttpRequest, language: str, query: str) -> str | None:
        try:
            host = request.get_host()
        except Exception:  # DisallowedHost: let the view stack answer it
            return None
        raw = "|".join(
            [self.catalogues.digest, request.scheme, host, language, request.path, query]
        )
        return "page:" + hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def _language(request: HttpRequest) -> str:
        # The language of an unprefixed URL (robots.txt, sitemap.xml) comes from the
        # request, as LocaleMiddleware picks it (the response says Vary: Accept-Language).
        return translation.get_language_from_path(request.path_info) or (
            translation.get_language_from_request(request)
        )

    @staticmethod
    def _valid(stored: dict | None, found: dict) -> bool:
        if stored is None or stored.get("expires", 0) <= policy.now():
            return False
        return all(
            found.get(publication.tag_key(tag)) == token for tag, token in stored["tags"].items()
        )

    def _lookup(self, key: str) -> tuple[dict | None, dict]:
        """The entry (from this worker's memory where it is there and in date) and the
        values it is checked against (`_checked`)."""
        stored = self.local.get(key)
        if stored is not None:
            found = self._checked(stored)
            if self._valid(stored, found):
                return stored, found
            del self.local[key]  # out of date; another worker may have stored it anew
        stored = self._call("get", key)
        return stored, self._checked(stored)

    def _checked(self, stored: dict | None) -> dict:
        """The catalogue, epoch and hard tokens, the outbox record and the tokens of the
        tags of `stored`: while nothing changed, one read of their version (known.py)."""
        keys = NAMES + (policy.tag_keys(stored) if stored is not None else [])
        return self.known.read(self._call, keys)

    @staticmethod
    def _graced(stored: dict | None, found: dict) -> bool:
        """The stored copy is out of date only by approvals (no hard invalidation since it
        was stored, and not past its own lifetime): it may be served while re-rendered."""
        if stored is None or stored.get("expires", 0) <= policy.now():
            return False
        hard = stored.get("hard")
        return hard is not None and hard == found.get(publication.HARD_KEY)

    def _tokens(self, tags: set[str]) -> dict[str, str]:
        """The current token of each tag, creating those the cache does not hold."""
        keys = {publication.tag_key(tag): tag for tag in tags}
        found = self._call("get_many", [*keys, publication.EPOCH_KEY, publication.HARD_KEY])
        if missing := [key for key in [*keys, publication.HARD_KEY] if key not in found]:
            self._create(missing)
            found.update(self._call("get_many", missing))
        return {tag: found.get(key) for key, tag in keys.items()} | {
            "": found.get(publication.EPOCH_KEY),
            publication.HARD_KEY: found.get(publication.HARD_KEY),
        }

    def _create(self, keys: list[str]) -> None:
        """First tokens for `keys` the cache does not hold (`add`: another worker may make
        them too), then a new version: no worker judges a page by what it knew (known.py)."""
        for key in keys:
            self._call("add", key, publication.new_token(), None)
        self._call("set", publication.VERSION_KEY, publication.new_token(), None)

    # -- the request ----------------------------------------------------------------------------

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request_is_cacheable(request):
            self._check_catalogues()
            return self._mark(self._render(request), None)
        language = self._language(request)
        query, ignored = canonical_query(request)
        try:
            if not self._usable():
                raise CacheUnavailable
            key = self._key(request, language, query)
            if key is None:
                self._check_catalogues()
                return self._mark(self._render(request), None)
            stored, found = self._lookup(key)
            digest = self.catalogues.digest
            self.catalogues.check(found.get(shared_catalogues.GENERATION_KEY))
            if digest != self.catalogues.digest:
                key = self._key(request, language, query)
                stored, found = self._lookup(key)
            renderer.misnamed(self._call, request, key)
            if self._catch_up(found.get(publication.SEEN_KEY)):
                stored, found = self._lookup(key)
            if self._valid(stored, found):
                self._remember(key, stored)
                return self._hit(request, stored)
            epoch = found.get(publication.EPOCH_KEY)
            if epoch is None:
                self._create([publication.EPOCH_KEY])
                epoch = self._call("get", publication.EPOCH_KEY)
        except CacheUnavailable:
            return self._without_cache(request, language)
        stale = stored if self._graced(stored, found) else None
        before = Before.of(epoch, stored, found)
        return self._miss(
            request, key, language, before, store=not ignored, stale=stale, query=query
        )

    def _check_catalogues(self) -> None:
        seen = self.catalogues.shared_seen
        if self._usable():
            with suppress(CacheUnavailable):
                seen = self._call("get", shared_catalogues.GENERATION_KEY)
        self.catalogues.check(seen)

    def _render(self, request: HttpRequest):
        with cache_tags.collecting() as collected:
            response = self.get_response(request)
        return response, collected

    def _without_cache(self, request: HttpRequest, language: str) -> HttpResponse:
        self.catalogues.check(self.catalogues.shared_seen)
        response, collected = self._render(request)
        if response_is_public(response):
            policy.tag_response(response, collected, language)
        return self._mark((response, collected), None)

    def _miss(
        self,
        request,
        key: str,
        language: str,
        before: Before,
        *,
        store: bool,
        stale: dict | None = None,
        query: str = "",
    ) -> HttpResponse:
        lock = renderer.lock_key(key)
        # The renderer's own request renders under the lock the queueing request took.
        refresh = bool(request.META.get(renderer.REFRESH))
        locked, queued, renders, token = refresh, False, False, None
        try:
            if not refresh:
                held = self._call("get", lock) if stale is not None else None
                if held and not (renders := renderer.overdue(self._call, request, held, key)):
                    # Being rendered: the previous copy, without a write to the cache (a
                    # write may wait for the shard's lock while the renderer stores).
                    return self._hit(request, stale, state="stale")
                # The lock holds its taker's token (the time it was taken): freed only
                # by its holder (renderer.free). Overdue, this request takes it over.
                token = held if renders else time.time()
                locked = renders or bool(
                    self._call("add", lock, token, settings.PAGE_CACHE_LOCK_SECONDS)
                )
                renders = renders or (locked and renderer.background(request))
            if stale is not None and not refresh and not renders:
                # The previous copy is still approved text (see _graced): served while the
                # renderer (queued once it is sent: queue_after) or a request renders anew.
                answer = self._hit(request, stale, state="stale")
                if queued := locked and renderer.alive(self._call):
                    renderer.queue_after(self._call, answer, request, query, key, language, token)
                if queued or not locked:
                    return answer
            if not locked:
                waited = self._wait_for(request, key)
                if waited is not None:
                    return waited
        except CacheUnavailable:
            return self._without_cache(request, language)
        try:
            fallback = None if refresh else stale
            return self._fresh(request, key, language, before, store=store, fallback=fallback)
        finally:
            if locked and not queued and not refresh:  # the renderer frees its own
                with suppress(CacheUnavailable):
                    renderer.free(self._call, lock, token)

    def _fresh(self, request, key, language, before: Before, *, store, fallback) -> HttpResponse:
        """The page rendered whole, stored if `store`, then answered as asked. A render
        that fails (5xx: a fault, the database gone) gets `fallback`, the previous approved
        copy, if any, rather than an error, which the cache in front would keep."""
        with policy.unconditional(request):
            response, collected = self._render(request)
        if not response_is_public(response):
            if fallback is not None and response.status_code >= 500:
                return self._hit(request, fallback, state="stale")
            return policy.answer(request, self._mark((response, collected), None), HEADER)
        response[HEADER] = "miss"
        tags = policy.tag_response(response, collected, language, key)
        if store:
            self._store(key, response, collected, tags, before)
        return policy.answer(request, self._mark((response, collected), True), HEADER)

    def _store(self, key: str, response, collected, tags: set[str], before: Before) -> None:
        try:
            tokens = self._tokens(tags)
            hard = tokens.pop(publication.HARD_KEY)
            if not before.unchanged(tags, tokens, tokens.pop("")):
                # An invalidation of this page was applied while it was rendered: it may
                # show either state, so no cache may keep it.
                response["Surrogate-Control"] = "no-store"
                return
            seconds = lifetime(collected.changes_on, settings.PAGE_CACHE_SECONDS)
            kept = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in (HEADER.lower(), "surrogate-control")
            ]
            stored = {
                "status": response.status_code,
                "headers": kept,
                "content": response.content,
                "tags": tokens,
                "hard": hard,
                "expires": policy.now() + seconds,
            }
            self._call("set", key, stored, seconds)
            self._remember(key, stored)
        except CacheUnavailable:
            pass

    def _wait_for(self, request: HttpRequest, key: str) -> HttpResponse | None:
        """Another worker renders this page: its entry, once stored, or None."""
        deadline = time.monotonic() + settings.PAGE_CACHE_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.02)
            stored = self._call("get", key)
            if stored is not None:
                found = self._call("get_many", policy.tag_keys(stored))
                if self._valid(stored, found):
                    return self._hit(request, stored)
            elif not self._call("get", renderer.lock_key(key)):
                return None
        return None

    def _hit(self, request: HttpRequest, stored: dict, state: str = "hit") -> HttpResponse:
        response = HttpResponse(stored["content"], status=stored["status"])
        for name, value in stored["headers"]:
            response[name] = value
        response[HEADER] = state
        seconds = max(1, min(settings.SURROGATE_MAX_AGE, int(stored["expires"] - policy.now())))
        if state == "stale":  # the cache in front asks again soon (or is purged: renderer)
            seconds = settings.PAGE_CACHE_STALE_SURROGATE_SECONDS
        response["Surrogate-Control"] = f"max-age={seconds}"
        return policy.answer(request, response, HEADER)

    @staticmethod
    def _mark(rendered, public: bool | None) -> HttpResponse:
        response, collected = rendered
        if public is None:
            public = response_is_public(response) or policy.public_not_modified(response)
        if public and "Surrogate-Control" not in response:
            seconds = lifetime(collected.changes_on, settings.SURROGATE_MAX_AGE)
            response["Surrogate-Control"] = f"max-age={seconds}"
        return response
