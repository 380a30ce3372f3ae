"""Logs and metrics. Imported by base."""

import os

from operations.logs import logging_config

# JSON lines on stderr, each with the request id (operations/logs.py; README "Logs").
LOGGING = logging_config(os.environ.get("DJANGO_LOG_LEVEL", "INFO"))

# Who may read /metrics (operations/metrics.py): these REMOTE_ADDRs, never through a proxy.
METRICS_ALLOWED_ADDRESSES = [
    address.strip()
    for address in os.environ.get("DJANGO_METRICS_ALLOWED", "127.0.0.1,::1").split(",")
    if address.strip()
]
# The command that prints the local Varnish's counters, for its hit ratio in /metrics
# (e.g. "varnishstat -n /var/lib/varnish/healthsite"); empty: no Varnish figures.
METRICS_VARNISHSTAT = os.environ.get("DJANGO_METRICS_VARNISHSTAT", "").split()
# More collectors for /metrics, by dotted path: what the project's own parts report
# (the page renderer: healthsite/page_cache/renderer.py).
METRICS_COLLECTORS = ["healthsite.page_cache.renderer.Collector"]
