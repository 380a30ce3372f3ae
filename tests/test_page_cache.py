"""A public page is rendered once per publication: later requests come from the shared
page cache without a query, and every approval or withdrawal shows at once."""

import logging
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from articles.models import Article
from reviews import cache_tags, publication, workflow
from reviews.models import PublishedVersion
from tests.support.factories import LANGUAGES, publish
from tests.support.once import built_once
from tests.support.published import publish_topic
from tests.support.purges import recording_purges

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

PAGES = [
    "/en/",
    "/ar/",
    "/en/regions/legs/",
    "/en/topics/cached-topic/",
    "/ar/topics/cached-topic/",
    "/en/search/?q=cachedword",
    "/ru/search/?q=cachedword",
    # The reader's country (issue 23): one cached page per country, no cookie.
    "/en/?country=GB",
    "/ar/topics/cached-topic/?country=SA",
    "/en/emergency-numbers/",
    # The A–Z list (issue 23).
    "/ru/a-z/",
    "/ar/a-z/?country=SA",
    "/es/emergency-numbers/?country=ES",
    "/sitemap.xml",
    "/sitemap-topics-en.xml",
    "/robots.txt",
]


def build_once(reviewer):
    """The topic most tests here read, published with the module's site (conftest.py)."""
    publish_topic("cached-topic", reviewer=reviewer, title="Cachedword")


@pytest.fixture
def topic(request, site):
    if not built_once(request, "published_site_once"):  # TESTS_BUILD_PER_TEST=1
        build_once(site)
    return Article.objects.get(slug="cached-topic")


@pytest.mark.parametrize("url", PAGES)
def test_a_cached_page_runs_no_query(client, topic, django_assert_max_num_queries, url):
    first = client.get(url)
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    with django_assert_max_num_queries(0):
        second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # What browsers and the HTTP cache in front are told is kept.
    assert second["Cache-Control"] == first["Cache-Control"]
    assert "public" in second["Cache-Control"]
    assert second["ETag"] == first["ETag"]
    assert second["Surrogate-Control"].startswith("max-age=")


def test_head_and_revalidation_come_from_the_cache(client, topic, django_assert_num_queries):
    url = "/en/topics/cached-topic/"
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        assert client.head(url)["X-Page-Cache"] == "hit"
        not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""


def test_a_page_revalidated_before_it_was_cached_is_stored_and_answered_304(client, topic):
    """A browser (or the cache in front) asks with the ETag of a copy it holds for a page
    this cache does not hold: the page is rendered, stored whole, and answered 304 with
    its lifetime. (Rendered as asked, it was a 304, which is no page to store: every such
    ask rendered it again.)"""
    url = "/en/topics/cached-topic/"
    etag = client.get(url)["ETag"]
    cache.clear()

    answer = client.get(url, headers={"If-None-Match": etag})

    assert (answer.status_code, answer["X-Page-Cache"]) == (304, "miss")
    assert int(answer["Surrogate-Control"].removeprefix("max-age=")) > 60
    again = client.get(url)
    assert (again.status_code, again["X-Page-Cache"]) == (200, "hit")
    assert again["ETag"] == etag


def test_an_approval_shows_at_once_through_the_cache(client, site, topic):
    assert "second-topic" not in client.get("/en/regions/legs/").content.decode()
    assert client.get("/en/regions/legs/")["X-Page-Cache"] == "hit"

    publish_topic("second-topic", reviewer=site, title="Secondword")

    region = client.get("/en/regions/legs/")
    assert region["X-Page-Cache"] == "miss"
    assert "second-topic" in region.content.decode()
    assert "Secondword" in client.get("/en/search/?q=secondword").content.decode()
    assert "second-topic" in client.get("/sitemap-topics-en.xml").content.decode()


def test_a_withdrawal_shows_at_once_through_the_cache(client, site, topic):
    for url in PAGES:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url

    workflow.withdraw("topic", "cached-topic", by=site, reason="unsafe advice")

    for code in ("en", "ar"):
        assert client.get(f"/{code}/topics/cached-topic/").status_code == 410
    for url in ["/en/regions/legs/", "/en/search/?q=cachedword", "/sitemap-topics-en.xml"]:
        html = client.get(url).content.decode()
        assert "cached-topic" not in html and "Cachedword" not in html, url


def test_staff_admin_and_cookies_bypass_the_cache(client, topic, django_assert_max_num_queries):
    url = "/en/topics/cached-topic/"
    client.get(url)
    # A session or CSRF cookie: the request is rendered, never answered from the cache.
    for name in ("sessionid", "csrftoken"):
        client.cookies[name] = "x" * 32
        response = client.get(url)
        assert response.get("X-Page-Cache") != "hit", name
        del client.cookies[name]
    # The admin is never cached, even for anonymous requests.
    client.get("/admin/login/")
    response = client.get("/admin/login/")
    assert "X-Page-Cache" not in response
    assert "Surrogate-Control" not in response


