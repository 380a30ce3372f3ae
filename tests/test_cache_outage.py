"""A withdrawal made while Redis is hung or down stays withdrawn when Redis comes back
with the pages it held: two gunicorn hosts (their own processes and memory) share one
SQLite database and a real Redis, with the shipped Varnish in front of both.

Redis hung (SIGSTOP) during a withdrawal: pages still answer within a second (client
timeouts, reviews.publication / healthsite.page_cache), the withdrawal goes through, and
after SIGCONT (Redis resumes with its old pages and tokens) no host and not Varnish
serves the withdrawn text. Redis killed during a withdrawal and restarted from a dump
taken before it: the same.
"""

from __future__ import annotations

import os
import time

import pytest

from .support.admin_http import Staff, approve_summary, review_page
from .support.frontends import have, request, running_redis_server, running_varnish
from .support.serving import ROOT, free_port, manage, running_gunicorn, site_env

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(
        not (have("redis-server") and have("varnishd")), reason="needs redis-server and varnish"
    ),
]


@pytest.fixture(scope="module")
def stack(tmp_path_factory, prepared_site):
    work = tmp_path_factory.mktemp("outage")
    varnish_port, purge_port = free_port(), free_port()
    with running_redis_server(work / "redis") as redis:
        database = f"sqlite:///{work / 'db.sqlite3'}"
        envs = [
            site_env(
                work / f"host{number}",
                ROOT / "locale",
                DATABASE_URL=database,
                DJANGO_REDIS_URL=redis.url,
                DJANGO_FRONTEND_CACHE_URLS=f"http://127.0.0.1:{purge_port}",
            )
            for number in (1, 2)
        ]
        prepared_site.into(envs[0])
        prepared_site.static_into(envs[1])
        with (
            running_gunicorn(envs[0], workers=1) as (first, _p1),
            running_gunicorn(envs[1], workers=1) as (second, _p2),
        ):
            backends = [first.removeprefix("http://"), second.removeprefix("http://")]
            with running_varnish(
                work / "varnish", backends, port=varnish_port, purge_port=purge_port
            ) as cache:
                yield {"hosts": [first, second], "cache": cache, "env": envs[0], "redis": redis}


def places(topic: str, region: str) -> dict[str, str]:
    """Public places that show the topic: path -> text that names it there."""
    return {
        f"/en/topics/{topic}/": "",
        f"/ru/topics/{topic}/": "",
        f"/en/regions/{region}/": f"/en/topics/{topic}/",
        f"/es/regions/{region}/": f"/es/topics/{topic}/",
        "/sitemap-topics-en.xml": f"/en/topics/{topic}/",
        "/api/v1/en/topics/": f'"slug": "{topic}"',
        "/en/feed/": f"/en/topics/{topic}/",
    }


def warm(stack, shown: dict[str, str]) -> None:
    for base in [*stack["hosts"], stack["cache"]]:
        for path in shown:
            for _ in range(2):
                status, _headers, _body = request(base + path)
                assert status == 200, base + path
    for base in stack["hosts"]:
        assert request(base + next(iter(shown)))[1]["x-page-cache"] == "hit"
    assert request(stack["cache"] + next(iter(shown)))[1]["x-cache"] == "HIT"


def assert_gone_everywhere(stack, shown: dict[str, str]) -> None:
    for base in [*stack["hosts"], stack["cache"]]:
        for path, text in shown.items():
            status, _headers, body = request(base + path)
            if not text:
                assert status == 410, base + path  # withdrawn: gone
            else:
                assert status == 200 and text not in body.decode(), base + path


def withdraw(stack, topic: str) -> None:
    manage(
        stack["env"],
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; from reviews import workflow; "
        f"workflow.withdraw('topic', '{topic}', "
        "by=get_user_model().objects.get(username='reviewer'), reason='outage test')",
    )


def using_the_cache_again(stack) -> None:
    """Wait until each host's worker uses Redis again: after failed calls it leaves the
    cache alone for a pause that doubles with each failure in a row (at most
    PAGE_CACHE_RETRY_MAX_SECONDS, 8 s), and answers meanwhile without the cache (no
    X-Page-Cache header). Only then does a page served say anything about what Redis
    came back with."""
    for base in stack["hosts"]:
        deadline = time.monotonic() + 20
        while "x-page-cache" not in request(base + "/es/")[1]:
            assert time.monotonic() < deadline, f"{base} never used the cache again"
            time.sleep(0.2)


