"""gunicorn configuration; every value can be overridden from the environment."""

import multiprocessing
import os
import re
import tempfile

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: pages are small and server-rendered, the database is the only wait.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """gunicorn >= 25 opens a control socket at one default path per user, so a second
    instance on the machine (another host on loopback, a test server) would take over
    the first one's. Give each instance its own: GUNICORN_CONTROL_SOCKET, or a path named
    after the addresses it binds."""
    setting = server.cfg.settings.get("control_socket")
    if setting is None or setting.value != setting.default:
        return  # an older gunicorn, or a path given on the command line
    path = os.environ.get("GUNICORN_CONTROL_SOCKET")
    if not path:
        name = "_".join(re.sub(r"[^\w.-]+", "-", address) for address in server.cfg.bind)
        path = os.path.join(tempfile.gettempdir(), f"healthsite-gunicorn-{name}.ctl")
    server.cfg.set("control_socket", path)