def test_responses_that_set_cookies_or_vary_on_them_are_not_stored():
    from django.http import HttpResponse

    from healthsite.page_cache import response_is_public

    def page(**headers):
        response = HttpResponse("x", headers={"Cache-Control": "public, max-age=60", **headers})
        return response

    assert response_is_public(page())
    assert response_is_public(page(Vary="Accept-Language"))
    assert not response_is_public(page(Vary="Cookie"))
    assert not response_is_public(page(Vary="Accept-Language, Cookie"))
    assert not response_is_public(page(**{"Cache-Control": "private"}))
    assert not response_is_public(HttpResponse("x"))  # views opt in with `public`
    with_cookie = page()
    with_cookie.set_cookie("sessionid", "secret")
    assert not response_is_public(with_cookie)
    not_found = page()
    not_found.status_code = 404
    assert not response_is_public(not_found)


def test_an_unprefixed_url_is_cached_per_language(client, topic):
    english = client.get("/robots.txt", headers={"Accept-Language": "en"})
    russian = client.get("/robots.txt", headers={"Accept-Language": "ru"})
    assert english["X-Page-Cache"] == russian["X-Page-Cache"] == "miss"
    assert client.get("/robots.txt", headers={"Accept-Language": "ru"})["X-Page-Cache"] == "hit"


def test_a_tag_token_lost_from_the_cache_never_brings_old_pages_back(client, topic):
    url = "/en/topics/cached-topic/"
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    # Evicted: the page's tags get new tokens, never old ones, for a worker that reads
    # them (a worker that read them before keeps its copy until something changes:
    # tests/test_page_cache_known.py).
    cache.delete(publication.tag_key(cache_tags.item("topic", "cached-topic", "en")))
    assert Client().get(url)["X-Page-Cache"] == "miss"
    assert Client().get(url)["X-Page-Cache"] == "hit"
    # The cache restarted: every worker reads everything again.
    cache.clear()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_failed_frontend_purge_is_logged_and_never_fails_the_change(
    client, site, settings, caplog
):
    settings.FRONTEND_CACHE_URLS = ["http://127.0.0.1:9"]  # nothing listens there
    settings.FRONTEND_CACHE_TIMEOUT = 0.5
    with caplog.at_level(logging.ERROR, logger="reviews.publication"):
        publish_topic("purged-topic", reviewer=site)
        workflow.withdraw("topic", "purged-topic", by=site, reason="test")
    assert "Frontend cache purge failed for http://127.0.0.1:9" in caplog.text
    assert client.get("/en/topics/purged-topic/").status_code == 410


def test_a_published_change_during_rendering_is_not_stored(rf):
    """A page rendered while an invalidation was applied may show the old state: no cache
    keeps it, and the next request renders again."""
    from django.http import HttpResponse

    from healthsite.page_cache import PublicPageCache

    def render_during_a_publication(request):
        response = HttpResponse("page", headers={"Cache-Control": "public, max-age=60"})
        publication.invalidate_page_cache(["topic:other:en"])
        return response

    response = PublicPageCache(render_during_a_publication)(rf.get("/en/"))
    assert response["Surrogate-Control"] == "no-store"

    def render(request):
        return HttpResponse("page", headers={"Cache-Control": "public, max-age=60"})

    middleware = PublicPageCache(render)
    assert middleware(rf.get("/en/"))["X-Page-Cache"] == "miss"
    assert middleware(rf.get("/en/"))["X-Page-Cache"] == "hit"


def test_a_page_rendered_again_is_stored_unless_its_own_tags_changed_meanwhile(rf):
    """A page the cache held before (its tags known): an approval of other pages while it
    is rendered again does not keep the new copy from being stored (publishing all day
    would otherwise leave pages uncached, and the cache in front fetching them again);
    an invalidation of one of its own tags does."""
    from django.http import HttpResponse

    from healthsite.page_cache import PublicPageCache

    during: list[str] = []

    def render(request):
        cache_tags.shows("topic", ["shown"], "en")
        response = HttpResponse("page", headers={"Cache-Control": "public, max-age=60"})
        if during:
            publication.invalidate_page_cache(during)
        return response

    middleware = PublicPageCache(render)
    assert middleware(rf.get("/en/"))["X-Page-Cache"] == "miss"
    assert middleware(rf.get("/en/"))["X-Page-Cache"] == "hit"

    publication.invalidate_page_cache(["topic:shown:en"])
    during[:] = ["topic:other:en"]
    again = middleware(rf.get("/en/"))
    assert again["X-Page-Cache"] == "miss"
    assert again["Surrogate-Control"].startswith("max-age=")
    during.clear()
    assert middleware(rf.get("/en/"))["X-Page-Cache"] == "hit"

    publication.invalidate_page_cache(["topic:shown:en"])
    during[:] = ["topic:shown:en"]
    assert middleware(rf.get("/en/"))["Surrogate-Control"] == "no-store"
    during.clear()
    assert middleware(rf.get("/en/"))["X-Page-Cache"] == "miss"
    assert middleware(rf.get("/en/"))["X-Page-Cache"] == "hit"