def pending_invalidations(stack) -> int:
    output = manage(
        stack["env"],
        "shell",
        "-c",
        "from reviews.models import Invalidation; "
        "print('pending=%d' % Invalidation.objects.pending().count())",
    )
    return int(output.split("pending=")[1].split()[0])


def timed(url: str) -> tuple[float, int]:
    started = time.monotonic()
    status = request(url)[0]
    return time.monotonic() - started, status


def test_redis_hung_during_a_withdrawal(stack):
    redis = stack["redis"]
    shown = places("leg-cramps", "legs")
    warm(stack, shown)

    redis.hang()
    try:
        # Pages render without the cache: one request takes well under a second, cached
        # before or not.
        for base in stack["hosts"]:
            for path in ["/en/topics/leg-cramps/", "/es/regions/back/", "/ar/search/?q=x"]:
                seconds, status = timed(base + path)
                assert status == 200 and seconds < 1.0, (base + path, seconds)
        withdraw(stack, "leg-cramps")
        assert_gone_everywhere(stack, shown)
    finally:
        redis.resume()
    # Redis is back with the pages and tokens it held before the withdrawal.
    using_the_cache_again(stack)
    assert_gone_everywhere(stack, shown)
    # ... and the page cache serves again.
    for base in stack["hosts"]:
        request(base + "/en/regions/legs/")
        assert request(base + "/en/regions/legs/")[1]["x-page-cache"] == "hit"


def test_redis_killed_during_a_withdrawal_and_restarted_with_old_data(stack):
    redis = stack["redis"]
    shown = places("back-spasms-lumbago", "back")
    warm(stack, shown)
    redis.save()  # what it will come back with

    redis.kill()
    withdraw(stack, "back-spasms-lumbago")
    assert_gone_everywhere(stack, shown)
    redis.start()
    assert os.path.exists(redis.work / "dump.rdb")
    using_the_cache_again(stack)
    assert_gone_everywhere(stack, shown)
    for base in stack["hosts"]:
        request(base + "/en/regions/back/")
        assert request(base + "/en/regions/back/")[1]["x-page-cache"] == "hit"


def test_withdrawn_in_the_admin_over_http_while_redis_is_hung(stack):
    """A reviewer withdraws a topic in the admin, as a browser sends the form, while Redis
    is hung: the withdrawal goes through in seconds, the reviewer is told an invalidation
    is still pending, and once Redis resumes with the pages it held, no host and not
    Varnish serves the topic; the pending row is then applied."""
    redis = stack["redis"]
    shown = places("wry-neck-and-cervical-dystonia", "neck")
    warm(stack, shown)
    first = stack["hosts"][0]
    page = review_page(stack["env"], "wry-neck-and-cervical-dystonia")
    reviewer = Staff(first, "reviewer")
    form = reviewer.get(page)

    redis.hang()
    try:
        started = time.monotonic()
        done = reviewer.post(
            page, {"action": "withdraw", "comment": "withdrawn during an outage"}, page=form
        )
        assert time.monotonic() - started < 10
        assert "Withdrawn from the public site" in done.text
        assert "still pending" in done.text
        assert_gone_everywhere(stack, shown)
    finally:
        redis.resume()
    using_the_cache_again(stack)
    assert_gone_everywhere(stack, shown)
    assert pending_invalidations(stack) == 0


def test_approved_in_the_admin_over_http_while_redis_is_hung_shows_everywhere_after(stack):
    """A translator submits and a reviewer approves a new Russian summary in the admin over
    HTTP while Redis is hung, with each host's page renderer running: the approval goes
    through and says a purge is pending. When Redis resumes with the pages it held from
    before the approval, every host and Varnish come to show the new text within seconds
    (the previous approved copy at most while the page is rendered again), and the pending
    invalidation is applied."""
    redis = stack["redis"]
    new = "Сводка, одобренная во время сбоя Redis"
    shown = ["/ru/topics/hiccups/", "/ru/regions/chest/"]
    warm(stack, dict.fromkeys(shown, ""))
    first = stack["hosts"][0]
    redis.hang()
    try:
        started = time.monotonic()
        answer = approve_summary(stack["env"], first, "hiccups", "ru", new)
        assert time.monotonic() - started < 30
        assert "still pending" in answer
    finally:
        redis.resume()
    using_the_cache_again(stack)
    for base in [*stack["hosts"], stack["cache"]]:
        for path in shown:
            deadline = time.monotonic() + 15
            while new not in request(base + path)[2].decode():
                assert time.monotonic() < deadline, f"{base + path} kept the old summary"
                time.sleep(0.2)
    assert pending_invalidations(stack) == 0
