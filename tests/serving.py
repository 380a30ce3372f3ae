"""Start the site behind a real gunicorn on loopback, with the real corpus approved:
used by the server tests and by the benchmark (scripts/bench.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, **headers) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode(errors="replace")


@contextmanager
def running_site(work: Path, locale_dir: Path, *, workers: int = 2):
    """Migrate a fresh SQLite database in `work`, load and approve the corpus, start
    gunicorn; yields (base URL, gunicorn process). Stops gunicorn on exit."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "TEST_LOCALE_DIR": str(locale_dir),
        "TEST_STATIC_ROOT": str(work / "static"),
        # The page cache of this site only, not the checkout's var/cache.
        "DJANGO_CACHE_DIR": str(work / "cache"),
        "PYTHONPATH": str(ROOT),
    }
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["load_content"],
        ["seed_demo"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    port = free_port()
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "healthsite.wsgi",
            "-c",
            "healthsite/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if fetch(f"{base}/healthz/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=20)
