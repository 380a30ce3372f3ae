"""Pages rendered again away from the request workers: the page renderer.

After an approval, a page that shows the approved item is stale, but its previous copy is
still approved text and may be served while the page is rendered again (the middleware's
grace). Rendered by the request that finds it, a page holds up every request queued
behind that sync worker for the 5 to 25 ms of the render: that was the tail of the site's
latency while reviewers approve (docs/publishing-benchmark.md). So the request that finds
such a page takes its lock, answers with the previous copy, and once that is sent queues
the page here (queue_after); the renderer, one process per host beside gunicorn's
workers (healthsite/gunicorn.conf.py starts it, at a lower CPU priority), renders it
through the same middleware stack and stores it, then frees the lock. A background fetch
of the cache in front (`background`: no visitor waits for it) that takes a page's lock
renders the page itself instead: the cache in front then gets the new page in one fetch,
not the previous copy, a purge once the renderer has stored it and a second fetch.

- Only pages whose previous copy may be served are queued. After a withdrawal or any
  other change without grace, the request renders the page itself, as before: the
  withdrawn text is never served while a page waits here.
- While no renderer has signalled for ALIVE_SECONDS (none started, crashed, or the
  cache was cleared), nothing is queued and request workers render, as before.
- An item older than the page's lock is dropped: its lock has expired, so the next
  request queues the page again (or renders it, if no renderer is alive).
- A page queued more than PAGE_CACHE_RENDER_PATIENCE_SECONDS ago is rendered by the
  next background fetch of the cache in front (one request: `overdue`), which frees the
  lock; the renderer then skips it. Under load the renderer, at its lower priority, can
  fall seconds behind (pages waited 2.6 to 5.5 s for it while wrk loaded Varnish).
- The queue lives in the shared cache (an atomic counter and one entry per item), so a
  renderer on any host may render a page any host queued; each item is taken once.
- The renderer's request carries REFRESH in its WSGI environ, which no HTTP client can
  set: the middleware then renders and stores under the lock the queueing request took,
  and leaves it to the renderer to free. A lock holds its taker's token and is freed
  only while it still does (`free`), so an item is skipped only when its own lock is
  gone, never because a lock taken after it was freed by someone else.
- Once a page is stored, the renderer soft-purges it in the HTTP caches in front (its own
  tag, policy.page_tag), so they fetch it again at once rather than when the previous
  copy's PAGE_CACHE_STALE_SURROGATE_SECONDS are over. Best effort, with a short timeout:
  after a failure it leaves the caches in front alone for PURGE_PAUSE_SECONDS (they
  still ask again within those seconds by themselves).
"""

from __future__ import annotations

import io
import logging
import math
import os
import sys
import time
from contextlib import suppress

from django.conf import settings
from django.core.cache import caches

from reviews import publication

from . import policy

logger = logging.getLogger("healthsite.page_cache")

TAIL_KEY = "render:tail"
DONE_KEY = "render:done"  # the last item a renderer has taken or skipped (for /metrics)
ALIVE_KEY = "render:alive"
ALIVE_SECONDS = 3
PURGE_TIMEOUT = 0.5
PURGE_PAUSE_SECONDS = 10.0
# Idle, the renderer looks at the queue 50 times a second for IDLE_AFTER seconds after its
# last render, then 10 times (polling cost an idle renderer 1.1 % of a core; the first page
# queued after a quiet spell waits at most 0.1 s longer, while its previous copy is served).
IDLE_AFTER_SECONDS = 5.0
IDLE_POLL_SECONDS = 0.1
# The WSGI environ key of the renderer's own requests (HTTP headers become HTTP_*).
REFRESH = "healthsite.page_cache.refresh"
# X-Background-Fetch: 1, a background fetch of the cache in front (deploy/varnish).
BACKGROUND = "HTTP_X_BACKGROUND_FETCH"
# What a queued request keeps of its environ: enough to name and render the same page.
KEPT = (
    "REQUEST_METHOD",
    "SCRIPT_NAME",
    "PATH_INFO",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_ACCEPT_LANGUAGE",
    "wsgi.url_scheme",
)


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _call(method: str, *args):
    return getattr(_cache(), method)(*args)


def item_key(number: int) -> str:
    return f"render:item:{number}"


def lock_key(key: str) -> str:
    """The lock of the page stored under `key`, taken by the request that renders or queues it."""
    return "lock:" + key


def alive(call) -> bool:
    """Whether a renderer has signalled lately (`call`: the middleware's guarded call)."""
    return bool(call("get", ALIVE_KEY))