def test_a_failing_cache_is_left_alone_longer_after_each_failure_in_a_row(
    rf, monkeypatch, settings
):
    """A hung Redis costs a worker one timeout per pause, and the pause doubles with each
    failure in a row (1, 2, 4, 8 s, then 8 s): a long outage costs one timeout every 8 s,
    not every second. Pages are rendered without the cache meanwhile. The first call that
    succeeds starts again from 1 s."""
    from types import SimpleNamespace

    from django.http import HttpResponse

    from healthsite.page_cache import PublicPageCache, middleware

    settings.PAGE_CACHE_RETRY_SECONDS = 1.0
    settings.PAGE_CACHE_RETRY_MAX_SECONDS = 8.0
    clock = [1000.0]
    fake = SimpleNamespace(monotonic=lambda: clock[0], time=time.time)  # locks: real time
    monkeypatch.setattr(middleware, "time", fake)
    calls = []

    class Hung:
        def __getattr__(self, method):
            def call(*args, **kwargs):
                calls.append(clock[0])
                raise TimeoutError("Timeout reading from socket")

            return call

    working = middleware._cache
    monkeypatch.setattr(middleware, "_cache", Hung)
    page = PublicPageCache(
        lambda request: HttpResponse("page", headers={"Cache-Control": "public, max-age=60"})
    )

    def visit(at: float):
        clock[0] = 1000.0 + at
        response = page(rf.get("/en/"))
        assert response.status_code == 200 and response.content == b"page"
        return response

    for second in [x / 2 for x in range(0, 60)]:  # a request every half second for 30 s
        visit(second)
    assert [at - 1000.0 for at in calls] == [0.0, 1.0, 3.0, 7.0, 15.0, 23.0]

    monkeypatch.setattr(middleware, "_cache", working)
    assert "X-Page-Cache" in visit(31.0)  # back: the cache answers again
    monkeypatch.setattr(middleware, "_cache", Hung)
    calls.clear()
    for second in [31.5, 32.0, 32.5]:
        visit(second)
    assert [at - 1000.0 for at in calls] == [31.5, 32.5]


def test_no_daily_cliff_a_page_is_rendered_again_when_its_review_falls_due(
    client, topic, monkeypatch
):
    """A review becomes overdue on a date: the page is kept until that day, not until
    midnight, and the cache in front is told the same."""
    from datetime import timedelta

    from django.conf import settings

    from healthsite.page_cache import policy
    from reviews.models import PublishedVersion

    version = PublishedVersion.objects.live("en").get(key="cached-topic")
    url = "/en/topics/cached-topic/"
    first = client.get(url)
    due_day = version.next_review_due + timedelta(days=1)
    until_due = policy.start_of(due_day) - policy.now()
    surrogate = int(first["Surrogate-Control"].removeprefix("max-age="))
    assert 0 < surrogate <= min(until_due, settings.SURROGATE_MAX_AGE)
    # The next day (a day of no change for this page) it is still a hit ...
    today = policy.now()
    monkeypatch.setattr(policy, "now", lambda: today + 60 * 60 * 20)
    assert client.get(url)["X-Page-Cache"] == "hit"
    # ... and on the day its review falls due, it is rendered again (saying so).
    monkeypatch.setattr(policy, "now", lambda: policy.start_of(due_day) + 1)
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_every_change_purges_its_tags_in_the_caches_in_front_at_once_and_again_later(
    site, settings, monkeypatch
):
    """The first purge is sent before the approval returns; the second is scheduled
    FRONTEND_CACHE_REBAN_SECONDS later for the same caches and tags. The schedule is
    injected (reviews.publication.schedule_later), so the test runs the repeat itself
    instead of waiting on the clock."""
    scheduled = []
    monkeypatch.setattr(
        publication, "schedule_later", lambda delay, *call: scheduled.append((delay, call))
    )
    with recording_purges("/this-test") as (url, purges):
        settings.FRONTEND_CACHE_URLS = [url]
        settings.FRONTEND_CACHE_REBAN_SECONDS = 0.2
        publish_topic("purged-topic", reviewer=site, languages=("en",))

        def ours():
            return [purge.tags for purge in purges]

        # The first purge is sent before the approval returns; the second only waits.
        assert len(ours()) == 1
        assert [delay for delay, _call in scheduled] == [0.2]
        # The settings change before the repeat: it still purges the same caches.
        settings.FRONTEND_CACHE_URLS = []
        function, *args = scheduled[0][1]
        function(*args)
        assert len(scheduled) == 1  # and no third
        tags = [set(header.split()) for header in ours()]
        assert len(tags) == 2 and tags[0] == tags[1]
        # A first publication: the topic, the topic lists (with those of titles and of
        # days) and the list of the region it is placed in, in every language; nothing
        # else (no other topic, no region page of its own, no other region's list, no
        # site-wide purge).
        names = ("topic:purged-topic", "topics", "topic-titles", "topic-days", "region-topics:legs")
        assert tags[0] == {f"{name}:{code}" for name in names for code in LANGUAGES}


