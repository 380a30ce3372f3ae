"""The page renderer as gunicorn runs it (healthsite/gunicorn.conf.py starts it beside the
workers): after an approval in the admin over HTTP, no request worker renders the changed
page; visitors get the previous copy until the renderer has stored the new one, within a
moment. A reload replaces the renderer; it goes when gunicorn goes, even when gunicorn is
killed."""

from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path

import pytest

from .support.admin_http import approve_summary
from .support.serving import ROOT, fetch, running_gunicorn, site_env

pytestmark = pytest.mark.server

PAGE = "/ru/topics/leg-cramps/"


def renderers_of(master: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == master and b"healthsite.page_renderer" in command:
            found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_after_an_approval_the_renderer_and_not_a_request_renders_the_page(tmp_path, prepared_site):
    env = site_env(tmp_path, ROOT / "locale")
    prepared_site.into(env)
    with running_gunicorn(env, workers=2) as (base, gunicorn):
        assert renderers_of(gunicorn.pid), "gunicorn started no page renderer"
        fetch(base + PAGE)
        assert fetch(base + PAGE)[1]["X-Page-Cache"] == "hit"
        time.sleep(1.5)  # the renderer has signalled that it is alive

        approve_summary(env, base, "leg-cramps", "ru", "Новое резюме от рецензента")

        states, deadline = [], time.monotonic() + 10
        while time.monotonic() < deadline:
            status, headers, html = fetch(base + PAGE)
            assert status == 200
            states.append(headers["X-Page-Cache"])
            if "Новое резюме от рецензента" in html:
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"the new text never came: {states}")
        assert states[0] == "stale"  # the previous copy, at once
        assert "miss" not in states  # no request waited for a render
        assert fetch(base + PAGE)[1]["X-Page-Cache"] == "hit"
        # /metrics counts the visitors' answers: one miss (the first), not the renderer's.
        metrics = fetch(base + "/metrics")[2]
        assert 'healthsite_page_cache_requests_total{result="miss"} 1.0' in metrics, [
            line for line in metrics.splitlines() if "page_cache_requests" in line
        ]


def test_the_renderer_stops_with_gunicorn_even_when_gunicorn_is_killed(tmp_path, prepared_site):
    env = site_env(tmp_path, ROOT / "locale")
    prepared_site.into(env)
    with running_gunicorn(env, workers=1) as (_base, gunicorn):
        (renderer,) = renderers_of(gunicorn.pid)
        os.kill(gunicorn.pid, signal.SIGKILL)
        gunicorn.wait(10)
        deadline = time.monotonic() + 10
        while running(renderer) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not running(renderer)


def test_gunicorn_as_configured_leaves_no_control_socket_or_metrics_behind(tmp_path, prepared_site):
    """healthsite/gunicorn.conf.py's defaults: a control socket named after the bound
    address and a metrics folder of its own while it runs, both gone after it stops."""
    env = site_env(tmp_path, ROOT / "locale")
    prepared_site.into(env)
    env.pop("GUNICORN_CONTROL_SOCKET", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with running_gunicorn(env, workers=1, own_files=False) as (base, gunicorn):
        address = base.removeprefix("http://").replace(":", "-")
        socket = Path(tempfile.gettempdir()) / f"healthsite-gunicorn-{address}.ctl"
        # The renderer was started with the master's environment, the folder's name in it.
        (renderer,) = renderers_of(gunicorn.pid)
        folder = _metrics_folder(renderer)
        assert socket.is_socket()
        assert folder is not None and folder.is_dir()
    assert not socket.exists()
    assert not folder.exists()


def _metrics_folder(pid: int) -> Path | None:
    for entry in (Path(f"/proc/{pid}/environ").read_bytes()).split(b"\0"):
        if entry.startswith(b"PROMETHEUS_MULTIPROC_DIR="):
            return Path(entry.split(b"=", 1)[1].decode())
    return None


def _only_renderer_other_than(master: int, old: int) -> int:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        now = [pid for pid in renderers_of(master) if running(pid)]
        if now and old not in now:
            break
        time.sleep(0.1)
    assert len(now) == 1 and old not in now, now
    return now[0]


def test_a_reload_or_a_crash_brings_a_new_renderer(tmp_path, prepared_site):
    """HUP (`systemctl reload healthsite`) starts new workers on the new code, and a new
    renderer; the old renderer stops (the reload reads the configuration file again). A
    renderer that dies (here SIGKILL, as the kernel's OOM killer sends) is replaced by
    the master within seconds."""
    env = site_env(tmp_path, ROOT / "locale")
    prepared_site.into(env)
    with running_gunicorn(env, workers=1) as (base, gunicorn):
        (old,) = renderers_of(gunicorn.pid)
        os.kill(gunicorn.pid, signal.SIGHUP)
        reloaded = _only_renderer_other_than(gunicorn.pid, old)
        assert fetch(base + PAGE)[0] == 200
        os.kill(reloaded, signal.SIGKILL)
        _only_renderer_other_than(gunicorn.pid, reloaded)
        assert fetch(base + PAGE)[0] == 200
