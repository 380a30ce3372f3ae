"""'Is this page useful?' (issue 23, item 4) over HTTP, as a browser without JavaScript or
cookies sends it: the form at the foot of a cached topic page, the POST, its refusals
(links, long text, stale or forged tokens, other sites, too many answers), the review
page and queue that list it, and its deletion after the retention period."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from feedback import guard
from feedback.models import MAX_COMMENT_LENGTH, RETENTION_DAYS, ReaderFeedback
from reviews.models import LanguageVersion
from tests.support.factories import make_topic, publish
from tests.support.once import built_once
from tests.support.published import publish_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

URL = "/en/topics/useful-topic/"
POST_URL = "/en/topics/useful-topic/feedback/"


def build_once(reviewer):
    """The topic every test here reads, published with the module's site (conftest.py)."""
    publish_topic("useful-topic", reviewer=reviewer, title="Useful topic")


@pytest.fixture
def topic(request, site):
    if not built_once(request, "published_site_once"):  # TESTS_BUILD_PER_TEST=1
        build_once(site)
    return Article.objects.get(slug="useful-topic")


def form_of(html: str) -> dict:
    """The hidden fields of the page's feedback form, as a browser would send them."""
    form = re.search(r'<form class="feedback-form".*?</form>', html, re.S).group(0)
    action = re.search(r'action="([^"]+)"', form).group(1)
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    return {"action": action, "token": token}


def send(client, page=URL, **fields):
    form = form_of(client.get(page).content.decode())
    data = {"token": form["token"], **fields}
    return client.post(form["action"], data)


def test_the_form_is_on_every_topic_page_the_same_for_every_visitor_and_cached(client, topic):
    first = client.get(URL)
    html = first.content.decode()
    form = form_of(html)
    assert form["action"] == POST_URL
    assert "anything about your own health" in html
    assert 'maxlength="1000"' in html
    assert 'name="csrfmiddlewaretoken"' not in html
    assert not first.cookies
    second = client.get(URL)
    assert second["X-Page-Cache"] == "hit"
    assert form_of(second.content.decode()) == form
    # Another visitor (another client, no cookies) gets the same form.
    from django.test import Client

    assert form_of(Client().get(URL).content.decode()) == form


def test_an_answer_is_stored_per_topic_and_language_with_crlf_normalised(client, topic):
    response = send(client, useful="no", comment="Line one\r\nline two ")
    assert response.status_code == 200
    assert "Thank you for your answer" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert not response.cookies
    saved = ReaderFeedback.objects.get()
    assert (saved.topic, saved.language, saved.useful) == ("useful-topic", "en", False)
    assert saved.comment == "Line one\nline two"
    assert saved.version_id == topic_version("useful-topic", "en").pk
    assert len(saved.address) == 64 and "127.0.0.1" not in saved.address
    send(client, page="/ar/topics/useful-topic/", useful="yes")
    assert ReaderFeedback.objects.filter(language="ar", useful=True).count() == 1


def topic_version(slug, language):
    from reviews.models import PublishedVersion

    return PublishedVersion.objects.live(language, "topic").get(key=slug)


def test_a_comment_of_exactly_the_limit_with_crlf_line_breaks_is_accepted(client, topic):
    # The browser counts each line break as one character; it sends CRLF.
    text = ("a" * 99 + "\n") * 10
    assert len(text) == MAX_COMMENT_LENGTH
    response = send(client, useful="yes", comment=text.replace("\n", "\r\n"))
    assert response.status_code == 200
    assert ReaderFeedback.objects.get().comment == text.strip()


@pytest.mark.parametrize(
    "comment, message",
    [
        ("See https://spam.example/buy now", "remove links"),
        ("visit www.cheap-pills.test today", "remove links"),
        ("great-deals.com has it", "remove links"),
        ("x" * (MAX_COMMENT_LENGTH + 1), "at most 1000 characters"),
        ("bad \x00 byte", "not"),
        ("bell \x07 char", "not text"),
    ],
)
def test_links_long_and_non_text_comments_are_refused_and_the_input_is_kept(
    client, topic, comment, message
):
    response = send(client, useful="no", comment=comment)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    # The answer and the text come back (escaped), ready to be corrected.
    assert 'value="no" required checked' in html
    if "\x00" not in comment and "\x07" not in comment:
        assert f">{comment}</textarea>" in html
    assert ReaderFeedback.objects.count() == 0


def test_text_that_is_not_a_link_is_accepted(client, topic):
    comment = "The dose e.g. 3.5mg or i.e. the 2nd paragraph. «Судороги» — ¿qué? تشنج"
    assert send(client, useful="yes", comment=comment).status_code == 200
    assert ReaderFeedback.objects.get().comment == comment


