"""A staff member's browser over HTTP, for the server tests: signs in to the admin of a
running host and submits its forms as a browser sends them (cookies, the CSRF token and
the other hidden fields, a withdrawal's confirmation)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request

from .serving import manage


class Staff:
    """A staff member's browser on one host: cookies, CSRF token, forms."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        login = self.get("/admin/login/?next=/admin/")
        response = self.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": f"{username}-demo"},
            page=login,
        )
        assert "/admin/login/" not in response.url, f"{username} could not sign in"

    def get(self, path: str):
        response = self.opener.open(self.base + path, timeout=20)
        response.text = response.read().decode()
        return response

    def post(self, path: str, data: dict, page=None):
        """Submit the page's form as a browser would: with its hidden fields (the CSRF
        token, what the review page showed) and, for a withdrawal, its confirmation."""
        response = self._submit(path, page or self.get(path), data)
        if data.get("action") == "withdraw" and 'name="confirmed"' in response.text:
            response = self._submit(path, response, data)
        return response

    def _submit(self, path: str, page, data: dict):
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
        body = urllib.parse.urlencode({**hidden, **data}).encode()
        response = self.opener.open(
            urllib.request.Request(self.base + path, data=body, headers={"Referer": page.url}),
            timeout=20,
        )
        response.text = response.read().decode()
        return response


# Prints the review page's version number (one `manage.py shell` after a command, so a
# test pays one Django start-up, not two).
_PRINT_VERSION = (
    "from reviews.models import LanguageVersion; "
    "version = LanguageVersion.objects.get(kind='topic', key={key!r}, language={language!r}); "
    "print('pk=%d' % version.pk)"
)


def _review_path(output: str) -> str:
    number = re.search(r"pk=(\d+)", output)[1]
    return f"/admin/reviews/languageversion/{number}/review/"


def review_page(env: dict, key: str, language: str = "en") -> str:
    return _review_path(
        manage(env, "shell", "-c", _PRINT_VERSION.format(key=key, language=language))
    )


def approve_summary(env: dict, base: str, key: str, language: str, text: str) -> str:
    """A translator's edit that adds `text` to a topic's summary (saved as the admin's
    change form would; the rest is kept, so the content checks find nothing new), then
    submitted and approved in the admin of `base` over HTTP, as a browser sends the
    review form. Returns the approval's answer page."""
    author = "editor" if language == "en" else "translator"
    output = manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; from articles.models import Article; "
        "from reviews import workflow; "
        f"article = Article.objects.get(slug={key!r}); "
        f"article.summary_{language} += ' ' + {text!r}; article.save(); "
        f"workflow.record_edits(article, by=get_user_model().objects.get(username={author!r})); "
        + _PRINT_VERSION.format(key=key, language=language),
    )
    page = _review_path(output)
    submitted = Staff(base, author).post(page, {"action": "submit"})
    assert "Submitted for medical review" in submitted.text
    approved = Staff(base, "reviewer").post(page, {"action": "approve", "comment": "ok"})
    assert "Approved: this version is now public" in approved.text
    return approved.text
