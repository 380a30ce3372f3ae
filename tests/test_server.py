"""The site behind a real gunicorn with several workers, as `make run` serves it."""

import re
import shutil
import time
from pathlib import Path

import polib
import pytest

from .support.serving import ROOT, fetch, running_site

MARKER = "Skip to content"

pytestmark = pytest.mark.server


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


@pytest.fixture(scope="module")
def server(tmp_path_factory, prepared_site):
    work = tmp_path_factory.mktemp("server")
    locale_dir = work / "locale"
    for code in ("ru", "es", "ar"):
        write_catalogue(locale_dir, code, f"{MARKER} [{code} v1]")
    with running_site(work, locale_dir, prepared=prepared_site) as (base, _process):
        yield {"base": base, "locale": locale_dir}
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


def test_metrics_add_up_every_gunicorn_worker(server):
    """Two workers, each counting in its own process: /metrics gives their sum
    (prometheus-client's multiprocess mode, set up in healthsite/gunicorn.conf.py)."""

    def served(text: str) -> float:
        found = re.search(
            r'^healthsite_requests_total\{page_type="region",status="200"\} (\S+)$', text, re.M
        )
        return float(found[1]) if found else 0.0

    before = served(fetch(f"{server['base']}/metrics")[2])
    for _ in range(40):  # enough that both workers answer some
        assert fetch(f"{server['base']}/en/regions/legs/")[0] == 200
    status, headers, text = fetch(f"{server['base']}/metrics")
    assert status == 200
    assert served(text) - before == 40
    assert 'healthsite_review_queue{language="ar"}' in text
    assert fetch(f"{server['base']}/metrics", **{"X-Forwarded-For": "203.0.113.9"})[0] == 404
