"""What the page cache may keep, under which key parts, and for how long.

Pure rules with no cache calls (healthsite.page_cache.middleware applies them): which
requests are looked up, which responses are public, which query parameters name a page,
and how long a page may be kept (until the day something it shows changes).
"""

from __future__ import annotations

import time
from datetime import datetime
from datetime import time as clock

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import cc_delim_re

VARY_ALLOWED = {"accept-language", "accept-encoding"}


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