def test_the_repeated_purge_runs_on_a_daemon_timer_off_the_request():
    """The default schedule: a daemon thread, so a pending repeat never holds a worker
    or the process at exit (a zero delay keeps the test off the clock)."""
    import threading

    assert publication.schedule_later is publication.start_timer
    ran = threading.Event()
    seen = {}

    def repeat(tags):
        seen.update(tags=tags, daemon=threading.current_thread().daemon)
        seen["elsewhere"] = threading.current_thread() is not threading.main_thread()
        ran.set()

    publication.start_timer(0, repeat, ["topics:en"])
    assert ran.wait(5)
    assert seen == {"tags": ["topics:en"], "daemon": True, "elsewhere": True}


# -- invalidating what changed, and only that ------------------------------------------------


def _warm(client, urls):
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_a_re_approved_translation_invalidates_its_pages_and_lists_in_its_language_only(
    client, site, topic, same_day
):
    other = publish_topic("other-topic", reviewer=site, title="Otherword")
    untouched = [
        "/en/topics/cached-topic/",
        "/en/regions/legs/",
        "/en/search/?q=cachedword",
        "/ru/topics/other-topic/",
        "/ar/topics/cached-topic/",
        "/api/v1/en/topics/",
        # The sitemaps show no title: the languages each page is live in and the day
        # its version was approved, the same day (test_a_re_approval_keeping_...).
        "/sitemap-topics-en.xml",
        "/sitemap-topics-ar.xml",
        "/sitemap-topics-ru.xml",
        "/sitemap.xml",
        # Another language's list of titles.
        "/en/a-z/",
    ]
    changed = [
        "/ru/topics/cached-topic/",
        "/ru/regions/legs/",
        "/ru/search/?q=cachedword",
        "/ru/a-z/",
    ]
    _warm(client, untouched + changed)

    article = topic
    article.title_ru = "Новое название"
    article.save()
    publish(article, ["ru"], reviewer=site)

    for url in changed:
        assert client.get(url)["X-Page-Cache"] == "miss", url
    assert "Новое название" in client.get("/ru/topics/cached-topic/").content.decode()
    assert "Новое название" in client.get("/ru/a-z/").content.decode()
    for url in untouched:
        assert client.get(url)["X-Page-Cache"] == "hit", url
    assert other.slug == "other-topic"


def test_a_first_publication_in_a_language_updates_every_language_s_sitemap_file(client, site):
    """A sitemap file names each page in every language it is live in (hreflang
    alternates), while it is tagged with its own language's list only: a first
    publication in a language changes every language's lists, so a cached English file
    names the new Spanish page at once."""
    article = publish_topic(
        "alternates-topic", reviewer=site, title="Alternatesword", languages=("en",)
    )
    _warm(client, ["/sitemap-topics-en.xml"])
    assert (
        "/es/topics/alternates-topic/" not in client.get("/sitemap-topics-en.xml").content.decode()
    )

    publish(article, ["es"], reviewer=site)

    english = client.get("/sitemap-topics-en.xml")
    assert english["X-Page-Cache"] == "miss"
    assert "/es/topics/alternates-topic/" in english.content.decode()


def test_an_english_re_approval_leaves_translated_lists_cached_and_updates_the_rest(
    client, site, topic, same_day
):
    """A re-approved English text changes its item's pages in every language (the
    translation is now outdated against it: its notice, the API's receipt) and the lists
    of English and of languages that show the English for want of a translation; the
    lists of a language with its own translation show that translation, unchanged."""
    untranslated = publish_topic(
        "untranslated-topic", reviewer=site, title="Untranslatedword", languages=("en",)
    )
    untouched = [
        "/ru/regions/legs/",
        "/ru/a-z/",
        "/es/feed/",
        "/sitemap-regions-ru.xml",
        # A Russian search that finds the Russian text shows no English.
        "/ru/search/?q=cachedword",
        "/sitemap-topics-ru.xml",
        # Same day: the English sitemap file shows no title.
        "/sitemap-topics-en.xml",
    ]
    changed = [
        "/en/topics/cached-topic/",
        "/ru/topics/cached-topic/",
        "/en/regions/legs/",
        "/en/search/?q=cachedword",
        "/en/a-z/",
        # Nothing found in Russian: English matches are offered, from every English text.
        "/ru/search/?q=renamed",
        "/api/v1/ru/topics/",
    ]
    _warm(client, untouched + changed)
    assert "Cachedword renamed" not in client.get("/ru/search/?q=renamed").content.decode()

    topic.title = "Cachedword renamed"
    topic.save()
    publish(topic, ["en"], reviewer=site)

    for url in changed:
        assert client.get(url)["X-Page-Cache"] == "miss", url
    assert "Cachedword renamed" in client.get("/en/regions/legs/").content.decode()
    assert "Cachedword renamed" in client.get("/ru/search/?q=renamed").content.decode()
    assert '"outdated": true' in client.get("/api/v1/ru/topics/").content.decode().replace(
        '"outdated":true', '"outdated": true'
    )
    for url in untouched:
        assert client.get(url)["X-Page-Cache"] == "hit", url

    # An English re-approval of a topic Russian readers get in English changes their lists,
    # and the Russian searches that find its English text.
    _warm(client, ["/ru/search/?q=untranslatedword", "/ru/a-z/"])
    untranslated.title_en = "Untranslatedword renamed"
    untranslated.summary_en = "Summary of Untranslatedword, revised"
    untranslated.save()
    publish(untranslated, ["en"], reviewer=site)
    page = client.get("/ru/regions/legs/")
    assert page["X-Page-Cache"] == "miss"
    assert "Untranslatedword renamed" in page.content.decode()
    search = client.get("/ru/search/?q=untranslatedword")
    assert search["X-Page-Cache"] == "miss"
    assert "Untranslatedword, revised" in search.content.decode()
    listed = client.get("/ru/a-z/")
    assert listed["X-Page-Cache"] == "miss"
    assert "Untranslatedword renamed" in listed.content.decode()
    assert client.get("/ru/topics/cached-topic/")["X-Page-Cache"] == "hit"


