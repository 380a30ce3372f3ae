"""gunicorn configuration; every value can be overridden from the environment."""

import multiprocessing
import os
import re
import shutil
import tempfile
from pathlib import Path

from operations.logs import logging_config

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: pages are small and server-rendered, the database is the only wait.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# Workers are recycled now and then (a guard against slow leaks). Cached pages are served
# at ~1,000 req/s per host, so a low limit would restart each worker every few seconds and
# every restart stalls requests for the time Django takes to start (p99 ~1 s).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 50000))
max_requests_jitter = 5000
# The app is imported once in the master and forked: a recycled worker is ready at once.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# One JSON line per request comes from the app (operations.middleware, with the request
# id); gunicorn's own lines (start, worker exits, timeouts) are JSON on stderr too.
accesslog = None
errorlog = "-"
logconfig_dict = {
    **logging_config(os.environ.get("DJANGO_LOG_LEVEL", "INFO")),
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}

# Prometheus counters of every worker, added up when /metrics is read
# (operations/metrics.py): each worker writes its own files in this folder, which must
# exist and be empty when the master starts, before the app (and prometheus_client) is
# imported. One folder per instance, unless the operator names one.
_own_metrics_folder = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _own_metrics_folder = tempfile.mkdtemp(prefix="healthsite-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _own_metrics_folder
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """gunicorn >= 25 opens a control socket at one default path per user, so a second
    instance on the machine (another host on loopback, a test server) would take over
    the first one's. Give each instance its own: GUNICORN_CONTROL_SOCKET, or a path named
    after the addresses it binds."""
    _empty_metrics_folder()
    setting = server.cfg.settings.get("control_socket")
    if setting is None or setting.value != setting.default:
        return  # an older gunicorn, or a path given on the command line
    path = os.environ.get("GUNICORN_CONTROL_SOCKET")
    if not path:
        name = "_".join(re.sub(r"[^\w.-]+", "-", address) for address in server.cfg.bind)
        path = os.path.join(tempfile.gettempdir(), f"healthsite-gunicorn-{name}.ctl")
    server.cfg.set("control_socket", path)


def _empty_metrics_folder():
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    """A worker that exits (recycled, timed out) leaves its counters; its live gauges go."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def when_ready(server):
    """With preload_app, nothing the master opened while importing the app may be shared
    by the forked workers: close any database connection before they start."""
    if server.cfg.preload_app:
        from django.db import connections

        connections.close_all()
    _start_renderer(server)


# The page renderer (healthsite/page_cache/renderer.py): pages stale after an approval are
# rendered again in this process, not in the request workers. PAGE_RENDERER=0: none. Its
# process is kept on the arbiter: a reload (HUP) reads this file again, as a new module.


def _start_renderer(server):
    _stop_renderer(server)
    if os.environ.get("PAGE_RENDERER", "1") != "1":
        return
    from healthsite.page_renderer import Supervised

    # Started again if it dies, while the master has workers (not while it stops).
    server.page_renderer = Supervised(server.log, wanted=lambda: bool(server.WORKERS))


def _stop_renderer(server):
    renderer = getattr(server, "page_renderer", None)
    server.page_renderer = None
    if renderer is not None:
        renderer.stop()


def on_reload(server):
    """HUP: new workers on the new code, and a new renderer."""
    _start_renderer(server)


def on_exit(server):
    _stop_renderer(server)
    if _own_metrics_folder:
        shutil.rmtree(_own_metrics_folder, ignore_errors=True)
