"""The read-only JSON content API, /api/v1/ (django-ninja; OpenAPI at /api/v1/openapi.json).

It reads what the pages read, through `public.readers` only: live published snapshots,
each in the language asked for or else in English (then `fallback` is true and
`language` says "en"), never a draft, an edit waiting for review or a withdrawn item.
Responses are public for a minute (Cache-Control, an ETag from ConditionalGetMiddleware,
the shared page cache keyed by the publication generation), readable from any origin
(Access-Control-Allow-Origin: *), and the same for everyone.

The OpenAPI document is committed as docs/api/openapi.json (`manage.py export_openapi`);
tests/test_api.py keeps it current and runs schemathesis against it.

Here: the API object, its content operations and its URLs. What operations share is
`public.api_conventions`; the schemas `public.api_schemas`; the answers
`public.api_answers`; receipts and the licence `public.receipts`. The partners' operations
are routers of their own (`public.partners`, `public.infobutton`) added below: this
module imports them, never the other way round.
"""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from ninja import NinjaAPI, Query, Status
from ninja.decorators import decorate_view
from ninja.errors import ValidationError

from articles.languages import SOURCE_LANGUAGE

from . import infobutton, partners, readers
from .api_answers import not_found, region_answer, served, topic_answer, topic_summary
from .api_conventions import (
    API_VERSION,
    DEFAULT_PAGE_SIZE,
    ERRORS,
    MAX_PAGE_SIZE,
    LangPath,
    Language,
    ReadableJSON,
    SlugPath,
    public_api,
)
from .api_schemas import ITEM_ERRORS, Notice, Region, RegionDetail, Topic, TopicPage
from .receipts import english_fingerprints

api = NinjaAPI(
    title="Spasms and cramps: content API",
    version=API_VERSION,
    description=(
        "Medically reviewed, published content only, per language. Where a topic or region "
        "has no approved version in the language asked for, the approved English version is "
        "returned, with `language` set to `en` and `fallback` true."
    ),
    urls_namespace="api",
    renderer=ReadableJSON(),
    openapi_extra={
        "info": {
            "license": {
                "name": settings.CONTENT_LICENCE["name"],
                "url": settings.CONTENT_LICENCE["url"],
            },
            "x-copyright-holder": settings.CONTENT_LICENCE["copyright_holder"],
            "x-attribution": settings.CONTENT_LICENCE["attribution"],
        }
    },
    docs_url=None,  # the interactive docs load scripts from a CDN, which the CSP refuses
    openapi_url=None,  # served by openapi_document() below, with the API's headers
)


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = sorted({".".join(str(part) for part in error["loc"]) for error in exc.errors})
    return api.create_response(request, {"detail": "Invalid " + ", ".join(fields)}, status=400)


# The partners' operations (changes feed, verify, infobutton): routers of their own on
# the same API, in its namespace and OpenAPI document.
api.add_router("", partners.router)
api.add_router("", infobutton.router)


# -- operations -------------------------------------------------------------------------


@api.get("/{lang}/topics/", response={200: TopicPage, **ERRORS}, url_name="topics")
@decorate_view(public_api)
def list_topics(
    request: HttpRequest,
    lang: Language = LangPath,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    """The live topics, by slug, each in `lang` or else in English."""
    language = Language(lang).value
    found = readers.topics_page(language, offset=(page - 1) * page_size, limit=page_size)
    pages = max(1, -(-found.count // page_size))
    if page > pages:
        return Status(404, {"detail": f"There are {pages} pages."})
    base = request.build_absolute_uri(reverse("api:topics", kwargs={"lang": language}))
    english = english_fingerprints(found.items)

    def link(number: int) -> str:
        return f"{base}?page={number}&page_size={page_size}"

    return {
        "count": found.count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": link(page + 1) if page < pages else None,
        "previous": link(page - 1) if page > 1 else None,
        "items": [topic_summary(request, shown, english) for shown in found.items],
    }


@api.get("/{lang}/topics/{slug}/", response={200: Topic, **ITEM_ERRORS}, url_name="topic")
@decorate_view(public_api)
def get_topic(request: HttpRequest, lang: Language = LangPath, slug: str = SlugPath):
    """One topic with everything its page shows: sections, when to get help, relief,
    prevention, references, who reviewed it and when."""
    page = readers.live_topic(slug, Language(lang).value)
    if page is None:
        return not_found(request, "topic", slug, Language(lang).value)
    return topic_answer(request, page.shown)


@api.get("/{lang}/regions/", response={200: list[Region], **ERRORS}, url_name="regions")
@decorate_view(public_api)
def list_regions(request: HttpRequest, lang: Language = LangPath):
    """The live body regions, in the body map's order."""
    regions = readers.live_regions(Language(lang).value)
    english = english_fingerprints(regions)
    return [region_answer(request, shown, english) for shown in regions]


@api.get("/{lang}/regions/{slug}/", response={200: RegionDetail, **ITEM_ERRORS}, url_name="region")
@decorate_view(public_api)
def get_region(request: HttpRequest, lang: Language = LangPath, slug: str = SlugPath):
    """A body region, its notice and its live topics."""
    language = Language(lang).value
    page = readers.live_region(slug, language)
    if page is None:
        return not_found(request, "region", slug, language)
    # The first page of the region's topics, as on its public page: a response must not
    # grow with the corpus (the topics endpoint pages through all of them).
    topics = readers.region_topics(slug, language).items
    english = english_fingerprints([page.shown, *topics])
    return {
        **region_answer(request, page.shown, english),
        "topics": [topic_summary(request, shown, english) for shown in topics],
    }


@api.get("/{lang}/notices/", response={200: list[Notice], **ERRORS}, url_name="notices")
@decorate_view(public_api)
def list_notices(request: HttpRequest, lang: Language = LangPath):
    """The site notices: the disclaimer, the emergency notice with its list of numbers,
    and the short reviewed notices the pages show."""
    found = readers.site_notices(Language(lang).value).for_language(Language(lang).value)
    return [
        {
            **served(shown),
            "key": key,
            "text_html": shown.payload.get("text_html"),
            "text": shown.payload.get("text"),
            "numbers": shown.payload.get("numbers", []),
        }
        for key, shown in sorted(found.items())
    ]


# Preflight: a script elsewhere that sends If-None-Match asks first whether it may.
def _preflight(request: HttpRequest, **path) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response["Access-Control-Max-Age"] = "86400"
    return response


def _preflight_list(request: HttpRequest, lang: str):
    return _preflight(request)


def _preflight_item(request: HttpRequest, lang: str, slug: str):
    return _preflight(request)


for _path, _view in (
    ("/{lang}/topics/", _preflight_list),
    ("/{lang}/topics/{slug}/", _preflight_item),
    ("/{lang}/regions/", _preflight_list),
    ("/{lang}/regions/{slug}/", _preflight_item),
    ("/{lang}/notices/", _preflight_list),
):
    decorate_view(public_api)(api.api_operation(["OPTIONS"], _path, include_in_schema=False)(_view))


def _head_as_get(view):
    """HEAD answered as GET, like the pages (the server sends no body): not documented
    as operations of their own."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "HEAD":
            request.method = "GET"
        return view(request, *args, **kwargs)

    return wrapped


def urls():
    """The API's URL patterns, answering HEAD too (for healthsite/urls.py)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = _head_as_get(pattern.callback)
    return patterns, app_name, namespace


@public_api
def openapi_document(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    return HttpResponse(openapi_text(), content_type="application/json")


def openapi_text() -> str:
    """The OpenAPI document as committed in docs/api/openapi.json."""
    with translation.override(SOURCE_LANGUAGE):
        schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