@pytest.fixture
def same_day(topic):
    """A test's re-approvals fall on the day (UTC) of the versions they replace: none
    starts within 5 s of midnight, and versions approved before midnight (the module's
    content is built once) are dated now."""
    to_midnight = 86400 - time.time() % 86400
    if to_midnight < 5:
        time.sleep(to_midnight + 0.1)
    now = timezone.now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    PublishedVersion.objects.live().filter(approved_at__lt=midnight).update(approved_at=now)


def test_a_re_approval_keeping_the_title_leaves_the_a_z_list_and_sitemaps_cached(
    client, site, topic, same_day
):
    """The A–Z list shows titles, the sitemaps addresses and each version's day: a
    re-approval of a summary on the day of the last one changes none of them."""
    names = ["/en/a-z/", "/ru/a-z/", "/sitemap-topics-en.xml", "/sitemap.xml"]
    _warm(client, [*names, "/en/topics/cached-topic/", "/en/feed/"])
    topic.summary_en = "Summary of Cachedword, revised"
    topic.save()
    publish(topic, ["en"], reviewer=site)
    for url in ["/en/topics/cached-topic/", "/en/feed/"]:
        assert client.get(url)["X-Page-Cache"] == "miss", url
    for url in names:
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_translations_held_by_an_english_change_leave_the_a_z_lists_and_sitemaps(
    client, site, topic
):
    """Held translations (their red flags changed in English) are off the public: each
    language's A–Z list shows the English title instead, and no sitemap names the held
    page."""
    sitemaps = ["/sitemap-topics-ru.xml", "/sitemap-topics-en.xml"]
    _warm(client, ["/ru/a-z/", "/ru/regions/legs/", *sitemaps])
    assert "Cachedword [ru]" in client.get("/ru/a-z/").content.decode()
    sign = topic.warning_signs.first()
    sign.text_en = "Call now, reworded"
    sign.save()
    workflow.record_edits(topic, by=None)
    publish(topic, ["en"], reviewer=site)
    listed = client.get("/ru/a-z/")
    assert listed["X-Page-Cache"] == "miss"
    assert "Cachedword [ru]" not in listed.content.decode()
    assert 'lang="en" dir="ltr">Cachedword [en]' in listed.content.decode()
    # The Russian region page's card of it is the English one now.
    region = client.get("/ru/regions/legs/")
    assert region["X-Page-Cache"] == "miss"
    assert "Summary of Cachedword [ru]" not in region.content.decode()
    assert "Summary of Cachedword [en]" in region.content.decode()
    for url in sitemaps:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "/ru/topics/cached-topic/" not in response.content.decode(), url


def test_a_withdrawal_recorded_without_the_lists_of_titles_still_reaches_them(
    client, site, topic, monkeypatch
):
    """A rolling deploy: an older release's withdrawal knows nothing of the lists of
    titles and days, yet it reaches the A–Z list and the sitemaps this release cached
    (they carry the language's list of members, which every withdrawal invalidates)."""
    names = ["/en/a-z/", "/es/a-z/", "/sitemap-topics-en.xml", "/sitemap.xml"]
    _warm(client, names)
    before = cache_tags.for_change

    def older_release(*args, **kwargs):
        return [
            tag for tag in before(*args, **kwargs) if "-titles:" not in tag and "-days:" not in tag
        ]

    monkeypatch.setattr(cache_tags, "for_change", older_release)
    workflow.withdraw("topic", "cached-topic", by=site, reason="unsafe advice")
    for url in names:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "cached-topic" not in response.content.decode(), url