def test_hostile_text_is_shown_escaped_never_run(client, topic):
    response = send(client, comment="<script>alert(1)</script>&amp;")
    assert response.status_code == 400  # no yes/no chosen
    html = response.content.decode()
    assert "Please choose yes or no." in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;" in html


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"useful": "maybe"},
        {"useful": ["yes", "no"], "comment": ["a", "b"]},
    ],
)
def test_missing_and_odd_fields_answer_400_never_500(client, topic, data):
    token = form_of(client.get(URL).content.decode())["token"]
    response = client.post(POST_URL, {"token": token, **data})
    assert response.status_code in (200, 400)
    assert ReaderFeedback.objects.count() == (1 if response.status_code == 200 else 0)


@pytest.mark.parametrize("raw", ["comment=%ED%A0%80", "comment=%FF%FE", "useful=%00", "%%%"])
def test_bytes_that_are_not_utf8_answer_400_never_500(client, topic, raw):
    from urllib.parse import quote

    token = form_of(client.get(URL).content.decode())["token"]
    body = f"token={quote(token)}&{raw}&useful=yes"
    response = client.generic(
        "POST", POST_URL, body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 400)


def test_get_and_other_methods_on_the_post_address_never_answer_500(client, topic):
    response = client.get(POST_URL)
    assert response.status_code == 302
    assert response["Location"] == URL + "#feedback"
    assert client.head(POST_URL).status_code == 302
    assert client.put(POST_URL).status_code == 405
    assert client.post("/en/topics/no-such-topic/feedback/", {"useful": "yes"}).status_code == 404
    assert client.get("/en/topics/no-such-topic/feedback/").status_code == 302


def test_a_forged_or_other_pages_token_is_refused_with_the_input_kept(client, topic, site):
    publish_topic("other-topic", reviewer=site)
    other = form_of(client.get("/en/topics/other-topic/").content.decode())["token"]
    ru = form_of(client.get("/ru/topics/useful-topic/").content.decode())["token"]
    for token in ("", "forged:token", other, ru):
        response = client.post(POST_URL, {"token": token, "useful": "yes", "comment": "Kept"})
        assert response.status_code == 400, token
        html = response.content.decode()
        assert "could not be checked" in html
        assert ">Kept</textarea>" in html
    assert ReaderFeedback.objects.count() == 0


def test_an_old_token_asks_to_send_again_with_a_fresh_token_and_the_input_kept(
    client, topic, monkeypatch
):
    token = form_of(client.get(URL).content.decode())["token"]
    signer_time = __import__("time").time() + guard.TOKEN_MAX_AGE + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: signer_time)
    response = client.post(POST_URL, {"token": token, "useful": "no", "comment": "Kept"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "open for a long time" in html
    fresh = form_of(html)["token"]
    assert fresh != token
    assert client.post(POST_URL, {"token": fresh, "useful": "no"}).status_code == 200


def test_a_page_rendered_again_the_same_day_is_the_same_so_caches_revalidate_it(
    client, topic, monkeypatch
):
    """The page cache renders a page again when its copy expires or is emptied; the HTTP
    cache in front then asks with its copy's ETag. The form's token is signed with the
    day, not the second: a page rendered an hour later is the same page and gets a 304.
    The next day's token is new, and both are accepted."""
    from django.conf import settings
    from django.core.cache import caches

    day_start = int(__import__("time").time()) // guard.TOKEN_TIME_STEP * guard.TOKEN_TIME_STEP
    clock = [day_start + 10.5]
    monkeypatch.setattr("django.core.signing.time.time", lambda: clock[0])  # the clock itself
    first = client.get(URL)
    caches[settings.PAGE_CACHE_ALIAS].clear()
    clock[0] += 3600
    again = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304

    caches[settings.PAGE_CACHE_ALIAS].clear()
    clock[0] += guard.TOKEN_TIME_STEP
    next_day = client.get(URL)
    assert form_of(next_day.content.decode())["token"] != form_of(first.content.decode())["token"]
    for page in (first, next_day):
        token = form_of(page.content.decode())["token"]
        assert client.post(POST_URL, {"token": token, "useful": "yes"}).status_code == 200
    assert ReaderFeedback.objects.count() == 2


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
    ],
)
def test_a_post_from_another_site_is_refused(client, topic, headers):
    token = form_of(client.get(URL).content.decode())["token"]
    response = client.post(POST_URL, {"token": token, "useful": "yes"}, **headers)
    assert response.status_code == 403
    assert "site&#x27;s own pages" in response.content.decode()
    assert ReaderFeedback.objects.count() == 0


