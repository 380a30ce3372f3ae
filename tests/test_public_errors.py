"""Bad input gets the 404 page (or a helpful search page), never a 500; the error pages
carry the disclaimer and emergency notice; the 500 page renders even without a database."""

import pytest
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.db import OperationalError
from django.test import Client
from django.urls import path

from healthsite.urls import urlpatterns as site_urlpatterns
from tests.support.published import publish_topic

# Every test here wants the published site: built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def boom(request):
    raise RuntimeError("a bug")


# This module doubles as a URLconf with a view that fails (see @pytest.mark.urls below).
urlpatterns = [*site_urlpatterns, *i18n_patterns(path("boom/", boom))]
handler404 = "public.views.page_not_found"
handler500 = "public.views.server_error"

NOT_FOUND = [
    "/{lang}/regions/no-such-region/",
    "/{lang}/topics/no-such-topic/",
    "/{lang}/topics/%00/",
    "/{lang}/topics/a%2Fb/",
    "/{lang}/topics/%E2%80%AE%F0%9F%98%80/",
    "/{lang}/topics/" + "a" * 3000 + "/",
    "/{lang}/regions/" + "b-" * 1500 + "/",
    "/{lang}/topics/leg-cramps/extra/",
    "/{lang}/topics/",
    "/{lang}/regions/",
    "/{lang}/%ff%fe/",
    "/{lang}/" + "x/" * 500,
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_bad_paths_get_the_404_page_with_notices(client, site, language):
    publish_topic("leg-cramps", reviewer=site)
    for url in NOT_FOUND:
        response = client.get(url.format(lang=language))
        assert response.status_code == 404, url
        html = response.content.decode()
        assert f'<html lang="{language}"' in html
        assert f"disclaimer text [{language}]" in html
        assert f"emergency text [{language}]" in html
        assert 'href="/ru/"' in html  # the language switcher, to the home pages


@pytest.mark.parametrize(
    ("url", "language"),
    [
        ("/xx/", "es"),  # no language in the path: the visitor's (Accept-Language)
        ("/xx/topics/leg-cramps/", "es"),
        ("/de/", "es"),
        ("/EN/", "en"),  # Django reads these as English variants
        ("/en-us/", "en"),
    ],
)
def test_unknown_languages_are_404(client, site, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}"' in html and f"disclaimer text [{language}]" in html


def test_unpublished_topic_in_every_language_is_404(client, site):
    for language in LANGUAGES:
        assert client.get(f"/{language}/topics/never-published/").status_code == 404


def test_a_missing_slash_redirects_and_other_methods_are_refused(client, site):
    publish_topic("leg-cramps", reviewer=site)
    assert client.get("/en/topics/leg-cramps")["Location"] == "/en/topics/leg-cramps/"
    assert client.post("/en/topics/leg-cramps/").status_code == 405
    assert client.head("/en/topics/leg-cramps/").status_code == 200


@pytest.mark.urls("tests.test_public_errors")
def test_500_page_carries_the_notices(site):
    client = Client(raise_request_exception=False)
    response = client.get("/ar/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "disclaimer text [ar]" in html and "emergency text [ar]" in html


@pytest.mark.urls("tests.test_public_errors")
def test_500_page_renders_when_the_database_is_down(site, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr("public.readers.site_notices", down)
    response = Client(raise_request_exception=False).get("/en/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, something went wrong" in html
    assert "emergency number" in html and "not a substitute for a doctor" in html


@pytest.mark.urls("tests.test_public_errors")
def test_500_page_falls_back_to_plain_html_when_templates_fail(site, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template engine broken")

    monkeypatch.setattr("public.views.errors.render_to_string", broken)
    response = Client(raise_request_exception=False).get("/en/boom/")
    assert response.status_code == 500
    assert b"emergency number" in response.content


ODD_QUERIES = [
    "",
    "   ",
    "x" * 5000,
    "%",
    "_",
    "%%%",
    "'; DROP TABLE reviews_publishedversion; --",
    "<script>alert(1)</script>",
    "\x00",
    "a\x00b",
    "\u202e\u200b",
    "😀",
    "(((",
    "\\",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_odd_search_queries_get_a_helpful_page(client, site, language):
    publish_topic("leg-cramps", reviewer=site)
    for query in ODD_QUERIES:
        response = client.get(f"/{language}/search/", {"q": query})
        assert response.status_code == 200, query
        html = response.content.decode()
        assert 'class="search-status"' in html
        assert "<script>alert(1)" not in html
        assert f"disclaimer text [{language}]" in html


def test_a_too_long_query_says_so_and_is_not_searched(client, site, django_assert_num_queries):
    from public import readers

    readers.site_notices("en")  # read once, as by any page before
    with django_assert_num_queries(1):  # the notices only
        response = client.get("/en/search/", {"q": "cramp " * 1000})
    assert "too long" in response.content.decode()


def test_repeated_and_odd_parameters(client, site):
    assert client.get("/en/search/?q=a&q=b&x=%00").status_code == 200
    assert client.get("/en/search/?q=%ff%fe").status_code == 200
    assert client.get("/en/?q=%00").status_code == 200