def test_a_topic_approval_renders_again_only_the_region_pages_it_is_or_was_placed_in(
    client, site, topic
):
    from tests.support.factories import make_region

    _warm(client, ["/ru/regions/legs/", "/ru/regions/back/", "/en/regions/back/"])
    topic.title_ru = "Новое название"
    topic.save()
    publish(topic, ["ru"], reviewer=site)
    assert client.get("/ru/regions/legs/")["X-Page-Cache"] == "miss"
    for url in ["/ru/regions/back/", "/en/regions/back/"]:
        assert client.get(url)["X-Page-Cache"] == "hit", url

    # Moved from legs to back in English: both English region pages change; the Russian
    # version is still placed where it was approved.
    _warm(client, ["/en/regions/legs/", "/en/regions/back/"])
    topic.regions.set([make_region("back")])
    publish(topic, ["en"], reviewer=site)
    legs, back = client.get("/en/regions/legs/"), client.get("/en/regions/back/")
    assert legs["X-Page-Cache"] == back["X-Page-Cache"] == "miss"
    assert "cached-topic" not in legs.content.decode()
    assert "cached-topic" in back.content.decode()
    assert client.get("/ru/regions/legs/")["X-Page-Cache"] == "hit"
    assert "cached-topic" in client.get("/ru/regions/legs/").content.decode()


def test_a_re_approval_of_what_only_the_topic_page_shows_leaves_its_region_pages_cached(
    client, site, topic
):
    """A region page shows a card of each topic (title, summary): a re-approval of the
    topic's body changes its page, not the cards; one of its summary changes both."""
    _warm(client, ["/ru/regions/legs/", "/ru/topics/cached-topic/"])
    topic.what_it_is_ru = "Новый текст о том, что это такое"
    topic.save()
    publish(topic, ["ru"], reviewer=site)
    page = client.get("/ru/topics/cached-topic/")
    assert page["X-Page-Cache"] == "miss"
    assert "Новый текст о том, что это такое" in page.content.decode()
    assert client.get("/ru/regions/legs/")["X-Page-Cache"] == "hit"

    topic.summary_ru = "Новое краткое описание"
    topic.save()
    publish(topic, ["ru"], reviewer=site)
    region = client.get("/ru/regions/legs/")
    assert region["X-Page-Cache"] == "miss"
    assert "Новое краткое описание" in region.content.decode()


def test_a_withdrawal_invalidates_its_pages_and_lists_in_every_language_and_no_other_topic(
    client, site, topic
):
    publish_topic("other-topic", reviewer=site, title="Otherword")
    lists = [
        "/en/regions/legs/",
        "/ar/regions/legs/",
        "/sitemap-topics-en.xml",
        "/api/v1/ru/topics/",
    ]
    _warm(client, [*lists, "/en/topics/other-topic/", "/es/topics/other-topic/", "/en/"])

    workflow.withdraw("topic", "cached-topic", by=site, reason="unsafe advice")

    for url in lists:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "cached-topic" not in response.content.decode(), url
    # Other topics' pages, and the home page (it lists regions, not topics), stay cached.
    for url in ["/en/topics/other-topic/", "/es/topics/other-topic/", "/en/"]:
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_a_site_notice_invalidates_its_language(client, site, topic):
    from articles.models import SiteNotice

    _warm(client, ["/en/topics/cached-topic/", "/ru/topics/cached-topic/", "/ru/"])
    disclaimer = SiteNotice.objects.get(key="disclaimer")
    disclaimer.text_ru = "disclaimer text [ru] (revised)"
    disclaimer.save()
    publish(disclaimer, ["ru"], reviewer=site)
    assert client.get("/ru/topics/cached-topic/")["X-Page-Cache"] == "miss"
    assert client.get("/ru/")["X-Page-Cache"] == "miss"
    assert client.get("/en/topics/cached-topic/")["X-Page-Cache"] == "hit"


def test_each_response_names_its_tags_for_the_cache_in_front(client, topic):
    page = client.get("/ru/topics/cached-topic/")
    tags = set(page["xkey"].split())
    assert {"topic:cached-topic:ru", "region:legs:ru", "lang:ru", "all"} <= tags
    assert not any(tag.startswith("topics:") for tag in tags)  # not a list
    region = set(client.get("/en/regions/legs/")["xkey"].split())
    # A region page lists that region's topics (and goes with any withdrawal), not every
    # topic list of its language.
    assert {"region:legs:en", "region-topics:legs:en", "topic-set:en", "lang:en"} <= region
    assert "topics:en" not in region
    # The same on a hit.
    assert set(client.get("/ru/topics/cached-topic/")["xkey"].split()) == tags