def queue(call, request, query: str, key: str, language: str, token) -> bool:
    """Queue `request`'s page, named by its canonical `query` and cache `key`, in
    `language`, for the renderer, which frees the page's lock, taken with `token`, once
    it is stored. False when the cache could not count or keep the item (diskcache
    answers a timed-out write with None or False rather than an error): queue_after then
    frees the lock and drops the previous copy."""
    environ = {name: request.META[name] for name in KEPT if name in request.META}
    environ["REQUEST_METHOD"] = "GET"
    environ["QUERY_STRING"] = query
    # The language the key names (unprefixed URLs: maybe a cookie, not kept); the key (misnamed).
    environ["HTTP_ACCEPT_LANGUAGE"] = language
    environ[REFRESH] = key
    lock = lock_key(key)
    call("add", TAIL_KEY, 0, None)  # the first item ever, or since the cache was cleared
    number = call("incr", TAIL_KEY)
    if not isinstance(number, int):
        return False
    item = {"environ": environ, "lock": lock, "token": token, "queued": time.time()}
    return call("set", item_key(number), item, settings.PAGE_CACHE_LOCK_SECONDS * 2) is not False


def queue_after(call, response, request, query: str, key: str, language: str, token):
    """`queue` the page once `response`, its previous copy, has been written (the WSGI
    server closes a response after writing it). The renderer's purge of the caches in
    front (Renderer._purge_in_front) then follows their reading that copy by the
    renderer's poll and render: queued before it, on a loaded host the renderer could
    render, store and purge before the cache in front stored the previous copy, which it
    then kept PAGE_CACHE_STALE_SURROGATE_SECONDS. If the cache refuses the item, the lock
    is freed and the previous copy dropped: the next request renders the page (the
    renderer would never, and the previous copy would be served while its lock lasted).
    If the cache fails, nothing more is asked of it; the lock expires by itself."""

    def after_sending():
        try:
            if not queue(call, request, query, key, language, token):
                free(call, lock_key(key), token)
                call("delete", key)
        except Exception:  # the cache failed: no more calls to it (each could wait a
            # timeout); the lock expires within PAGE_CACHE_LOCK_SECONDS
            logger.warning("The page %s could not be queued", request.path, exc_info=True)

    response._resource_closers.append(after_sending)  # noqa: SLF001 (Django's closers)


def overdue(call, request, held, key: str) -> bool:
    """Whether `request` is a background fetch of the cache in front, the page whose lock
    was taken at `held` (its time.time(); a previous release wrote 1) has waited for the
    renderer longer than PAGE_CACHE_RENDER_PATIENCE_SECONDS, and this request is the one
    to render it instead: the first to ask; the others still get the previous copy. A
    renderer that falls behind (at its lower priority, on a busy machine) then delays an
    approved text in front by about that long, not by its whole backlog; it skips the
    page once that request has freed the lock. A visitor's own request still gets the
    previous copy: a render there holds up the requests queued behind its sync worker."""
    patience = settings.PAGE_CACHE_RENDER_PATIENCE_SECONDS
    if not background(request) or not isinstance(held, float) or patience is None:
        return False
    if time.time() - held < patience:
        return False
    return bool(call("add", "late:" + key, 1, max(1, math.ceil(patience))))


def background(request) -> bool:
    """A background fetch of the cache in front (BACKGROUND, which the shipped VCL sets
    and removes from clients' requests): no visitor waits for its answer."""
    return request.META.get(BACKGROUND) == "1"


def free(call, lock: str, token) -> None:
    """Frees `lock` if it still holds `token`, what its taker wrote. A taker whose lock
    has since been freed by an overdue fetch and taken by another request must not free
    that request's: the renderer would then skip the page it queued, left stale until a
    later request queued it again. (Django's cache has no compare-and-delete; between
    this read and the delete the lock could change hands only by expiring, seconds
    after it was taken.) A `token` of None (an item a previous release queued) frees it
    whoever holds it, as that release did."""
    if token is None or call("get", lock) == token:
        call("delete", lock)


def misnamed(call, request, key: str) -> None:
    """The renderer's request names its page `key`; if the request that queued it named it
    otherwise (its interface strings changed meanwhile, say), that request's stale copy
    is dropped, so the next request for it renders the page instead of queueing it again
    and again while the previous copy is served."""
    queued = request.META.get(REFRESH)
    if isinstance(queued, str) and queued != key:
        logger.warning("The renderer named %s otherwise: its previous copy is dropped", queued)
        call("delete", queued)


