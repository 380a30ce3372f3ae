"""Strict headers on every response, public and admin: CSP, Permissions-Policy,
Cross-Origin-Resource-Policy and -Opener-Policy, Referrer-Policy, nosniff."""

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/en/", "/ar/search/?q=x", "/en/no-such-page/", "/robots.txt", "/admin/login/", "/"]


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_strict_headers(client, path):
    response = client.get(path)
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    if response.status_code != 302:  # `/`'s language redirect comes from LocaleMiddleware
        assert response.headers["X-Frame-Options"] == "DENY"


def test_the_admin_loads_no_script_from_elsewhere(admin_client):
    from articles.models import Article

    article = Article.objects.create(slug="a-topic", title_en="A topic")
    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "googleapis" not in page
    assert "vendor/jquery-ui-1.13.3/jquery-ui.min.js" in page