def test_a_post_from_this_site_is_accepted(client, topic):
    token = form_of(client.get(URL).content.decode())["token"]
    response = client.post(
        POST_URL,
        {"token": token, "useful": "yes"},
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 200


def test_one_address_is_rate_limited_and_keeps_its_input(client, topic):
    for _number in range(guard.RATE_LIMIT):
        assert send(client, useful="yes").status_code == 200
    response = send(client, useful="no", comment="One more")
    assert response.status_code == 429
    assert "try again later" in response.content.decode()
    assert ">One more</textarea>" in response.content.decode()
    # Another address is not held back.
    token = form_of(client.get(URL).content.decode())["token"]
    other = client.post(POST_URL, {"token": token, "useful": "no"}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200
    assert ReaderFeedback.objects.count() == guard.RATE_LIMIT + 1


def test_the_limit_opens_again_in_the_next_window(client, topic, monkeypatch):
    now = [float(int(__import__("time").time()))]  # the form's token is signed with it too
    monkeypatch.setattr(guard, "_now", lambda: now[0])
    for _number in range(guard.RATE_LIMIT):
        assert send(client, useful="yes").status_code == 200
    assert send(client, useful="yes").status_code == 429
    now[0] += guard.RATE_WINDOW
    assert send(client, useful="yes").status_code == 200


def test_a_broken_cache_counts_from_the_database_and_never_answers_500(client, topic, monkeypatch):
    token = form_of(client.get(URL).content.decode())["token"]

    class Hung:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise TimeoutError("cache hung")

            return fail

    monkeypatch.setattr("feedback.guard.caches", {"default": Hung()})
    for _number in range(guard.RATE_LIMIT):
        assert client.post(POST_URL, {"token": token, "useful": "yes"}).status_code == 200
    assert client.post(POST_URL, {"token": token, "useful": "yes"}).status_code == 429
    assert ReaderFeedback.objects.count() == guard.RATE_LIMIT


def test_a_withdrawn_topic_takes_no_answers(client, topic, site):
    from reviews import workflow

    token = form_of(client.get(URL).content.decode())["token"]
    workflow.withdraw("topic", "useful-topic", by=site, reason="Test")
    response = client.post(POST_URL, {"token": token, "useful": "yes"})
    assert response.status_code == 410
    assert ReaderFeedback.objects.count() == 0


def test_answers_are_never_published(client, topic):
    send(client, useful="no", comment="Secretcomment about the page")
    cache.clear()
    for url in (URL, "/en/", "/en/feed/", "/api/v1/topics/",
                "/api/v1/topics/useful-topic/", "/en/a-z/"):  # fmt: skip
        response = client.get(url)
        assert "Secretcomment" not in response.content.decode(), url


def test_the_review_page_lists_the_answers_and_the_queue_counts_them(client, topic, site):
    send(client, useful="no", comment="The second table is confusing")
    send(client, page="/ar/topics/useful-topic/", useful="yes", comment="مفيد")
    client.force_login(site)
    version = LanguageVersion.objects.get(kind="topic", key="useful-topic", language="en")
    html = client.get(reverse("admin:reviews_languageversion_review", args=[version.pk]))
    html = html.content.decode()
    assert "Reader feedback" in html
    assert "The second table is confusing" in html
    assert "مفيد" not in html  # the Arabic version's answer is on its own page
    arabic = LanguageVersion.objects.get(kind="topic", key="useful-topic", language="ar")
    html = client.get(reverse("admin:reviews_languageversion_review", args=[arabic.pk]))
    assert "مفيد" in html.content.decode()
    queue = client.get(reverse("admin:reviews_languageversion_queue")).content.decode()
    table = re.search(r'<table class="reader-feedback-counts">.*?</table>', queue, re.S).group(0)
    cells = re.findall(r"<th scope=\"row\">([^<]+)</th><td>(\d+)</td><td>(\d+)</td>", table)
    assert ("English", "1", "1") in cells
    assert ("Arabic", "1", "0") in cells


def test_answers_older_than_the_retention_period_are_deleted(client, topic):
    send(client, useful="yes")
    send(client, useful="no")
    old = ReaderFeedback.objects.first()
    ReaderFeedback.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=RETENTION_DAYS, seconds=1)
    )
    call_command("delete_old_feedback", stdout=__import__("io").StringIO())
    assert list(ReaderFeedback.objects.values_list("pk", flat=True)) != [old.pk]
    assert ReaderFeedback.objects.count() == 1


def test_the_preview_on_the_review_page_has_no_form(client, site):
    article = make_topic("draft-topic", title="Draft topic")
    publish(article, ["en"], reviewer=site)
    client.force_login(site)
    version = LanguageVersion.objects.get(kind="topic", key="draft-topic", language="en")
    html = client.get(reverse("admin:reviews_languageversion_review", args=[version.pk]))
    assert 'class="feedback-form"' not in html.content.decode()
