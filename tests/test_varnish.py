"""The shipped HTTP cache (deploy/varnish/default.vcl) in front of a real gunicorn: public
pages are cached and gzip-compressed, the admin never is, and a withdrawal made through
the workflow is gone from the cache as soon as it returns (the site bans the cache)."""

import gzip
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from .support.admin_http import Staff, approve_summary, review_page
from .support.frontends import have, hung_varnish, request, running_varnish
from .support.serving import ROOT, free_port, manage, running_gunicorn, site_env

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(not have("varnishd"), reason="needs Debian's varnish"),
]

TOPIC = "/en/topics/leg-cramps/"


@pytest.fixture(scope="module")
def stack(tmp_path_factory, prepared_site):
    work = tmp_path_factory.mktemp("varnish")
    varnish_port = free_port()
    purge_port = free_port()
    env = site_env(
        work,
        ROOT / "locale",
        DJANGO_FRONTEND_CACHE_URLS=f"http://127.0.0.1:{purge_port}",
        # The app reads this Varnish's hit counters for /metrics (operations/metrics.py).
        DJANGO_METRICS_VARNISHSTAT=f"varnishstat -n {work / 'varnish' / 'state'}",
        # Without the renderer's purge, a previous copy would be kept a minute after an
        # approval (test_an_approved_page_shows_through_the_cache_once_rendered).
        TEST_STALE_SURROGATE_SECONDS="60",
        TEST_FRONTEND_CACHE_REBAN_SECONDS="0",
    )
    prepared_site.into(env)
    with running_gunicorn(env) as (app, _process):
        backend = app.removeprefix("http://")
        with running_varnish(
            work / "varnish", [backend], port=varnish_port, purge_port=purge_port
        ) as cache:
            yield {
                "app": app,
                "cache": cache,
                "purge": f"http://127.0.0.1:{purge_port}",
                "env": env,
                "varnish": work / "varnish",
            }


def test_a_public_page_is_a_cache_hit_the_second_time(stack):
    url = stack["cache"] + TOPIC
    first = request(url)
    second = request(url)
    assert first[0] == second[0] == 200
    assert first[1]["x-cache"] == "MISS"
    assert second[1]["x-cache"] == "HIT"
    assert "age" in second[1]
    # Browsers keep the page a minute; the long lifetime is for this cache only.
    assert second[1]["cache-control"] == "public, max-age=60"
    assert "surrogate-control" not in second[1]
    assert second[2] == first[2]


