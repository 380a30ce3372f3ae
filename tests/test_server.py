"""The site behind a real gunicorn with several workers, as `make run` serves it."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
MARKER = "Skip to content"

pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_catalogue(locale_dir: Path, language: str, translation: str) -> None:
    directory = locale_dir / language / "LC_MESSAGES"
    directory.mkdir(parents=True, exist_ok=True)
    source = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(source)) if source.exists() else polib.POFile()
    catalogue.metadata.setdefault("Content-Type", "text/plain; charset=UTF-8")
    entry = catalogue.find(MARKER)
    if entry is None:
        entry = polib.POEntry(msgid=MARKER)
        catalogue.append(entry)
    entry.msgstr = translation
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    catalogue.save(str(directory / "django.po"))
    catalogue.save_as_mofile(str(directory / "django.mo"))


def fetch(url: str, **headers) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("server")
    locale_dir = work / "locale"
    for code in ("ru", "es", "ar"):
        write_catalogue(locale_dir, code, f"{MARKER} [{code} v1]")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "TEST_LOCALE_DIR": str(locale_dir),
        "TEST_STATIC_ROOT": str(work / "static"),
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
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if fetch(f"{base}/healthz/")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not start")
    yield {"base": base, "locale": locale_dir}
    process.terminate()
    process.wait(timeout=20)
    shutil.rmtree(work, ignore_errors=True)


@pytest.mark.parametrize(
    ("language", "direction"), [("en", "ltr"), ("ru", "ltr"), ("es", "ltr"), ("ar", "rtl")]
)
def test_gunicorn_serves_the_home_page_in_each_language(server, language, direction):
    status, headers, html = fetch(f"{server['base']}/{language}/")
    assert status == 200
    assert f'<html lang="{language}" dir="{direction}">' in html


def test_static_files_have_hashed_names_and_long_cache(server):
    html = fetch(f"{server['base']}/en/")[2]
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet, "the stylesheet is not served under a hashed name"
    status, headers, _body = fetch(server["base"] + stylesheet[1], **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert "immutable" in headers["Cache-Control"]
    assert headers.get("Content-Encoding") == "gzip"


def test_unknown_page_gets_the_404_page_through_gunicorn(server):
    status, _headers, html = fetch(f"{server['base']}/en/topics/no-such-topic/")
    assert status == 404
    assert "<html" in html and "Traceback" not in html


def test_health_check_answers(server):
    assert fetch(f"{server['base']}/healthz/")[0] == 200


def test_saved_interface_strings_reach_every_worker_without_a_restart(server):
    url = f"{server['base']}/ru/"
    # Many requests, so both workers have loaded (and cached) the first catalogue.
    assert all(f"{MARKER} [ru v1]" in fetch(url)[2] for _ in range(20))

    write_catalogue(server["locale"], "ru", f"{MARKER} [ru v2]")  # what rosetta's save does
    time.sleep(1.2)  # each worker checks the catalogues at most once a second

    pages = [fetch(url)[2] for _ in range(20)]
    assert all(f"{MARKER} [ru v2]" in page for page in pages)