class Renderer:
    """Takes queued pages and renders them through `application` (the site's WSGI
    handler), which stores them in the page cache."""

    def __init__(self, application, poll_seconds: float = 0.02):
        self.application = application
        self.poll_seconds = poll_seconds
        self.done = None  # the last item number taken or skipped
        self.next_beat = 0.0
        # (tail, when this renderer first read it): since when each number has been counted
        self.counted: list[tuple[int, float]] = []
        self.purges_paused_until = 0.0

    def beat(self) -> None:
        if time.monotonic() >= self.next_beat:
            _cache().set(ALIVE_KEY, os.getpid(), ALIVE_SECONDS)
            _cache().set(DONE_KEY, self.done or 0, None)
            self.next_beat = time.monotonic() + 1.0

    def run_once(self) -> int:
        """Render every page queued since the last call; how many were rendered."""
        self.beat()
        tail = _cache().get(TAIL_KEY) or 0
        if self.done is None or self.done > tail:  # a new renderer, or a cleared cache
            self.done, self.counted = tail, []
        if not self.counted or tail > self.counted[-1][0]:
            self.counted.append((tail, time.monotonic()))
        self.counted = [entry for entry in self.counted if entry[0] > self.done]
        rendered = 0
        while self.done < tail:
            number = self.done + 1
            item = _cache().get(item_key(number))
            if item is None and not self._given_up(number):
                break  # counted but not yet written: look again on the next poll
            self.done = number
            if item is not None and _cache().add(f"render:taken:{number}", 1, 60):
                rendered += self._render(item)
        return rendered

    def _given_up(self, number: int) -> bool:
        """An item counted but not in the cache: its writer failed, or it expired while
        the renderer was behind. Skipped once it has been counted for a second, from when
        this renderer first read that count: a run of lost items costs one wait, not a
        second each (which left a renderer that fell 10 s behind under load further
        behind with every item, and the pages it owed stale for good)."""
        counted_at = next(at for count, at in self.counted if count >= number)
        return time.monotonic() - counted_at > 1.0

    def _render(self, item: dict) -> int:
        token = item.get("token")
        try:
            if time.time() - item["queued"] > settings.PAGE_CACHE_LOCK_SECONDS:
                return 0  # its lock has expired: the next request queues it again
            held = _cache().get(item["lock"])
            if not held or token not in (None, held):
                return 0  # a request found it overdue and rendered it (and another may
                # have taken the lock since, and queued it again: rendered from that item)
            environ = _environ(item["environ"])
            statuses = []
            chunks = self.application(
                environ, lambda status, headers, exc_info=None: statuses.append(status)
            )
            with suppress(Exception):
                for _chunk in chunks:
                    pass
            if hasattr(chunks, "close"):
                chunks.close()
        except Exception:
            logger.exception("The renderer could not render %s", item["environ"].get("PATH_INFO"))
            return 0
        finally:
            with suppress(Exception):
                free(_call, item["lock"], token)
        if statuses[-1:] and statuses[-1].startswith("200"):  # after the lock is freed
            try:
                self._purge_in_front(environ[REFRESH])
            except Exception:
                logger.exception("The renderer could not purge %s", environ.get("PATH_INFO"))
        return 1

    def _purge_in_front(self, key) -> None:
        if not isinstance(key, str) or time.monotonic() < self.purges_paused_until:
            return
        tags = [policy.page_tag(key)]
        if publication.purge_frontends(tags, grace=True, timeout=PURGE_TIMEOUT):
            self.purges_paused_until = time.monotonic() + PURGE_PAUSE_SECONDS

    def run(self, should_stop) -> None:
        last_render = time.monotonic()
        while not should_stop():
            try:
                if self.run_once():
                    last_render = time.monotonic()
                elif time.monotonic() - last_render < IDLE_AFTER_SECONDS:
                    time.sleep(self.poll_seconds)
                else:
                    time.sleep(max(self.poll_seconds, IDLE_POLL_SECONDS))
            except Exception as error:  # the cache is down: try again in a while
                logger.warning("The renderer waits for the page cache (%s)", error)
                time.sleep(1.0)


def _environ(kept: dict) -> dict:
    environ = {
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.url_scheme": "http",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SCRIPT_NAME": "",
        "CONTENT_LENGTH": "0",
        "REMOTE_ADDR": "127.0.0.1",  # the renderer's own request, not the visitor's
        "HTTP_USER_AGENT": "healthsite-page-renderer",
    }
    environ.update(kept)
    environ.setdefault(REFRESH, True)
    return environ


class Collector:
    """/metrics (operations.metrics, METRICS_COLLECTORS): whether a renderer signalled in
    the last ALIVE_SECONDS, and how many queued pages no renderer has taken yet. Nothing
    while the page cache cannot be read (the request metrics say so)."""

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        try:
            up = bool(_cache().get(ALIVE_KEY))
            waiting = max(0, (_cache().get(TAIL_KEY) or 0) - (_cache().get(DONE_KEY) or 0))
        except Exception:
            logger.warning("Metrics: the page cache cannot be read", exc_info=True)
            return
        yield GaugeMetricFamily(
            "healthsite_page_renderer_up",
            "1 when a page renderer signalled in the last few seconds, else 0.",
            value=int(up),
        )
        yield GaugeMetricFamily(
            "healthsite_page_renderer_waiting",
            "Pages queued for the page renderer and not yet taken.",
            value=waiting,
        )