def test_query_parameters_no_page_reads_create_no_cache_entry(client, topic):
    url = "/en/search/?q=cachedword"
    client.get(url)
    before = len(cache._cache)
    for number in range(5):
        response = client.get(f"{url}&utm_source=mail{number}")
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "hit"
    # The parameters a page reads, in any order, are one page.
    assert client.get("/en/search/?page=1&q=cachedword")["X-Page-Cache"] in ("hit", "miss")
    assert client.get("/en/search/?q=cachedword&page=1")["X-Page-Cache"] == "hit"
    fresh = client.get("/en/regions/legs/?fbclid=abc")
    assert fresh["X-Page-Cache"] == "miss"
    assert client.get("/en/regions/legs/?fbclid=abc")["X-Page-Cache"] == "miss"
    assert len(cache._cache) <= before + 2  # the page=1 search and its lock, at most


# -- the outbox --------------------------------------------------------------------------------


def test_the_invalidation_is_written_in_the_transaction_of_the_change(site, topic):
    from django.db import transaction

    from reviews.models import Invalidation

    before = Invalidation.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.withdraw("topic", "cached-topic", by=site, reason="rolled back")
        assert Invalidation.objects.count() == before + 1
        raise RuntimeError
    assert Invalidation.objects.count() == before
    workflow.withdraw("topic", "cached-topic", by=site, reason="done")
    row = Invalidation.objects.first()
    assert "topic:cached-topic:es" in row.tags and "topics:ar" in row.tags
    assert not row.pending and row.attempts == 1


def test_a_failed_invalidation_stays_pending_until_the_command_applies_it(
    client, site, topic, settings, monkeypatch
):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from reviews.models import Invalidation

    url = "/en/regions/legs/"
    _warm(client, [url])
    real = publication.invalidate_page_cache

    def unreachable(tags, **options):
        raise ConnectionError("cache server unreachable")

    monkeypatch.setattr(publication, "invalidate_page_cache", unreachable)
    workflow.withdraw("topic", "cached-topic", by=site, reason="unsafe advice")
    row = Invalidation.objects.first()
    assert row.pending and "unreachable" in row.last_error
    with pytest.raises(CommandError, match="1 invalidation"):
        call_command("apply_invalidations", verbosity=0)
    assert Invalidation.objects.first().attempts == 2

    monkeypatch.setattr(publication, "invalidate_page_cache", real)
    call_command("apply_invalidations", verbosity=0)
    assert not Invalidation.objects.first().pending
    assert "cached-topic" not in client.get(url).content.decode()


def test_a_cache_that_comes_back_with_old_data_never_serves_a_page_from_before_a_change(
    client, site, topic, settings
):
    """Redis hung during a withdrawal, then back with what it held: the request applies
    the invalidations the cache has not seen before reading it."""
    import copy

    from reviews.models import Invalidation

    settings.PAGE_CACHE_OUTBOX_CHECK_SECONDS = 0
    urls = ["/en/topics/cached-topic/", "/en/regions/legs/", "/sitemap-topics-en.xml"]
    _warm(client, urls)
    held = copy.deepcopy((dict(cache._cache), dict(cache._expire_info)))

    workflow.withdraw("topic", "cached-topic", by=site, reason="unsafe advice")
    # The cache comes back with its old data, the withdrawal's invalidation unseen.
    cache._cache.clear()
    cache._expire_info.clear()
    cache._cache.update(held[0])
    cache._expire_info.update(held[1])
    Invalidation.objects.update(page_cache_done_at=None)

    assert client.get(urls[0]).status_code == 410  # withdrawn: gone, never the old page
    for url in urls[1:]:
        assert "cached-topic" not in client.get(url).content.decode(), url
    assert not Invalidation.objects.filter(page_cache_done_at__isnull=True).exists()


def test_a_cache_that_lost_its_outbox_record_invalidates_everything(client, topic, settings):
    settings.PAGE_CACHE_OUTBOX_CHECK_SECONDS = 0
    url = "/en/topics/cached-topic/"
    _warm(client, [url])
    everything = publication.tag_key(cache_tags.ALL)
    before = cache.get(everything)
    cache.delete(publication.SEEN_KEY)  # evicted: the next worker that reads it...
    assert Client().get(url)["X-Page-Cache"] == "miss"
    assert cache.get(everything) != before  # ...invalidates every page
    assert client.get(url)["X-Page-Cache"] == "hit"  # the copy stored since


def test_the_admin_lists_pending_invalidations(admin_client, site, topic, monkeypatch):
    def unreachable(tags, **options):
        raise ConnectionError("cache server unreachable")

    monkeypatch.setattr(publication, "invalidate_page_cache", unreachable)
    workflow.withdraw("topic", "cached-topic", by=site, reason="unsafe advice")
    page = admin_client.get("/admin/reviews/invalidation/?pending=yes")
    assert page.status_code == 200
    html = page.content.decode()
    assert "withdraw topic cached-topic" in html
    assert "pending: retried until it succeeds" in html


# -- one render per cold page ---------------------------------------------------------------


