"""gunicorn's master keeps its page renderer (healthsite.page_renderer.Supervised): one
that dies is started again, later each time while new ones keep failing at once, and none
is started after the master has stopped it. Small commands stand in for the renderer."""

from __future__ import annotations

import os
import signal
import sys
import time

from healthsite.page_renderer import Supervised


class Log:
    def __init__(self):
        self.started: list[int] = []
        self.delays: list[float] = []
        self.failed_starts = 0

    def info(self, message, pid):
        self.started.append(pid)

    def error(self, message, *args):
        if len(args) == 3:  # pid, lived, delay
            self.delays.append(args[2])
        else:
            self.failed_starts += 1


def wait_for(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


def test_a_killed_renderer_is_replaced_and_a_stopped_one_is_not():
    log = Log()
    kept = Supervised(log, [sys.executable, "-c", "import time; time.sleep(60)"], first_delay=0.05)
    first = kept.process
    os.kill(first.pid, signal.SIGKILL)
    wait_for(lambda: kept.process is not first)
    second = kept.process
    assert second.poll() is None and len(log.started) == 2
    kept.stop()
    assert second.poll() is not None  # stopped with the master
    time.sleep(0.3)
    assert kept.process is second and len(log.started) == 2


def _restarted(code: str, restarts: int, healthy_after: float) -> Log:
    """The log of a renderer running `code`, supervised until it has been started again
    `restarts` times (first delay 0.05 s, at most 0.4 s), then stopped."""
    log = Log()
    kept = Supervised(
        log,
        [sys.executable, "-c", code],
        first_delay=0.05,
        max_delay=0.4,
        healthy_after=healthy_after,
    )
    try:
        wait_for(lambda: len(log.delays) >= restarts)
    finally:
        kept.stop()
    return log


def test_a_renderer_that_keeps_failing_is_started_again_later_each_time():
    # Each one fails at once; counted as failing within 30 s of its start, so a loaded
    # machine (CI runs the suites side by side) that takes 0.4 s to start Python does not
    # make a failure look like a healthy run.
    log = _restarted("raise SystemExit(3)", 5, healthy_after=30.0)
    assert log.delays[:5] == [0.05, 0.1, 0.2, 0.4, 0.4]
    starts = len(log.started)
    time.sleep(0.6)
    assert len(log.started) == starts  # none after the stop


def test_a_renderer_that_ran_a_while_before_it_died_is_started_again_soon():
    code = "import time; time.sleep(0.3); raise SystemExit(3)"
    log = _restarted(code, 3, healthy_after=0.2)
    assert log.delays[:3] == [0.05, 0.05, 0.05]


def test_stopping_during_the_pause_before_a_restart_starts_nothing():
    log = Log()
    kept = Supervised(log, [sys.executable, "-c", "pass"], first_delay=5.0)
    wait_for(lambda: log.delays)
    kept.stop()  # at once, not after the 5 s pause
    time.sleep(0.2)
    assert len(log.started) == 1


def test_no_renderer_is_started_while_the_master_has_no_workers():
    """systemd's stop sends SIGTERM to the renderer with the master: while the master
    stops (no workers left) the renderer is not replaced; once it serves again, it is."""
    log, serving = Log(), []
    kept = Supervised(
        log, [sys.executable, "-c", "pass"], first_delay=0.05, wanted=lambda: bool(serving)
    )
    try:
        wait_for(lambda: log.delays)
        time.sleep(0.3)
        assert len(log.started) == 1
        serving.append(True)
        wait_for(lambda: len(log.started) >= 2)
    finally:
        kept.stop()


def test_a_renderer_that_cannot_be_started_is_tried_again():
    """If starting a new renderer fails (the interpreter cannot be run for a moment), the
    watcher logs it and tries again after the same pause, instead of giving up."""
    log = Log()
    kept = Supervised(log, [sys.executable, "-c", "import time; time.sleep(60)"], first_delay=0.05)
    try:
        runnable = kept.command
        kept.command = ["/nonexistent/python"]
        os.kill(kept.process.pid, signal.SIGKILL)
        wait_for(lambda: log.failed_starts >= 2)
        assert len(log.started) == 1
        kept.command = runnable
        wait_for(lambda: len(log.started) == 2)
    finally:
        kept.stop()
