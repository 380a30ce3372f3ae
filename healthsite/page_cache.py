"""A public page is rendered once per publication: the shared page cache.

Middleware placed right after WhiteNoise (like Django's cache middleware). Public pages
are the same for every visitor of a URL, so the first anonymous GET or HEAD of a URL
after a publication renders it, and every later one, from any worker on any host that
shares the cache (a file cache in var/ by default, Redis in production), gets the stored
response without running a query.

Keys name the publication generation (reviews.publication: replaced on every approval
and withdrawal) and the interface-string catalogues the worker has loaded, so an entry
is never read after the content or the strings it shows changed; nothing has to be
deleted. What is stored: 200 responses whose Cache-Control says `public` (the views opt
in), that set no cookie and do not vary on Cookie (or on anything but the language of an
unprefixed URL). What is never looked up: /admin/ (and other PAGE_CACHE_EXCLUDED
prefixes), requests other than GET/HEAD, and requests carrying a session or CSRF cookie
or credentials. Hits keep the stored ETag and Cache-Control, and answer If-None-Match
with 304.

Pages also show dates (a review becomes overdue on a given day), so keys name the day and
a page is rendered again after midnight (TIME_ZONE).

Such responses also get `Surrogate-Control: max-age=...`, the lifetime the HTTP cache in
front (deploy/varnish/default.vcl) keeps them for: SURROGATE_MAX_AGE, never past the
next midnight. It is purged on every change; browsers keep pages for the view's own
max-age.

The same middleware keeps each worker's interface strings current
(strings.sharing), reading both generations in one cache round trip.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import cc_delim_re, get_conditional_response
from django.utils.http import parse_http_date_safe

from reviews import publication
from strings import sharing as shared_catalogues

logger = logging.getLogger(__name__)

# Headers a stored response keeps; per-request ones (Date, Connection) are not stored.
HEADER = "X-Page-Cache"
# Each worker also keeps the entries it used last in memory: keys name the generation, so
# they are never stale, and a hit then costs one shared-cache read (the generations).
LOCAL_ENTRIES = 256
VARY_ALLOWED = {"accept-language", "accept-encoding"}


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


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


class PublicPageCache:
    def __init__(self, get_response):
        self.get_response = get_response
        self.catalogues = shared_catalogues.CatalogueWatcher()
        self.local: OrderedDict[str, dict] = OrderedDict()

    def _remember(self, key: str, stored: dict) -> None:
        self.local[key] = stored
        self.local.move_to_end(key)
        while len(self.local) > LOCAL_ENTRIES:
            self.local.popitem(last=False)

    def _generations(self) -> tuple[str | None, str | None]:
        try:
            found = _cache().get_many(
                [publication.GENERATION_KEY, shared_catalogues.GENERATION_KEY]
            )
            pages = found.get(publication.GENERATION_KEY) or publication.generation()
        except Exception:
            logger.warning("Shared cache unavailable: pages are rendered", exc_info=True)
            return None, None
        return pages, found.get(shared_catalogues.GENERATION_KEY)

    def _key(self, request: HttpRequest, generation: str) -> str | None:
        try:
            host = request.get_host()
        except Exception:  # DisallowedHost: let the view stack answer it
            return None
        path = request.get_full_path()
        # The language of an unprefixed URL (robots.txt, sitemap.xml) comes from the
        # request, as LocaleMiddleware picks it (the response says Vary: Accept-Language).
        language = translation.get_language_from_path(request.path_info) or (
            translation.get_language_from_request(request)
        )
        # Pages show dates (a review becomes overdue): a page is rendered again each day.
        today = timezone.localdate().isoformat()
        raw = "|".join(
            [generation, self.catalogues.digest, today, request.scheme, host, language, path]
        )
        return "page:" + hashlib.sha256(raw.encode()).hexdigest()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        generation, catalogues = self._generations()
        self.catalogues.check(catalogues)
        if generation is None or not request_is_cacheable(request):
            return self._mark(self.get_response(request), None)
        key = self._key(request, generation)
        if key is None:
            return self._mark(self.get_response(request), None)
        stored = self.local.get(key)
        if stored is None:
            try:
                stored = _cache().get(key)
            except Exception:
                logger.warning("Shared cache unavailable: page rendered", exc_info=True)
        if stored is not None:
            self._remember(key, stored)
            return self._hit(request, stored)

        response = self.get_response(request)
        if not response_is_public(response):
            return self._mark(response, None)
        response[HEADER] = "miss"
        try:
            # Published while this page was rendered: it may show either state, so no
            # cache may keep it.
            if _cache().get(publication.GENERATION_KEY) != generation:
                response["Surrogate-Control"] = "no-store"
                return response
            stored = self._stored(response)
            _cache().set(key, stored, settings.PAGE_CACHE_SECONDS)
            self._remember(key, stored)
        except Exception:
            logger.warning("Shared cache unavailable: page not stored", exc_info=True)
        return self._mark(response, True)

    @staticmethod
    def _stored(response: HttpResponse) -> dict:
        headers = [
            (name, value) for name, value in response.items() if name.lower() != HEADER.lower()
        ]
        return {"status": response.status_code, "headers": headers, "content": response.content}

    def _hit(self, request: HttpRequest, stored: dict) -> HttpResponse:
        response = HttpResponse(stored["content"], status=stored["status"])
        for name, value in stored["headers"]:
            response[name] = value
        response[HEADER] = "hit"
        conditional = get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )
        return self._mark(conditional, True)

    @staticmethod
    def _mark(response: HttpResponse, public: bool | None) -> HttpResponse:
        if public is None:
            public = response_is_public(response)
        if public and "Surrogate-Control" not in response:
            response["Surrogate-Control"] = f"max-age={surrogate_max_age()}"
        return response


def surrogate_max_age() -> int:
    """SURROGATE_MAX_AGE, but never past the next midnight (pages show dates)."""
    now = timezone.localtime()
    midnight = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=now.tzinfo)
    return max(1, min(settings.SURROGATE_MAX_AGE, int((midnight - now).total_seconds())))
