"""/healthz/: each dependency named, for load balancers and people.

200 "ok" when all answer; 200 "degraded" when only a cache is missing (the site still
serves: pages render without the shared cache, and without the HTTP cache the app takes
every request); 503 "down" when the database does not answer. Each line names a
dependency: database, shared cache, HTTP cache ("not configured" where there is none).
One database query, one cache round trip, one TCP connect per HTTP cache, each bounded by
its client's timeout.
"""

from __future__ import annotations

import logging
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

from reviews.models import PublishedVersion

logger = logging.getLogger(__name__)

HTTP_CACHE_CONNECT_SECONDS = 0.5


def database() -> str:
    try:
        PublishedVersion.objects.exists()
    except DatabaseError:
        logger.exception("Health check: database unavailable")
        return "unavailable"
    return "ok"


def shared_cache() -> str:
    try:
        caches[settings.PAGE_CACHE_ALIAS].get("healthz")
    except Exception:
        logger.warning("Health check: shared cache unavailable", exc_info=True)
        return "unavailable"
    return "ok"


def http_cache() -> str:
    if not settings.FRONTEND_CACHE_URLS:
        return "not configured"
    for url in settings.FRONTEND_CACHE_URLS:
        parts = urlsplit(url)
        try:
            with socket.create_connection(
                (parts.hostname, parts.port or 80), timeout=HTTP_CACHE_CONNECT_SECONDS
            ):
                pass
        except OSError:
            logger.warning("Health check: HTTP cache %s unreachable", parts.netloc)
            return "unavailable"
    return "ok"


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    checks = {"database": database(), "shared cache": shared_cache(), "HTTP cache": http_cache()}
    if checks["database"] != "ok":
        state, status = "down", 503
    elif "unavailable" in checks.values():
        state, status = "degraded", 200
    else:
        state, status = "ok", 200
    lines = [state] + [f"{name}: {value}" for name, value in checks.items()]
    return HttpResponse("\n".join(lines) + "\n", status=status, content_type="text/plain")
