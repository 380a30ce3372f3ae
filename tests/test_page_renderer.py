"""After an approval, the pages it changed are rendered again by the page renderer, not by
the request workers (healthsite.page_cache.renderer): the request that finds a page out
of date gets its previous copy at once and queues it; the renderer renders and stores
it. After a withdrawal nothing is queued and no previous copy is served."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.db.models import F
from django.test import Client

from feedback import guard
from healthsite.page_cache import renderer
from public.views import topics as topics_view
from reviews import publication, workflow
from reviews.models import PublishedVersion
from tests.support.factories import publish
from tests.support.metrics import scrape
from tests.support.published import publish_topic
from tests.support.purges import Purge, recording_purges

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

PAGE = "/ru/topics/rendered-topic/"


@pytest.fixture
def topic(site):
    return publish_topic("rendered-topic", reviewer=site, title="Renderedword")


def _detach():
    """Keep Django from closing the test's database connection at the start and end of a
    request (closing it would end the test's transaction), as its test client does while
    it makes one and undoes after."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)


class InProcess(renderer.Renderer):
    """The renderer in the test's process. Like Django's test client, it leaves the test's
    database connection open at the start and end of each request it renders."""

    def run_once(self) -> int:
        _detach()
        try:
            return super().run_once()
        finally:
            for signal in (request_started, request_finished):
                signal.connect(close_old_connections)


@pytest.fixture
def page_renderer():
    """A renderer that has signalled, as the one gunicorn's master starts would."""
    worker = InProcess(get_wsgi_application())
    worker.beat()
    worker.run_once()  # starts after what was queued before it
    return worker


def _retitle(article, site, title):
    article.title_ru = title
    article.save()
    publish(article, ["ru"], reviewer=site)


def _queued() -> int:
    return cache.get(renderer.TAIL_KEY) or 0


def test_after_an_approval_the_renderer_renders_the_page_while_requests_get_the_old_copy(
    client, site, topic, page_renderer
):
    client.get(PAGE)
    assert client.get(PAGE)["X-Page-Cache"] == "hit"

    _retitle(topic, site, "Новое название")

    first = client.get(PAGE)
    assert first["X-Page-Cache"] == "stale"
    assert "Новое название" not in first.content.decode()
    assert first["Surrogate-Control"] == "max-age=1"
    # The page's lock stays taken: the next request does not render or queue it again.
    queued = _queued()
    assert client.get(PAGE)["X-Page-Cache"] == "stale"
    assert _queued() == queued

    assert page_renderer.run_once() == 1

    after = client.get(PAGE)
    assert after["X-Page-Cache"] == "hit"
    assert "Новое название" in after.content.decode()
    assert page_renderer.run_once() == 0


def test_after_a_withdrawal_nothing_is_queued_and_the_request_renders(
    client, site, topic, page_renderer
):
    client.get(PAGE)
    queued = _queued()

    workflow.withdraw("topic", "rendered-topic", by=site, reason="unsafe advice")

    assert client.get(PAGE).status_code == 410
    assert _queued() == queued
    assert page_renderer.run_once() == 0


def test_without_a_live_renderer_the_request_renders_the_page_itself(client, site, topic):
    client.get(PAGE)
    cache.delete(renderer.ALIVE_KEY)
    queued = _queued()

    _retitle(topic, site, "Новое название")

    page = client.get(PAGE)
    assert page["X-Page-Cache"] == "miss"
    assert "Новое название" in page.content.decode()
    assert _queued() == queued


def test_a_renderer_that_stopped_signalling_is_no_longer_counted_on(
    client, site, topic, page_renderer
):
    client.get(PAGE)
    cache.set(renderer.ALIVE_KEY, 1, 0.05)  # its last signal, about to lapse
    time.sleep(0.1)

    _retitle(topic, site, "Новое название")

    assert client.get(PAGE)["X-Page-Cache"] == "miss"


def test_a_page_queued_longer_than_its_lock_is_left_to_the_next_request(
    client, site, topic, page_renderer, settings
):
    client.get(PAGE)
    _retitle(topic, site, "Новое название")
    assert client.get(PAGE)["X-Page-Cache"] == "stale"
    settings.PAGE_CACHE_LOCK_SECONDS = 0  # the queued item is now older than its lock

    assert page_renderer.run_once() == 0

    # Its lock is freed: the next request queues the page again.
    queued = _queued()
    assert client.get(PAGE)["X-Page-Cache"] == "stale"
    assert _queued() == queued + 1


def test_a_page_the_renderer_is_late_with_is_rendered_by_the_next_background_fetch(
    client, site, topic, page_renderer, settings
):
    """A renderer that has not rendered a queued page within the patience (behind, at
    its lower priority, on a busy machine): the next background fetch of the cache in
    front renders the approved text itself, and the renderer skips it afterwards. A
    visitor's own request still gets the previous copy at once."""
    background = {"HTTP_X_BACKGROUND_FETCH": "1"}
    client.get(PAGE)
    _retitle(topic, site, "Новое название")
    assert client.get(PAGE)["X-Page-Cache"] == "stale"
    assert client.get(PAGE, **background)["X-Page-Cache"] == "stale"  # within the patience
    settings.PAGE_CACHE_RENDER_PATIENCE_SECONDS = 0  # the queued page is now overdue
    assert client.get(PAGE)["X-Page-Cache"] == "stale"

    late = client.get(PAGE, **background)
    assert late["X-Page-Cache"] == "miss"
    assert "Новое название" in late.content.decode()
    after = client.get(PAGE)
    assert after["X-Page-Cache"] == "hit"
    assert "Новое название" in after.content.decode()
    assert page_renderer.run_once() == 0


def test_a_background_fetch_of_a_page_an_approval_made_stale_renders_it_at_once(
    client, site, topic, page_renderer
):
    """No visitor waits for a background fetch of the cache in front: it renders the
    approved text itself, so the cache in front gets it in one fetch, where it got the
    previous copy, then a purge once the renderer had stored the page, then a second
    fetch. Nothing is queued."""
    client.get(PAGE)
    _retitle(topic, site, "Новое название")
    queued = _queued()

    fetched = client.get(PAGE, HTTP_X_BACKGROUND_FETCH="1")

    assert fetched["X-Page-Cache"] == "miss"
    assert "Новое название" in fetched.content.decode()
    assert _queued() == queued
    after = client.get(PAGE)
    assert after["X-Page-Cache"] == "hit"
    assert "Новое название" in after.content.decode()
    assert page_renderer.run_once() == 0


def test_a_stale_page_whose_render_fails_is_answered_with_its_previous_copy(
    client, site, topic, page_renderer, monkeypatch
):
    """A background fetch renders a page an approval made stale and the render fails (a
    fault, the database gone): it gets the previous approved copy for a second, not the
    error, which Varnish would put in place of that copy and send every visitor's request
    for the page through to the app. The lock is freed: the next fetch renders again."""
    client.get(PAGE)
    _retitle(topic, site, "Новое название")

    def fails(*args, **kwargs):
        raise RuntimeError("the render failed")

    monkeypatch.setattr(topics_view, "topic_context", fails)
    answer = Client(raise_request_exception=False).get(PAGE, HTTP_X_BACKGROUND_FETCH="1")

    assert (answer.status_code, answer["X-Page-Cache"]) == (200, "stale")
    assert "Новое название" not in answer.content.decode()
    assert answer["Surrogate-Control"] == "max-age=1"
    monkeypatch.undo()
    fetched = client.get(PAGE, HTTP_X_BACKGROUND_FETCH="1")
    assert fetched["X-Page-Cache"] == "miss"
    assert "Новое название" in fetched.content.decode()


def test_a_page_a_change_left_as_it_was_is_stored_once_by_a_background_fetch(
    client, site, topic, page_renderer, monkeypatch
):
    """A change whose tag the page carries but which leaves its text as it was: the
    cache in front fetches it again with its copy's ETag, and gets a 304 with the page's
    whole lifetime (not the previous copy's second), and the page is stored, so the next
    fetch is a hit rather than another render."""
    monkeypatch.setattr(guard, "_now", lambda: 1_800_000_000.0)  # the form token's day
    etag = client.get(PAGE)["ETag"]
    publication.invalidate_page_cache(["topic:rendered-topic:ru"], grace=True)

    fetched = client.get(PAGE, HTTP_IF_NONE_MATCH=etag, HTTP_X_BACKGROUND_FETCH="1")

    assert (fetched.status_code, fetched["X-Page-Cache"]) == (304, "miss")
    assert int(fetched["Surrogate-Control"].removeprefix("max-age=")) > 60
    again = client.get(PAGE, HTTP_IF_NONE_MATCH=etag, HTTP_X_BACKGROUND_FETCH="1")
    assert (again.status_code, again["X-Page-Cache"]) == (304, "hit")
    assert page_renderer.run_once() == 0


def test_a_lock_taken_while_the_renderer_renders_is_not_freed_by_it(
    client, site, topic, page_renderer, settings
):
    """While the renderer renders a page, a background fetch finds it overdue, renders it
    and frees its lock; another approval makes the page stale again, and a request takes
    the lock anew and queues it. The renderer, done, must not free that request's lock
    (it holds another token): the page it queued is rendered, not skipped and left stale
    until a later request queues it once more."""
    client.get(PAGE)
    _retitle(topic, site, "Новое название")
    assert client.get(PAGE)["X-Page-Cache"] == "stale"  # queued, under the first lock
    application = page_renderer.application

    def meanwhile(environ, start_response):
        # (The test client connects the signals again after each of its requests: on
        # PostgreSQL the render would then close the test's connection.)
        settings.PAGE_CACHE_RENDER_PATIENCE_SECONDS = 0
        assert client.get(PAGE, HTTP_X_BACKGROUND_FETCH="1")["X-Page-Cache"] == "miss"
        _detach()
        rendered = application(environ, start_response)
        _retitle(topic, site, "Третье название")
        assert client.get(PAGE)["X-Page-Cache"] == "stale"  # the lock taken again, queued
        _detach()
        return rendered

    page_renderer.application = meanwhile
    assert page_renderer.run_once() == 1
    page_renderer.application = application

    assert page_renderer.run_once() == 1  # the page queued under the second lock
    after = client.get(PAGE)
    assert after["X-Page-Cache"] == "hit"
    assert "Третье название" in after.content.decode()


def test_an_overdue_page_is_rendered_by_one_background_fetch_and_an_old_lock_is_waited_for(
    settings, rf
):
    """Of the background fetches that find a page overdue, the first renders it; the
    others get the previous copy meanwhile. A lock written by the previous release (1, no
    time) is never overdue: those pages wait for the renderer as before."""
    settings.PAGE_CACHE_RENDER_PATIENCE_SECONDS = 0.5
    fetch = rf.get(PAGE, HTTP_X_BACKGROUND_FETCH="1")

    def call(method, *args):
        return getattr(cache, method)(*args)

    assert not renderer.overdue(call, fetch, time.time() - 0.1, "page:recent")
    taken = time.time() - 0.6
    assert not renderer.overdue(call, rf.get(PAGE), taken, "page:overdue")  # a visitor
    assert renderer.overdue(call, fetch, taken, "page:overdue")
    assert not renderer.overdue(call, fetch, taken, "page:overdue")
    assert renderer.overdue(call, fetch, taken, "page:another")
    assert not renderer.overdue(call, fetch, 1, "page:old-release")
    settings.PAGE_CACHE_RENDER_PATIENCE_SECONDS = None
    assert not renderer.overdue(call, fetch, time.time() - 60, "page:no-patience")


def test_the_renderer_flag_cannot_be_sent_as_a_header(client, site, topic, page_renderer):
    client.get(PAGE)
    _retitle(topic, site, "Новое название")

    sent = client.get(PAGE, headers={renderer.REFRESH: "1"})

    assert sent["X-Page-Cache"] == "stale"


def test_a_page_is_queued_only_once_its_previous_copy_has_been_sent(
    client, site, topic, page_renderer
):
    """The WSGI server closes a response once it has written it. Queued before, the page
    could be rendered, stored and purged in the cache in front before that cache had
    stored the previous copy, which it would then keep (a Varnish test failed so once)."""
    client.get(PAGE)
    _retitle(topic, site, "Новое название")
    queued = _queued()
    environ = client._base_environ(PATH_INFO=PAGE, REQUEST_METHOD="GET")
    _detach()
    try:
        response = get_wsgi_application()(environ, lambda status, headers: None)
        assert response["X-Page-Cache"] == "stale"
        assert b"".join(response) and _queued() == queued  # written, not yet closed
        response.close()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
    assert _queued() == queued + 1
    assert page_renderer.run_once() == 1
    assert "Новое название" in client.get(PAGE).content.decode()


def test_a_page_the_cache_could_not_queue_is_rendered_by_the_next_request(
    client, site, topic, page_renderer, monkeypatch
):
    """diskcache answers a write that timed out with None or False, not an error: the
    previous copy, already sent, is dropped and the page's lock freed."""
    from django.core.cache import caches

    client.get(PAGE)
    _retitle(topic, site, "Новое название")
    monkeypatch.setattr(caches["default"], "incr", lambda *args, **kwargs: None)

    assert client.get(PAGE)["X-Page-Cache"] == "stale"
    page = client.get(PAGE)

    assert page["X-Page-Cache"] == "miss"
    assert "Новое название" in page.content.decode()


def test_a_cache_that_fails_as_a_page_is_queued_is_not_called_again_by_that_request(
    client, site, topic, page_renderer, monkeypatch
):
    """Each call to a hung Redis waits out its timeout (0.2 s) while the sync worker
    holds the next visitor: once queueing the page has failed, the request does not also
    try to free the lock and drop the previous copy (the lock expires by itself)."""
    from django.core.cache import caches

    shared = caches["default"]
    client.get(PAGE)
    _retitle(topic, site, "Новое название")
    calls: list[str] = []

    def hung(*args, **kwargs):
        calls.append("incr")
        raise ConnectionError("Timeout reading from socket")

    monkeypatch.setattr(shared, "incr", hung)
    for name in ("get", "get_many", "add", "set", "delete"):
        original = getattr(shared, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(shared, name, counted)

    page = client.get(PAGE)

    assert (page.status_code, page["X-Page-Cache"]) == (200, "stale")
    assert calls[-1] == "incr"


def test_a_withdrawal_while_the_page_waits_for_the_renderer_shows_at_once(
    client, site, topic, page_renderer
):
    """Re-approved, served stale and queued; then withdrawn before the renderer gets to
    it: no request sees the previous copy again, and the renderer stores nothing."""
    client.get(PAGE)
    _retitle(topic, site, "Новое название")
    assert client.get(PAGE)["X-Page-Cache"] == "stale"

    workflow.withdraw("topic", "rendered-topic", by=site, reason="unsafe advice")

    assert client.get(PAGE).status_code == 410
    assert page_renderer.run_once() == 1
    for _ in range(2):
        assert client.get(PAGE).status_code == 410


def test_an_unprefixed_page_named_by_a_language_cookie_is_rendered_in_that_language(
    client, site, topic, page_renderer, settings
):
    """/sitemap.xml takes its language from the request; the renderer keeps no cookie, so
    it is told the language the queued request's key names, and stores that page."""
    # Approved the day before: the re-approval changes the Russian sitemap's day, which
    # the index counts the files of (reviews.cache_tags: a title alone changes no sitemap).
    PublishedVersion.objects.live().filter(key="rendered-topic", language="ru").update(
        approved_at=F("approved_at") - timedelta(days=1)
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    headers = {"Accept-Language": "en"}
    client.get("/sitemap.xml", headers=headers)
    assert client.get("/sitemap.xml", headers=headers)["X-Page-Cache"] == "hit"
    _retitle(topic, site, "Новое название")
    assert client.get("/sitemap.xml", headers=headers)["X-Page-Cache"] == "stale"

    assert page_renderer.run_once() == 1

    assert client.get("/sitemap.xml", headers=headers)["X-Page-Cache"] == "hit"


def test_a_page_the_renderer_names_otherwise_loses_its_previous_copy(rf):
    """If the renderer's request names its page otherwise than the request that queued
    it, that request's previous copy goes, so the next request renders rather than
    queueing the page again and again."""
    from django.http import HttpResponse

    from healthsite.page_cache import PublicPageCache

    cache.set("page:as-queued", {"tags": {}, "expires": 0}, 60)
    request = rf.get("/en/")
    request.META[renderer.REFRESH] = "page:as-queued"
    worker = PublicPageCache(
        lambda request: HttpResponse("page", headers={"Cache-Control": "public, max-age=60"})
    )

    assert worker(request).status_code == 200
    assert cache.get("page:as-queued") is None


def test_metrics_say_whether_a_renderer_is_up_and_how_many_pages_wait_for_it(
    client, site, topic, page_renderer
):
    client.get(PAGE)
    _retitle(topic, site, "Ждёт рендера")
    assert client.get(PAGE)["X-Page-Cache"] == "stale"  # queued
    metrics = scrape(client)
    assert metrics[("healthsite_page_renderer_up",)] == 1
    assert metrics[("healthsite_page_renderer_waiting",)] == 1

    assert page_renderer.run_once() == 1
    page_renderer.next_beat = 0  # its next signal, a second later
    page_renderer.beat()
    assert scrape(client)[("healthsite_page_renderer_waiting",)] == 0

    cache.delete(renderer.ALIVE_KEY)  # no signal for ALIVE_SECONDS: stopped or crashed
    assert scrape(client)[("healthsite_page_renderer_up",)] == 0


def test_a_revalidated_copy_tells_the_cache_in_front_how_long_it_may_keep_it(
    client, site, topic, page_renderer, monkeypatch
):
    """Varnish fetches a page again with the ETag of its copy. A 304 keeps only the
    headers RFC 9110 names; without Surrogate-Control, Varnish would keep its copy as long
    as its first answer said: after an approval, the previous approved text for a day."""
    monkeypatch.setattr(guard, "_now", lambda: 1_800_000_000.0)  # the form token's day
    etag = client.get(PAGE)["ETag"]
    fresh = client.get(PAGE, HTTP_IF_NONE_MATCH=etag)
    assert (fresh.status_code, fresh["X-Page-Cache"]) == (304, "hit")
    assert int(fresh["Surrogate-Control"].removeprefix("max-age=")) > 60

    _retitle(topic, site, "Переутверждено")
    stale = client.get(PAGE, HTTP_IF_NONE_MATCH=etag)
    assert (stale.status_code, stale["X-Page-Cache"]) == (304, "stale")
    assert stale["Surrogate-Control"] == "max-age=1"  # asks again in a second

    page_renderer.run_once()
    new = client.get(PAGE)
    assert "Переутверждено" in new.content.decode()
    # Rendered again (the page cache emptied) and the same as the copy Varnish holds.
    caches[settings.PAGE_CACHE_ALIAS].clear()
    same = client.get(PAGE, HTTP_IF_NONE_MATCH=new["ETag"])
    assert same.status_code == 304
    assert int(same["Surrogate-Control"].removeprefix("max-age=")) > 60


def test_once_a_page_is_stored_the_renderer_soft_purges_it_in_the_caches_in_front(
    client, site, topic, page_renderer, settings
):
    """Varnish got the previous copy for PAGE_CACHE_STALE_SURROGATE_SECONDS while the page
    was rendered; once stored, the renderer soft-purges the page's own tag there, so it is
    fetched again at once. A cache in front that does not answer is left alone for a while
    (the stale copy's lifetime still bounds what it serves)."""
    settings.FRONTEND_CACHE_REBAN_SECONDS = 0
    with recording_purges("/renderer-test") as (url, purges):
        settings.FRONTEND_CACHE_URLS = [url]
        own = client.get(PAGE)["xkey"].split()[-1]
        assert own.startswith("page-") and len(own) == 29
        _retitle(topic, site, "Очищено впереди")
        assert [purge.soft for purge in purges] == ["1"]  # the approval's tags
        assert client.get(PAGE)["X-Page-Cache"] == "stale"  # queued

        assert page_renderer.run_once() == 1
        assert purges[1:] == [Purge("/renderer-test/", own, "1")]
        assert own in client.get(PAGE)["xkey"].split()  # the stored page still names it

        settings.FRONTEND_CACHE_URLS = ["http://127.0.0.1:9"]  # nothing listens there
        _retitle(topic, site, "Не очищено")
        client.get(PAGE)
        assert page_renderer.run_once() == 1
        settings.FRONTEND_CACHE_URLS = [url]
        _retitle(topic, site, "Пауза")
        client.get(PAGE)
        assert page_renderer.run_once() == 1
        assert [purge.tags for purge in purges[2:]] == [purges[0].tags]  # the approval's only


def test_a_hung_cache_in_front_costs_the_renderer_one_short_wait_then_a_pause(
    client, site, topic, page_renderer, settings
):
    """A Varnish that takes the connection and never answers: the renderer waits
    PURGE_TIMEOUT once, then sends nothing there for PURGE_PAUSE_SECONDS, so the pages
    behind it are not held up one timeout each."""
    import socket

    settings.FRONTEND_CACHE_REBAN_SECONDS = 0
    hung = socket.create_server(("127.0.0.1", 0), backlog=16)  # listens, never answers
    hung.settimeout(0)

    def connections() -> int:
        count = 0
        while True:
            try:
                hung.accept()[0].close()
            except BlockingIOError:
                return count
            count += 1

    try:
        client.get(PAGE)
        for title in ("Первое", "Второе"):
            settings.FRONTEND_CACHE_URLS = []  # the approval purges nothing
            _retitle(topic, site, title)
            assert client.get(PAGE)["X-Page-Cache"] == "stale"  # queued
            settings.FRONTEND_CACHE_URLS = [f"http://127.0.0.1:{hung.getsockname()[1]}"]
            started = time.monotonic()
            assert page_renderer.run_once() == 1
            waited = time.monotonic() - started
            if title == "Первое":
                assert renderer.PURGE_TIMEOUT <= waited < renderer.PURGE_TIMEOUT + 5
                assert connections() == 1
            else:
                assert connections() == 0  # paused: not even tried
            assert title in client.get(PAGE).content.decode()
    finally:
        hung.close()


class _Clock:
    """The renderer's clock and sleep, advanced by its own sleeps only."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return 1_800_000_000 + self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_an_idle_renderer_looks_at_the_queue_less_often_and_quickly_again_after_a_render(
    monkeypatch,
):
    """Idle, the renderer polls the shared cache 10 times a second instead of 50 (an idle
    host's renderer otherwise spends about 1 % of a core asking Redis); a page queued
    meanwhile is taken within IDLE_POLL_SECONDS, and then it polls quickly again."""
    clock = _Clock()
    monkeypatch.setattr(renderer, "time", clock)
    queued_at = 20.0

    class Polled(renderer.Renderer):
        polls: list[float] = []
        taken: list[float] = []

        def run_once(self) -> int:
            self.polls.append(clock.now)
            if clock.now >= queued_at and not self.taken:
                self.taken.append(clock.now)
                return 1
            return 0

    worker = Polled(application=None)
    worker.run(lambda: clock.now > 30)

    def polls_between(start: float, end: float) -> int:
        return sum(start <= at < end for at in worker.polls)

    assert polls_between(0, 4) == pytest.approx(4 / worker.poll_seconds, abs=2)  # busy
    assert polls_between(10, 20) == pytest.approx(10 / renderer.IDLE_POLL_SECONDS, abs=2)
    assert queued_at <= worker.taken[0] <= queued_at + renderer.IDLE_POLL_SECONDS
    assert polls_between(21, 25) == pytest.approx(4 / worker.poll_seconds, abs=2)  # busy again


def test_a_run_of_items_lost_from_the_queue_costs_the_renderer_one_wait_not_one_each(
    monkeypatch,
):
    """Items counted but gone from the cache (they expired while the renderer, starved of
    CPU under load, was behind) are skipped together after one second, so the next page
    queued is rendered within about a second; one second each had left a renderer 10 s
    behind further behind with every item, and the pages it owed stale for good (seen in
    `make bench-publishing`). An item counted and written a moment later is still
    rendered."""
    clock = _Clock()
    monkeypatch.setattr(renderer, "time", clock)

    class Recording(renderer.Renderer):
        rendered: list[str] = []

        def _render(self, item: dict) -> int:
            self.rendered.append(item["environ"]["PATH_INFO"])
            return 1

    def queued(path: str) -> dict:
        return {"environ": {"PATH_INFO": path}, "lock": "lock:" + path, "queued": clock.time()}

    worker = Recording(application=None)
    cache.set(renderer.TAIL_KEY, 0, None)
    worker.run_once()
    late = cache.incr(renderer.TAIL_KEY)  # counted; its writer is slow
    worker.run(lambda: clock.now >= 0.5)
    cache.set(renderer.item_key(late), queued("/late/"), None)
    worker.run(lambda: "/late/" in worker.rendered or clock.now > 60)
    assert worker.rendered == ["/late/"]

    for _lost in range(20):  # counted, never to be found
        cache.incr(renderer.TAIL_KEY)
    fresh = cache.incr(renderer.TAIL_KEY)
    cache.set(renderer.item_key(fresh), queued("/fresh/"), None)
    started = clock.now
    worker.run(lambda: "/fresh/" in worker.rendered or clock.now > started + 60)

    assert worker.rendered == ["/late/", "/fresh/"]
    assert clock.now - started <= 1.0 + 2 * worker.poll_seconds

    for page in range(30):  # what it keeps of the queue's counts stays small
        cache.set(renderer.item_key(cache.incr(renderer.TAIL_KEY)), queued(f"/{page}/"), None)
        worker.run_once()
    assert len(worker.rendered) == 32
    assert len(worker.counted) <= 1