def test_html_is_gzip_compressed_for_clients_that_accept_it(stack):
    url = stack["cache"] + "/en/"
    request(url)
    status, headers, body = request(url, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["content-type"].startswith("text/html")
    html = gzip.decompress(body).decode()
    assert "<html" in html
    assert len(body) < len(html.encode()) / 2
    plain = request(url)
    assert "content-encoding" not in plain[1] and plain[2].decode() == html


def test_cookies_never_reach_public_pages_and_the_admin_is_never_cached(stack):
    url = stack["cache"] + TOPIC
    request(url)
    # A visitor's (or staff member's) cookie is removed: the shared copy is served.
    with_cookie = request(url, Cookie="sessionid=abc; csrftoken=def")
    assert with_cookie[1]["x-cache"] == "HIT"
    admin = stack["cache"] + "/admin/login/"
    for _ in range(2):
        status, headers, _body = request(admin)
        assert status == 200
        assert headers["x-cache"] == "PASS"
        assert "set-cookie" in headers  # the CSRF cookie reaches the admin


def test_purges_are_accepted_only_on_the_purge_address(stack):
    url = stack["cache"] + "/en/regions/legs/"
    request(url)
    assert request(url)[1]["x-cache"] == "HIT"
    # Through the public address (where a TLS proxy on this host forwards visitors),
    # nobody purges, not even from loopback.
    for method in ("PURGE", "BAN"):
        assert request(url, method=method)[0] == 405
        assert request(stack["cache"] + "/", method=method, **{"xkey-purge": "all"})[0] == 405
    assert request(url)[1]["x-cache"] == "HIT"
    purge = stack["purge"]
    # A URL purge names the page as visitors ask for it (host included).
    host = stack["cache"].removeprefix("http://")
    assert request(purge + "/en/regions/legs/", method="PURGE", Host=host)[0] == 200
    assert request(url)[1]["x-cache"] == "MISS"
    assert request(purge + "/", method="BAN")[0] == 200
    assert request(url)[1]["x-cache"] == "MISS"


def test_a_tag_purge_removes_exactly_the_pages_tagged_with_it(stack):
    cache = stack["cache"]
    pages = ["/en/regions/legs/", "/ru/regions/legs/", "/en/topics/back-spasms-lumbago/", "/en/"]
    for path in pages:
        request(cache + path)
        assert request(cache + path)[1]["x-cache"] == "HIT", path
    # The tags stay between the site and this cache.
    assert "xkey" not in request(cache + pages[0])[1]
    status, _headers, _body = request(
        stack["purge"] + "/", method="PURGE", **{"xkey-purge": "region-topics:legs:en"}
    )
    assert status == 200
    assert request(cache + "/en/regions/legs/")[1]["x-cache"] == "MISS"
    for path in ["/ru/regions/legs/", "/en/topics/back-spasms-lumbago/", "/en/"]:
        assert request(cache + path)[1]["x-cache"] == "HIT", path


def test_an_approval_purge_is_soft_the_previous_copy_is_served_while_fetched_again(stack):
    """`xkey-soft: 1` (an approval): the tagged page is not removed; the next visitor gets
    the previous copy at once (nobody waits on the render) and a fresh copy is fetched in
    the background. A plain purge (a withdrawal) removes it for good: the test above."""
    cache, path = stack["cache"], "/es/regions/legs/"
    request(cache + path)
    time.sleep(1.2)  # the stored copy gets an age, which a fresh fetch resets
    status, headers, _body = request(cache + path)
    assert status == 200 and headers["x-cache"] == "HIT" and int(headers["age"]) >= 1
    status, headers, body = request(
        stack["purge"] + "/",
        method="PURGE",
        **{"xkey-purge": "region-topics:legs:es", "xkey-soft": "1"},
    )
    assert status == 200 and b"Soft-purged" in body
    status, headers, _body = request(cache + path)
    assert status == 200 and headers["x-cache"] == "HIT" and int(headers["age"]) >= 1
    deadline = time.monotonic() + 10
    while int(request(cache + path)[1]["age"]) >= 1:
        assert time.monotonic() < deadline, "no fresh copy was fetched"
        time.sleep(0.1)


def test_an_approved_page_shows_through_the_cache_once_rendered(stack):
    """An approval soft-purges the page: Varnish serves its previous copy and fetches it
    again; the host answers with its previous copy too (kept by Varnish for
    TEST_STALE_SURROGATE_SECONDS, a minute here) and its page renderer renders the new
    one. Once stored, the renderer soft-purges the page's own tag, and Varnish has the
    approved text within seconds, not a minute."""
    cache, path, text = stack["cache"], "/es/topics/hiccups/", "Resumen aprobado ahora."
    request(cache + path)
    assert request(cache + path)[1]["x-cache"] == "HIT"
    approve_summary(stack["env"], stack["app"], "hiccups", "es", text)
    started = time.monotonic()
    while text not in request(cache + path)[2].decode():
        assert time.monotonic() - started < 20, "Varnish kept the previous copy"
        time.sleep(0.1)


def test_approved_in_the_admin_while_varnish_hangs_shows_once_the_purge_is_applied(stack):
    """Varnish stops answering (SIGSTOP) while a reviewer approves in the admin over HTTP:
    the approval goes through within seconds and says a purge is pending; after Varnish
    resumes, it still serves its previous copy (kept a day) until the pending invalidation
    is applied (`apply_invalidations`, which a timer runs every minute), and then shows
    the approved text: the renderer, which had nothing to purge during the hang, purges
    the page it stored."""
    cache, path, text = stack["cache"], "/ar/topics/hiccups/", "ملخص معتمد أثناء توقف Varnish."
    request(cache + path)
    assert request(cache + path)[1]["x-cache"] == "HIT"
    with hung_varnish(stack["varnish"]):
        started = time.monotonic()
        answer = approve_summary(stack["env"], stack["app"], "hiccups", "ar", text)
        assert time.monotonic() - started < 30
        assert "still pending" in answer
    status, headers, body = request(cache + path)
    assert status == 200 and text not in body.decode()  # the purge has not reached it

    manage(stack["env"], "apply_invalidations")
    started = time.monotonic()
    while text not in request(cache + path)[2].decode():
        assert time.monotonic() - started < 20, "Varnish kept the previous copy"
        time.sleep(0.1)


def test_query_parameters_no_page_reads_make_no_new_entries(stack):
    cache = stack["cache"]
    request(cache + "/en/search/?q=cramp")
    for number in range(3):
        status, headers, _body = request(cache + f"/en/search/?utm_source=x{number}&q=cramp")
        assert status == 200 and headers["x-cache"] == "HIT", number
    request(cache + "/en/search/?q=cramp&page=1")
    assert request(cache + "/en/search/?page=1&q=cramp&fbclid=1")[1]["x-cache"] == "HIT"


def test_a_withdrawn_page_is_gone_from_the_cache_when_the_withdrawal_returns(stack):
    cache = stack["cache"]
    pages = [TOPIC, "/ru/topics/leg-cramps/", "/en/regions/legs/", "/sitemap-topics-en.xml"]
    for path in pages:
        request(cache + path)
        assert request(cache + path)[1]["x-cache"] == "HIT", path
    assert "leg-cramps" in request(cache + "/en/regions/legs/")[2].decode()

    manage(
        stack["env"],
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; from reviews import workflow; "
        "workflow.withdraw('topic', 'leg-cramps', "
        "by=get_user_model().objects.get(username='reviewer'), reason='test')",
    )

    for path in [TOPIC, "/ru/topics/leg-cramps/"]:
        assert request(cache + path)[0] == 410, path
    for path in ["/en/regions/legs/", "/sitemap-topics-en.xml"]:
        status, headers, body = request(cache + path)
        assert status == 200 and headers["x-cache"] == "MISS", path
        assert "leg-cramps" not in body.decode(), path


def test_withdrawn_in_the_admin_over_http_is_gone_from_every_worker_at_once(stack):
    """gunicorn's workers hold the topic's pages in memory, checked by one read of the
    tokens' version (healthsite/page_cache/known.py), when a reviewer withdraws the topic
    in the admin as a browser sends the form: no worker and not Varnish serves it after."""
    app, cache = stack["app"], stack["cache"]
    slug = "wry-neck-and-cervical-dystonia"
    shown = {f"/en/topics/{slug}/": "", "/en/regions/neck/": f"/en/topics/{slug}/"}
    places = [(base, path) for base in (app, cache) for path in shown] * 8
    urls = [base + path for base, path in places]

    with ThreadPoolExecutor(4) as pool:  # concurrent, so that both workers serve them
        assert {status for status, _h, _b in pool.map(request, urls)} == {200}
        assert request(app + f"/en/topics/{slug}/")[1]["x-page-cache"] == "hit"
        reviewer = Staff(app, "reviewer")
        page = review_page(stack["env"], slug)
        done = reviewer.post(page, {"action": "withdraw", "comment": "withdrawn over HTTP"})
        assert "Withdrawn from the public site" in done.text
        answers = pool.map(request, urls)
        for (base, path), (status, _headers, body) in zip(places, answers, strict=True):
            text = shown[path]
            assert status == (200 if text else 410), base + path
            assert not text or text not in body.decode(), base + path


def test_metrics_are_never_served_through_the_cache_and_show_its_hit_counters(stack):
    assert request(stack["cache"] + "/metrics")[0] == 404
    for _ in range(3):
        assert request(stack["cache"] + "/es/")[0] == 200
    status, _headers, body = request(stack["app"] + "/metrics")
    assert status == 200
    text = body.decode()
    hits = [line for line in text.splitlines() if line.startswith("varnish_cache_hit")]
    assert hits and float(hits[0].split()[-1]) >= 2, text[-2000:]
    assert "varnish_cache_miss" in text


class FakeApp:
    """A stand-in for the site that answers every GET with `answer` (Surrogate-Control,
    body, seconds to wait after the first half of the body, status), tagged `topic:t:en`;
    `fetched` lists the bodies it sent."""

    def __init__(self, **answer):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.answer = {
            "control": "max-age=3600",
            "body": b"first",
            "pause": 0.0,
            "status": 200,
            **answer,
        }
        self.fetched: list[bytes] = []
        self.background: list[tuple[str, str | None]] = []  # path, X-Background-Fetch
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the HTTP method's name
                answer = dict(fake.answer)
                fake.fetched.append(answer["body"])
                fake.background.append((self.path, self.headers.get("X-Background-Fetch")))
                self.send_response(answer["status"])
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Cache-Control", "public, max-age=60")
                if answer["control"]:
                    self.send_header("Surrogate-Control", answer["control"])
                self.send_header("xkey", "topic:t:en")
                self.send_header("Content-Length", str(len(answer["body"])))
                self.end_headers()
                half = len(answer["body"]) // 2
                self.wfile.write(answer["body"][:half])
                self.wfile.flush()
                time.sleep(answer["pause"])
                self.wfile.write(answer["body"][half:])

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.backend = f"127.0.0.1:{self.server.server_port}"


@contextmanager
def behind_varnish(tmp_path):
    """A FakeApp behind the shipped VCL: (the app, its page's URL through Varnish, a purge
    of the page's tag; `xkey-soft="1"` makes it an approval's soft purge)."""
    app, purge_port = FakeApp(), free_port()

    def purge(**soft):
        status = request(
            f"http://127.0.0.1:{purge_port}/",
            method="PURGE",
            **{"xkey-purge": "topic:t:en", **soft},
        )[0]
        assert status == 200

    try:
        with running_varnish(tmp_path / "varnish", [app.backend], purge_port=purge_port) as cache:
            yield app, cache + "/en/topics/t/", purge
    finally:
        app.server.shutdown()


def wait_for_body(url: str, body: bytes, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while request(url)[2] != body:
        assert time.monotonic() < deadline, f"{url} never answered {body!r}"
        time.sleep(0.1)


def test_a_background_fetch_answered_no_store_keeps_the_previous_copy_in_grace(tmp_path):
    """After an approval's soft purge Varnish fetches the page again in the background. If
    the app answers `no-store` (the page was rendered while what it shows changed again),
    the previous approved copy keeps being served from grace, and the next request fetches
    again; it does not become a hit-for-miss that sends every request to the app for a
    second. Without a previous copy (a withdrawal's hard purge), no-store is never kept."""
    with behind_varnish(tmp_path) as (app, page, purge):
        assert request(page)[2] == b"first"
        app.answer.update(control="no-store", body=b"during a change")
        purge(**{"xkey-soft": "1"})
        for _ in range(5):
            status, headers, body = request(page)
            assert (status, headers["x-cache"], body) == (200, "HIT", b"first")
            time.sleep(0.2)
        # Each request past the soft purge fetched again, in the background only.
        assert 1 <= app.fetched.count(b"during a change") <= 5

        app.answer.update(control="max-age=3600", body=b"second")
        wait_for_body(page, b"second")  # a fresh copy is fetched

        app.answer.update(control="no-store", body=b"uncacheable")
        purge()
        first, second = request(page), request(page)
        assert first[2] == second[2] == b"uncacheable"
        assert second[1]["x-cache"] != "HIT"


def test_a_background_fetch_the_app_fails_keeps_the_previous_copy_in_grace(tmp_path):
    """After an approval's soft purge the app fails the background fetch (a 500 with no
    Surrogate-Control: a fault, the database gone, and no previous copy at the host): the
    previous approved copy keeps being served from grace, not the error, and not as a
    hit-for-miss that sends every visitor's request to the failing app; the next request
    fetches again."""
    with behind_varnish(tmp_path) as (app, page, purge):
        assert request(page)[2] == b"first"
        app.answer.update(status=500, control="", body=b"failed")
        purge(**{"xkey-soft": "1"})
        for _ in range(5):
            status, headers, body = request(page)
            assert (status, headers["x-cache"], body) == (200, "HIT", b"first")
            time.sleep(0.2)
        assert 1 <= app.fetched.count(b"failed") <= 5  # in the background only

        app.answer.update(status=200, control="max-age=3600", body=b"second")
        wait_for_body(page, b"second")


def test_while_a_page_is_fetched_again_in_the_background_the_previous_copy_is_served(tmp_path):
    """A page fetched again after an approval's soft purge replaces the previous copy only
    once its whole body has arrived: a visitor who asks meanwhile gets the previous copy at
    once, not the new one as slowly as the app sends it (measured under load: up to 115 ms
    for a feed, the p99 tail while reviewers approve; docs/publishing-benchmark.md)."""
    with behind_varnish(tmp_path) as (app, page, purge):
        assert request(page)[2] == b"first"
        app.answer.update(body=b"second copy", pause=2.0)
        purge(**{"xkey-soft": "1"})
        assert request(page)[2] == b"first"  # starts the background fetch
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:  # the app is still sending the new body
            started = time.monotonic()
            assert request(page)[2] == b"first"
            assert time.monotonic() - started < 0.5
            time.sleep(0.1)
        wait_for_body(page, b"second copy")  # then it replaces the previous copy


def test_only_a_background_fetch_tells_the_app_so(tmp_path):
    """The app renders a page an approval made stale at once only for a background fetch
    (no visitor waits for it): Varnish marks those, and drops the header a client sends."""
    with behind_varnish(tmp_path) as (app, page, purge):
        assert request(page, **{"X-Background-Fetch": "1"})[2] == b"first"
        app.answer.update(body=b"second")
        purge(**{"xkey-soft": "1"})
        assert request(page)[2] == b"first"  # starts the background fetch
        wait_for_body(page, b"second")
        fetches = [marked for path, marked in app.background if path == "/en/topics/t/"]
        assert fetches == [None, "1"]
