"""Prometheus metrics, through prometheus-client (the reference Python client, kept by the
Prometheus project): counters and histograms for requests, plus figures read when the
scraper asks (review queue, overdue reviews, Varnish's hit counters).

django-prometheus was the other candidate; it instruments every model and database call
under its own names and still needs custom collectors for what matters here (review
queue, page-cache hits, Varnish), so the plain client with a few named metrics is smaller.

Several gunicorn workers: each is its own process with its own counters. When
PROMETHEUS_MULTIPROC_DIR is set (healthsite/gunicorn.conf.py sets it for gunicorn), the
client keeps counters in files there and `metrics_view` adds them up across workers.

Who may read: `/metrics` answers only REMOTE_ADDR in METRICS_ALLOWED_ADDRESSES (loopback by
default) and never a request a proxy forwarded (X-Forwarded-For present): behind
Varnish or nginx every request comes from loopback, so the address alone would let the
world in. The shipped Varnish and nginx configurations refuse the path as well.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

REQUESTS = Counter(
    "healthsite_requests_total",
    "HTTP requests answered by the app, by page type and status code.",
    ["page_type", "status"],
)
LATENCY = Histogram(
    "healthsite_request_duration_seconds",
    "Time the app took to answer, by page type.",
    ["page_type"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PAGE_CACHE = Counter(
    "healthsite_page_cache_requests_total",
    "Public pages answered from the shared page cache (hit), by its previous copy while "
    "another request re-renders an approved change (stale), or rendered (miss).",
    ["result"],
)


class WorkloadCollector(Collector):
    """Read at scrape time from the database: each language's review queue (submitted
    versions) and live versions whose review is overdue. Two grouped queries."""

    def collect(self):
        from reviews.models import LanguageVersion, PublishedVersion

        queue = GaugeMetricFamily(
            "healthsite_review_queue",
            "Language versions submitted and waiting for a medical reviewer.",
            labels=["language"],
        )
        overdue = GaugeMetricFamily(
            "healthsite_reviews_overdue",
            "Live language versions whose next review date has passed.",
            labels=["language"],
        )
        try:
            waiting = dict(
                LanguageVersion.objects.filter(status=LanguageVersion.Status.SUBMITTED)
                .values_list("language")
                .annotate(n=Count("pk"))
            )
            late = dict(
                PublishedVersion.objects.overdue(timezone.localdate())
                .values_list("language")
                .annotate(n=Count("pk"))
            )
        except DatabaseError:
            logger.warning("Metrics: database unavailable", exc_info=True)
            return
        for code, _name in settings.LANGUAGES:
            queue.add_metric([code], waiting.get(code, 0))
            overdue.add_metric([code], late.get(code, 0))
        yield queue
        yield overdue
        yield from _pending_work()


def _pending_work():
    """Cache invalidations not yet applied (the outbox) and staff mail not yet sent."""
    from reviews.models import Invalidation, Notification

    for metric, text, queryset in (
        (
            "healthsite_invalidations_waiting",
            "Cache invalidations recorded but not yet applied everywhere.",
            lambda: Invalidation.objects.pending(),
        ),
        (
            "healthsite_mail_waiting",
            "Review notices not yet sent (digests and retries included).",
            lambda: Notification.objects.filter(sent_at=None),
        ),
    ):
        try:
            yield GaugeMetricFamily(metric, text, value=queryset().count())
        except DatabaseError:
            logger.warning("Metrics: database unavailable", exc_info=True)


class VarnishCollector(Collector):
    """Varnish's own hit and miss counters (varnishstat -j), when METRICS_VARNISHSTAT names
    the command for the local Varnish (e.g. ["varnishstat", "-n", "/var/lib/varnish/site"]).
    One scrape costs one short process; a missing or hung Varnish costs at most a second."""

    def collect(self):
        command = getattr(settings, "METRICS_VARNISHSTAT", None)
        if not command or not shutil.which(command[0]):
            return
        try:
            done = subprocess.run(
                [*command, "-1", "-j"], capture_output=True, timeout=1, check=True
            )
            counters = json.loads(done.stdout)
        except (subprocess.SubprocessError, OSError, ValueError):
            logger.warning("Metrics: varnishstat unavailable", exc_info=True)
            return
        counters = counters.get("counters", counters)  # varnishstat >= 6.5 nests them
        for field, name, text in (
            ("MAIN.cache_hit", "varnish_cache_hit", "Requests Varnish answered from cache."),
            ("MAIN.cache_miss", "varnish_cache_miss", "Requests Varnish passed to the app."),
            ("MAIN.n_object", "varnish_objects", "Objects in Varnish's cache."),
        ):
            value = counters.get(field, {}).get("value")
            if value is None:
                continue
            family = GaugeMetricFamily if field == "MAIN.n_object" else CounterMetricFamily
            yield family(name, text, value=value)


def registry() -> CollectorRegistry:
    fresh = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(fresh)
    else:
        for collector in (REQUESTS, LATENCY, PAGE_CACHE):
            fresh.register(_Forward(collector))
    fresh.register(WorkloadCollector())
    fresh.register(VarnishCollector())
    for path in getattr(settings, "METRICS_COLLECTORS", ()):
        fresh.register(import_string(path)())
    return fresh


class _Forward(Collector):
    """A metric of the process-wide registry, read into a per-scrape registry."""

    def __init__(self, metric):
        self.metric = metric

    def collect(self):
        return self.metric.collect()


def may_read(request: HttpRequest) -> bool:
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META:
        return False
    return request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_ADDRESSES


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not may_read(request):
        # 404, not 403: the path is not there for anyone else.
        return HttpResponseNotFound("not found\n", content_type="text/plain")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
