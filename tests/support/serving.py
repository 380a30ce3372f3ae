"""Start the site behind a real gunicorn on loopback, with the real corpus approved:
used by the server tests and by the benchmark (scripts/bench.py)."""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def fetch(url: str, **headers) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode(errors="replace")


def site_env(work: Path, locale_dir: Path, **extra: str) -> dict:
    """The environment of a site whose database, static files, catalogues and page cache
    live in `work` (override DATABASE_URL, DJANGO_REDIS_URL, ... through `extra`)."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "tests.support.server_settings",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "TEST_LOCALE_DIR": str(locale_dir),
        "TEST_STATIC_ROOT": str(work / "static"),
        # The page cache of this site only, not the checkout's var/cache.
        "DJANGO_CACHE_DIR": str(work / "cache"),
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def manage(env: dict, *args: str, timeout: int = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result.stdout


def prepare_site(env: dict) -> None:
    """Migrate, collect static files, load the corpus and approve it as `seed_demo` does.
    TEST_CONTENT_DIR in the environment names another content folder to load. The four
    commands run in one process: each process costs Django's start (~0.7 s of CPU)."""
    content = os.environ.get("TEST_CONTENT_DIR")
    manage(
        env,
        "shell",
        "-c",
        "from django.core.management import call_command as run; "
        "run('migrate', interactive=False, verbosity=0); "
        "run('collectstatic', interactive=False, verbosity=0); "
        f"run('load_content', *{[content] if content else []!r}); "
        "run('seed_demo')",
    )


class PreparedSite:
    """`prepare_site` done once: the first site is prepared in `template`; each later one
    gets a copy of its SQLite database and static files, which is what preparing would
    have written (the page cache starts empty either way). For a test session's server
    modules (tests/conftest.py), which would otherwise spend ~15 s each on it.

    The template is prepared with the checkout's catalogues. A site with catalogues of
    its own (tests/test_server.py changes a string of the page shell) gets the same
    database: loading and approving write text and snapshots, not interface strings.
    The template has no HTTP cache to purge, so a copy starts with no purge pending.
    `shared`: other test sessions use the same template (see `_prepare_shared`)."""

    def __init__(self, template: Path, *, shared: bool = False):
        self.template = template
        self.env = site_env(template, ROOT / "locale")
        self.shared = shared
        self.ready = False

    def _prepared(self) -> dict:
        if not self.ready:
            if self.shared:
                self._prepare_shared()
            else:
                prepare_site(self.env)
            self.ready = True
        return self.env

    def _prepare_shared(self) -> None:
        """A `template` several test sessions of one checkout share (CI's SQLite,
        PostgreSQL and browser runs: TESTS_PREPARED_SITE) is prepared by the first one to
        need it while the others wait on its lock, then only copied (about 22 s of CPU
        each). What a session that failed half-way left is removed and prepared again."""
        self.template.mkdir(parents=True, exist_ok=True)
        with open(self.template / "prepared.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            done = self.template / "prepared.done"
            if done.exists():
                return
            for leftover in self.template.glob("db.sqlite3*"):
                leftover.unlink()
            shutil.rmtree(self.template / "static", ignore_errors=True)
            prepare_site(self.env)
            done.touch()

    def into(self, env: dict) -> None:
        """The prepared database and static files, into the SQLite site of `env`."""
        source, database = _sqlite_path(self._prepared()), _sqlite_path(env)
        database.parent.mkdir(parents=True, exist_ok=True)
        # The backup API copies a consistent database whatever its journal mode.
        with sqlite3.connect(source) as prepared, sqlite3.connect(database) as target:
            prepared.backup(target)
        self.static_into(env)

    def static_into(self, env: dict) -> None:
        """What `collectstatic` would write into the site's static root."""
        static = self._prepared()["TEST_STATIC_ROOT"]
        shutil.copytree(static, env["TEST_STATIC_ROOT"], dirs_exist_ok=True)


def _sqlite_path(env: dict) -> Path:
    url = env["DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        raise ValueError(f"a prepared site is copied into SQLite sites only, not {url}")
    return Path(url.removeprefix("sqlite:///"))


def wait_until_up(url: str, process: subprocess.Popen | None = None, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if fetch(url)[0] == 200:
                return
        except OSError:
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer")
        time.sleep(0.2)


@contextmanager
def running_gunicorn(
    env: dict, *, host: str = "127.0.0.1", port: int = 0, workers: int = 2, own_files=True
):
    """gunicorn on host:port (a free port by default); yields (base URL, process).
    Its control socket and metrics folder live in a folder of its own, removed when it
    stops, also after a test killed it (gunicorn then cannot remove them itself);
    `own_files=False`: where healthsite/gunicorn.conf.py puts them by default."""
    port = port or free_port(host)
    own = Path(tempfile.mkdtemp(prefix="healthsite-gunicorn-"))
    if own_files:
        (own / "metrics").mkdir()
        env = {
            "GUNICORN_CONTROL_SOCKET": str(own / "control.ctl"),
            "PROMETHEUS_MULTIPROC_DIR": str(own / "metrics"),
            **env,
        }
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "healthsite.wsgi",
            "-c",
            "healthsite/gunicorn.conf.py",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://{host}:{port}"
    try:
        wait_until_up(f"{base}/healthz/", process)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(own, ignore_errors=True)


@contextmanager
def running_site(
    work: Path,
    locale_dir: Path,
    *,
    workers: int = 2,
    prepared: PreparedSite | None = None,
    **extra_env: str,
):
    """Migrate a fresh SQLite database in `work`, load and approve the corpus (or copy
    `prepared`), start gunicorn; yields (base URL, gunicorn process). Stops gunicorn on
    exit."""
    env = site_env(work, locale_dir, **extra_env)
    if prepared is not None:
        prepared.into(env)
    else:
        prepare_site(env)
    with running_gunicorn(env, workers=workers) as (base, process):
        yield base, process
