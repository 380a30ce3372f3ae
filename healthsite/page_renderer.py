"""The page renderer's process: `python -m healthsite.page_renderer`.

gunicorn's master starts one per host (healthsite/gunicorn.conf.py, unless
PAGE_RENDERER=0) and keeps it (`Supervised`), PAGE_RENDERER_NICE (10) below the request
workers in CPU priority; it renders the pages queued after approvals
(healthsite.page_cache.renderer) and stops on SIGTERM or SIGINT, or when the process that
started it is gone. Django is set up before the page cache is imported (its modules import
models); this module imports nothing of Django, so the master can use `Supervised`."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

COMMAND = [sys.executable, "-m", "healthsite.page_renderer"]


class Supervised:
    """The renderer's process as gunicorn's master keeps it: when it exits on its own (a
    crash, the kernel's OOM killer), a new one starts after `first_delay` seconds,
    doubling while the new ones keep failing within `healthy_after` seconds of their
    start (by default `max_delay`; the pause at most `max_delay`), so a renderer that
    cannot start costs little. Until then request workers render stale pages themselves,
    as with no renderer. A thread waits on the process: gunicorn's master has no
    periodic hook, and may reap the process itself (it reaps every child), which ends
    the wait as well. `wanted()` says whether the master still serves: when systemd
    stops the service, the renderer gets SIGTERM with the master, which has no workers
    left by then, and no new renderer is started while it stops."""

    def __init__(
        self,
        log,
        command=COMMAND,
        *,
        first_delay=1.0,
        max_delay=60.0,
        healthy_after=None,
        wanted=None,
    ):
        self.log, self.command, self.wanted = log, command, wanted or (lambda: True)
        self.first_delay, self.max_delay = first_delay, max_delay
        self.healthy_after = max_delay if healthy_after is None else healthy_after
        self.failures = 0
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        with self.lock:
            self._start()

    def _start(self) -> None:
        self.process = subprocess.Popen(self.command, cwd=Path(__file__).resolve().parent.parent)
        self.started = time.monotonic()
        self.log.info("Page renderer started (pid %s)", self.process.pid)
        threading.Thread(
            target=self._watch, args=(self.process,), name="page-renderer", daemon=True
        ).start()

    def _watch(self, process: subprocess.Popen) -> None:
        process.wait()
        if self.stopped.is_set():
            return
        lived = time.monotonic() - self.started
        self.failures = self.failures + 1 if lived < self.healthy_after else 0
        delay = min(self.max_delay, self.first_delay * 2 ** max(self.failures - 1, 0))
        self.log.error(
            "Page renderer (pid %s) exited after %.0f s; a new one starts in %.0f s",
            process.pid, lived, delay,
        )  # fmt: skip
        while not self.stopped.wait(delay):
            with self.lock:
                if self.wanted() and not self.stopped.is_set():
                    try:
                        self._start()
                        return
                    except OSError as error:  # tried again after the same pause
                        self.log.error("Page renderer could not start: %s", error)

    def stop(self) -> None:
        with self.lock:
            self.stopped.set()
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthsite.settings.production")
    nice = int(os.environ.get("PAGE_RENDERER_NICE", 10))
    if nice:
        os.nice(nice)
    stopping = []
    for name in (signal.SIGTERM, signal.SIGINT):
        signal.signal(name, lambda *_: stopping.append(True))
    parent = os.getppid()
    # /metrics counts what visitors asked for: the renderer's own requests stay out of
    # the workers' shared counter files (operations.metrics).
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()  # sets Django up

    from healthsite.page_cache.renderer import Renderer
    from strings import sharing

    sharing.load_every_language()
    Renderer(application).run(lambda: bool(stopping) or os.getppid() != parent)


if __name__ == "__main__":
    main()
