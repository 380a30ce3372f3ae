"""Several hosts, proven: two gunicorn hosts on different loopback addresses, one
PostgreSQL, one Redis, the shipped Varnish in front of both. A withdrawal or an approval
made in the admin of one host is seen at once through the other host and through the
cache; interface strings saved in the browser on one host reach the other host's disk
and pages.

Runs in the PostgreSQL pass (`make test-postgres`: scripts/with-services provides
PostgreSQL and Redis); skipped on SQLite or when Redis or Varnish is not installed."""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import polib
import pytest

from .support.admin_http import Staff, review_page
from .support.frontends import have, request, running_redis, running_varnish
from .support.serving import ROOT, free_port, manage, prepare_site, running_gunicorn, site_env

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL: runs in `make test-postgres`",
    ),
    pytest.mark.skipif(
        not (have("redis-server") and have("varnishd")), reason="needs redis-server and varnish"
    ),
]

HOSTS = ("127.0.0.2", "127.0.0.3")
TOPIC = "/en/topics/leg-cramps/"
MARKER = "Skip to content"


def _database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def database():
    import psycopg

    name = f"healthsite_multihost_{os.getpid()}"
    admin = _database(os.environ["DATABASE_URL"], "postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _database(os.environ["DATABASE_URL"], name)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def hosts(tmp_path_factory, database):
    work = tmp_path_factory.mktemp("multihost")
    varnish_port = free_port()
    purge_port = free_port()
    with shared_redis(work / "redis") as redis_url:
        envs = []
        for number in (1, 2):
            # Each host has its own disk: catalogues, static files, no shared files.
            locale = work / f"host{number}" / "locale"
            shutil.copytree(ROOT / "locale", locale)
            envs.append(
                site_env(
                    work / f"host{number}",
                    locale,
                    DATABASE_URL=database,
                    DJANGO_REDIS_URL=redis_url,
                    DJANGO_FRONTEND_CACHE_URLS=f"http://127.0.0.1:{purge_port}",
                    DJANGO_ALLOWED_HOSTS=",".join(HOSTS),
                )
            )
        prepare_site(envs[0])
        manage(envs[1], "collectstatic", "--noinput", "-v0")
        with (
            running_gunicorn(envs[0], host=HOSTS[0]) as (first, _p1),
            running_gunicorn(envs[1], host=HOSTS[1]) as (second, _p2),
        ):
            backends = [first.removeprefix("http://"), second.removeprefix("http://")]
            with running_varnish(
                work / "varnish", backends, port=varnish_port, purge_port=purge_port
            ) as cache:
                yield {
                    "urls": [first, second],
                    "cache": cache,
                    "envs": envs,
                    "locales": [work / "host1" / "locale", work / "host2" / "locale"],
                }


@contextmanager
def shared_redis(work: Path):
    """The Redis of scripts/with-services when it runs one, else one of our own."""
    if os.environ.get("DJANGO_REDIS_URL"):
        yield os.environ["DJANGO_REDIS_URL"]
    else:
        with running_redis(work) as url:
            yield url


def status_everywhere(hosts, path: str) -> list[int]:
    return [request(base + path)[0] for base in [*hosts["urls"], hosts["cache"]]]


def test_a_withdrawal_and_an_approval_on_one_host_show_at_once_everywhere(hosts):
    first, second = hosts["urls"]
    cache = hosts["cache"]
    for _ in range(2):  # cached in Redis (both hosts) and in Varnish
        assert status_everywhere(hosts, TOPIC) == [200, 200, 200]
        request(cache + "/en/regions/legs/")
    assert request(cache + TOPIC)[1]["x-cache"] == "HIT"
    page = review_page(hosts["envs"][0], "leg-cramps")

    # Withdrawn in the admin of the first host.
    reviewer = Staff(first, "reviewer")
    done = reviewer.post(page, {"action": "withdraw", "comment": "multi-host test"})
    assert "Withdrawn from the public site" in done.text
    assert status_everywhere(hosts, TOPIC) == [410, 410, 410]
    for base in [second, cache]:
        assert "leg-cramps" not in request(base + "/en/regions/legs/")[2].decode()

    # Submitted and approved again in the admin of the second host.
    editor = Staff(second, "editor")
    assert "Submitted for medical review" in editor.post(page, {"action": "submit"}).text
    approved = Staff(second, "reviewer").post(page, {"action": "approve"})
    assert "Approved: this version is now public" in approved.text
    assert status_everywhere(hosts, TOPIC) == [200, 200, 200]
    for base in [first, cache]:
        assert "leg-cramps" in request(base + "/en/regions/legs/")[2].decode()


def test_interface_strings_saved_on_one_host_reach_every_host(hosts):
    first, second = hosts["urls"]
    cache = hosts["cache"]
    for base in [first, second, cache]:
        request(base + "/ru/")
    catalogue = polib.pofile(str(hosts["locales"][0] / "ru" / "LC_MESSAGES" / "django.po"))
    entry = catalogue.find(MARKER)
    digest = hashlib.md5(  # noqa: S324 - rosetta's key for the form field
        (entry.msgid + entry.msgstr + (entry.msgctxt or "")).encode()
    ).hexdigest()
    edited = f"{entry.msgstr} [multi-host]"

    # Saved in the browser (django-rosetta) on the first host only.
    translator = Staff(first, "translator")
    form = "/admin/strings/files/project/ru/0/"
    translator.post(form, {f"m_{digest}": edited}, page=translator.get(form))

    for base in [second, cache, first]:
        assert edited in request(base + "/ru/")[2].decode(), base
    on_disk = polib.pofile(str(hosts["locales"][1] / "ru" / "LC_MESSAGES" / "django.po"))
    assert on_disk.find(MARKER).msgstr == edited
    assert Path(hosts["locales"][1] / "ru" / "LC_MESSAGES" / "django.mo").exists()