def test_a_cold_page_is_rendered_once_while_others_wait_for_it(rf, settings):
    import threading

    from django.http import HttpResponse

    from healthsite.page_cache import PublicPageCache

    renders = []
    rendering = threading.Event()
    release = threading.Event()

    def slow_render(request):
        renders.append(1)
        rendering.set()
        release.wait(5)
        return HttpResponse("page", headers={"Cache-Control": "public, max-age=60"})

    first_worker, second_worker = PublicPageCache(slow_render), PublicPageCache(slow_render)
    results = {}
    thread = threading.Thread(target=lambda: results.update(first=first_worker(rf.get("/en/"))))
    thread.start()
    assert rendering.wait(5)
    threading.Timer(0.1, release.set).start()
    second = second_worker(rf.get("/en/"))
    thread.join(5)
    assert len(renders) == 1
    assert results["first"]["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit" and second.content == b"page"


# -- serving while re-rendering (grace) -------------------------------------------------------


def _two_workers_one_rendering(rf, invalidate):
    """Store version 1 of /en/, invalidate its tag, then let worker A render version 2
    while worker B asks for the same page; B's answer and A's."""
    from django.http import HttpResponse

    from healthsite.page_cache import PublicPageCache

    state = {"version": 1, "during": None}

    def render(request):
        cache_tags.shows("topic", ["graced"], "en")
        if state["version"] == 2 and state["during"] is None:
            state["during"] = "asking"  # B may render itself: it must not ask again
            state["during"] = worker_b(rf.get("/en/"))
        return HttpResponse(
            f"version {state['version']}", headers={"Cache-Control": "public, max-age=60"}
        )

    worker_a, worker_b = PublicPageCache(render), PublicPageCache(render)
    assert worker_a(rf.get("/en/"))["X-Page-Cache"] == "miss"
    assert worker_b(rf.get("/en/"))["X-Page-Cache"] == "hit"
    invalidate()
    state["version"] = 2
    answer = worker_a(rf.get("/en/"))
    return answer, state["during"], worker_b(rf.get("/en/"))


def test_after_an_approval_the_previous_copy_is_served_while_one_request_renders(rf):
    """An approval replaces approved text with approved text: a request that finds the page
    being rendered gets the previous copy at once (and the cache in front keeps it for
    a second), never a wait; once rendered, everyone gets the new version."""
    answer, during, after = _two_workers_one_rendering(
        rf, lambda: publication.invalidate_page_cache(["topic:graced:en"], grace=True)
    )
    assert answer["X-Page-Cache"] == "miss" and answer.content == b"version 2"
    assert during["X-Page-Cache"] == "stale" and during.content == b"version 1"
    assert during["Surrogate-Control"] == "max-age=1"
    assert after["X-Page-Cache"] == "hit" and after.content == b"version 2"


@pytest.mark.parametrize("hard_change", ["withdrawal", "hard after an approval"])
def test_after_a_withdrawal_no_previous_copy_is_ever_served(rf, settings, hard_change):
    """Without grace (a withdrawal, a site notice, "everything"), even a later approval
    does not make an older copy servable again: the request waits for the render or
    renders itself, and gets the new version."""
    settings.PAGE_CACHE_WAIT_SECONDS = 0.1

    def invalidate():
        publication.invalidate_page_cache(["topic:graced:en"])
        if hard_change != "withdrawal":
            publication.invalidate_page_cache(["topic:other:en"], grace=True)

    answer, during, after = _two_workers_one_rendering(rf, invalidate)
    assert answer.content == b"version 2"
    assert during.content == b"version 2" and during["X-Page-Cache"] == "miss"
    assert after["X-Page-Cache"] == "hit" and after.content == b"version 2"


def test_approvals_purge_the_caches_in_front_softly_and_withdrawals_for_good(
    site, settings, monkeypatch
):
    """Varnish gets `xkey-soft: 1` for an approval (serve the previous copy within grace
    while fetching) and a plain purge for a withdrawal, the repeat included."""
    from reviews.models import Invalidation

    scheduled = []
    monkeypatch.setattr(publication, "schedule_later", lambda delay, *call: scheduled.append(call))
    with recording_purges("/soft-test") as (url, purges):
        settings.FRONTEND_CACHE_URLS = [url]
        settings.FRONTEND_CACHE_REBAN_SECONDS = 0.2
        article = publish_topic("soft-topic", reviewer=site, languages=("en",))
        assert not Invalidation.objects.first().grace  # a first publication: at once
        article.title = "Soft topic again"
        article.save()
        publish(article, ["en"], reviewer=site)
        assert Invalidation.objects.first().grace  # a re-approval
        workflow.withdraw("topic", "soft-topic", by=site, reason="unsafe advice")
        assert not Invalidation.objects.first().grace
        for function, *args in scheduled:
            function(*args)
        # first publication, re-approval, withdrawal, then their repeats in that order
        assert [purge.soft for purge in purges] == [None, "1", None, None, "1", None]
