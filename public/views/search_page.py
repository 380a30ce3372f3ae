"""The search page: a visitor's query read into words, one page of results, and a way on
when nothing was found."""

from __future__ import annotations

import unicodedata

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from articles.languages import SOURCE_LANGUAGE
from search import index as search_index

from .. import pagination, readers
from .common import language_links, language_name, public_page, reverse_in

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8


def search_words(query: str) -> list[str]:
    """The words of a query, case-folded as the index reads text (search.index):
    control characters dropped, punctuation and symbols between words, duplicates
    dropped, at most MAX_QUERY_WORDS."""
    cleaned = "".join(ch for ch in query if unicodedata.category(ch) not in ("Cc", "Cs", "Co"))
    return list(dict.fromkeys(search_index.words(cleaned)))[:MAX_QUERY_WORDS]


def _suggestion(words: list[str], corrected: dict[str, str]) -> str:
    """The query with each corrected word replaced by the known word searched instead
    ("did you mean"), or "" when no word was corrected."""
    if not corrected:
        return ""
    return " ".join(corrected.get(word, word) for word in words)


def _search_context(request: HttpRequest, language: str) -> dict:
    query = request.GET.get("q", "")
    if not isinstance(query, str):  # pragma: no cover - QueryDict always gives str
        query = ""
    query = query.strip()
    too_long = len(query) > MAX_QUERY_LENGTH
    words = [] if too_long else search_words(query)
    number = pagination.requested_page(request)
    results = readers.search_topics(words, language, number) if words else None
    if results is not None:
        results.page.check_exists()
    elif number > 1:
        raise Http404("No such page")
    if too_long:
        state = "too_long"
    elif not query:
        state = "empty"
    elif not words:
        state = "no_words"
    elif not results.total:
        state = "nothing_found"
    else:
        state = "found"
    shown_query = query[:MAX_QUERY_LENGTH]
    kept = {"q": shown_query} if shown_query else {}
    return {
        "query": shown_query,
        "state": state,
        "results": results,
        "suggestion": _suggestion(words, results.corrected) if results else "",
        "result_count": results.total if results else 0,
        # More match than a search lists: the page says "more than" that many.
        "more_than": search_index.MOST if results and results.more else None,
        **pagination.links(results.page if results else None, request.path, kept),
        **language_links(request, "public:search", query=pagination.page_query(number, kept)),
    }


@require_safe
@public_page
def search(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    context = {
        "notices": readers.site_notices(language),
        "max_length": MAX_QUERY_LENGTH,
        "language_name": language_name(language),
        **_search_context(request, language),
    }
    results = context["results"]
    if results and results.in_english:
        # Offered in English: they link to the English pages they were found in.
        context["in_english"] = [
            {
                "shown": shown,
                "url": reverse_in(SOURCE_LANGUAGE, "public:topic", {"slug": shown.key}),
            }
            for shown in results.in_english
        ]
    if context["state"] == "nothing_found":
        # A way on: the body regions, one query more only when nothing was found.
        context["regions"] = [
            {"url": reverse("public:region", kwargs={"slug": shown.key}), "shown": shown}
            for shown in readers.live_regions(language)
        ]
    # Result pages are not worth indexing; only the links to topics are.
    context["alternates"] = []
    return render(request, "public/search.html", context)
