"""The first middleware: gives each request its id, times it, counts it, logs it.

First in MIDDLEWARE so it also sees answers the page cache gives before URL resolution.
The page type is read from the path by a fixed table (not by resolving the URL, which on a
page-cache hit has not happened yet and needs the active language), so metric labels stay
few whatever URLs clients invent.
"""

from __future__ import annotations

import logging
import re
import time

from django.conf import settings

from . import metrics
from .logs import REQUEST_ID, request_id_from

logger = logging.getLogger("healthsite.requests")

# The page cache's answer header (healthsite.page_cache.HEADER; a test keeps them equal:
# operations may not import the project package, which imports it).
PAGE_CACHE_HEADER = "X-Page-Cache"

_FIRST_SEGMENT = {
    "": "home",
    "regions": "region",
    "topics": "topic",
    "search": "search",
    "feed": "feed",
    "emergency-numbers": "emergency_numbers",
}
_TOP = {
    "static": "static",
    "admin": "admin",
    "api": "api",
    "healthz": "healthz",
    "metrics": "metrics",
    "robots.txt": "robots",
}
_PATH = re.compile(r"^/([^/]*)/?([^/]*)")


def page_type(path: str) -> str:
    match = _PATH.match(path)
    first, second = (match[1], match[2]) if match else ("", "")
    if first in _TOP:
        return _TOP[first]
    if first.startswith("sitemap"):
        return "sitemap"
    if first in {code for code, _name in settings.LANGUAGES}:
        return _FIRST_SEGMENT.get(second, "other")
    return "other"


class RequestContext:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            elapsed = time.perf_counter() - started
            kind = page_type(request.path_info)
            metrics.REQUESTS.labels(kind, str(response.status_code)).inc()
            metrics.LATENCY.labels(kind).observe(elapsed)
            cached = response.get(PAGE_CACHE_HEADER)
            if cached in ("hit", "stale", "miss"):
                metrics.PAGE_CACHE.labels(cached).inc()
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path_info[:200],
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 2),
                    "page_type": kind,
                    "cache": cached or "-",
                },
            )
            return response
        finally:
            REQUEST_ID.reset(token)
