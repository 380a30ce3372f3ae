"""What happens when the public content changes: every approval and withdrawal calls
`changed()` once its transaction has committed.

Two caches hold rendered public pages, and both are emptied at once, on every host:

- the page cache in Django's shared cache (healthsite.page_cache): its entries are keyed
  by a *publication generation*, a token kept in that same shared cache. `changed()`
  replaces the token, so every worker on every host misses from the next request on;
  the old entries are never read again and expire by themselves.
- the HTTP caches in front (Varnish, deploy/varnish/default.vcl): `changed()` sends a
  BAN of everything to each URL in settings.FRONTEND_CACHE_URLS, synchronously with a
  short timeout, like Wagtail's frontend-cache invalidator. A failed ban is logged and
  never fails the approval or withdrawal that triggered it.

The generation is bumped before the ban, so a cache in front that refetches right after
the ban gets a freshly rendered page, not the previous one from the page cache. A page
whose rendering overlapped the change is sent with `Surrogate-Control: no-store`
(healthsite.page_cache); one that was rendered just before the change but reaches the
cache in front just after the ban (a worker descheduled in between) is caught by a
second ban FRONTEND_CACHE_REBAN_SECONDS later, from a background thread.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

GENERATION_KEY = "publication:generation"


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def new_token() -> str:
    # Never a value used before (unlike a counter that could restart from 1 after the
    # cache lost its keys): pages cached under an older token can never come back.
    return f"{time.time_ns():x}-{secrets.token_hex(4)}"


def generation() -> str:
    """The current publication generation, created on first use (or after eviction)."""
    cache = _cache()
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, new_token(), None)
        token = cache.get(GENERATION_KEY)
    return token


def bump_generation() -> str:
    token = new_token()
    _cache().set(GENERATION_KEY, token, None)
    return token


def purge_frontends(urls: list[str] | None = None) -> list[str]:
    """Ban every cached object in each HTTP cache in front (settings.FRONTEND_CACHE_URLS
    unless `urls` are given); returns the URLs that failed."""
    failed = []
    for url in getattr(settings, "FRONTEND_CACHE_URLS", []) if urls is None else urls:
        request = urllib.request.Request(  # noqa: S310 - operator-configured URL
            url.rstrip("/") + "/", method="BAN", headers={"X-Ban": "all"}
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.FRONTEND_CACHE_TIMEOUT
            ) as response:
                if response.status != 200:
                    raise urllib.error.HTTPError(url, response.status, "unexpected", {}, None)
        except (OSError, urllib.error.HTTPError) as error:
            failed.append(url)
            logger.error("Frontend cache purge failed for %s: %s", url, error)
        else:
            logger.info("Frontend cache purged: %s", url)
    return failed


def changed(*, kind: str, key: str) -> None:
    """Public content changed (an approval or a withdrawal of `kind`/`key` committed):
    invalidate the page cache everywhere, then purge the HTTP caches in front."""
    for attempt in (1, 2):
        try:
            bump_generation()
            break
        except Exception:
            # The shared cache is unreachable; without a new generation, pages cached
            # before this change could be served again when it comes back.
            logger.exception(
                "Publication generation not bumped after %s %s (attempt %d)", kind, key, attempt
            )
    urls = list(getattr(settings, "FRONTEND_CACHE_URLS", []))
    purge_frontends(urls)
    delay = getattr(settings, "FRONTEND_CACHE_REBAN_SECONDS", 0)
    if delay and urls:
        # The same caches again (not whatever the settings name when the timer fires).
        again = threading.Timer(delay, purge_frontends, args=(urls,))
        again.daemon = True
        again.start()
