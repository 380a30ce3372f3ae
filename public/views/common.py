"""What every public page shares: its cache headers, addresses in another language and
the language switcher with its hreflang alternates."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control

from articles.languages import SOURCE_LANGUAGE, direction, language_codes

# Public pages are the same for every visitor of a URL (the language is in the URL), so
# caches (browsers, a CDN) may keep one, for a minute at most: an approval or a
# withdrawal reaches every visitor within that time. ConditionalGetMiddleware adds the
# ETag that makes revalidation cheap.
PUBLIC_MAX_AGE = 60
public_page = cache_control(public=True, max_age=PUBLIC_MAX_AGE)


def reverse_in(language: str, view_name: str, kwargs: dict | None = None) -> str:
    with translation.override(language):
        return reverse(view_name, kwargs=kwargs)


def language_links(
    request: HttpRequest,
    view_name: str = "public:home",
    kwargs: dict | None = None,
    *,
    published_in: list[str] | None = None,
    query: str = "",
) -> dict:
    """The language switcher (every language) and hreflang alternates (published ones)."""
    current = translation.get_language()
    switcher, alternates = [], []
    for code in language_codes():
        url = reverse_in(code, view_name, kwargs) + query
        switcher.append(
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "direction": direction(code),
                "url": url,
                "current": code == current,
            }
        )
        if published_in is None or code in published_in:
            alternates.append({"hreflang": code, "url": request.build_absolute_uri(url)})
    if alternates and (published_in is None or SOURCE_LANGUAGE in published_in):
        default = reverse_in(SOURCE_LANGUAGE, view_name, kwargs) + query
        alternates.append({"hreflang": "x-default", "url": request.build_absolute_uri(default)})
    return {"language_links": switcher, "alternates": alternates}


def language_name(code: str) -> str:
    return translation.gettext(translation.get_language_info(code)["name"])
