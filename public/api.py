"""The read-only JSON content API, /api/v1/ (django-ninja; OpenAPI at /api/v1/openapi.json).

It reads what the pages read, through `public.readers` only: live published snapshots,
each in the language asked for or else in English (then `fallback` is true and
`language` says "en"), never a draft, an edit waiting for review or a withdrawn item.
Responses are public for a minute (Cache-Control, an ETag from ConditionalGetMiddleware,
the shared page cache keyed by the publication generation), readable from any origin
(Access-Control-Allow-Origin: *), and the same for everyone.

The OpenAPI document is committed as docs/api/openapi.json (`manage.py export_openapi`);
tests/test_api.py keeps it current and runs schemathesis against it.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from functools import wraps
from types import SimpleNamespace

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control
from ninja import NinjaAPI, Path, Query, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer
from pydantic import Field

from articles.languages import SOURCE_LANGUAGE, language_codes
from articles.models import Article
from reviews.models import PublishedVersion
from reviews.registry import registry

from . import readers

API_VERSION = "1"
MAX_AGE = 60  # as the pages: an approval or a withdrawal reaches everyone within a minute
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SLUG = r"^[-a-zA-Z0-9_]+$"

Language = Enum("Language", {code: code for code in language_codes()}, type=str)


def public_api(view):
    """Cache-Control, CORS and cross-origin reading for every answer of an operation."""

    @cache_control(public=True, max_age=MAX_AGE)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if kwargs.get("lang") in language_codes():
            # The language asked for (LocaleMiddleware would name the browser's); each
            # item still says its own language, English where it stands in.
            response["Content-Language"] = kwargs["lang"]
        response["Access-Control-Allow-Origin"] = "*"
        # Other sites' scripts may read the API (the pages stay same-origin).
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    return wrapped


class ReadableJSON(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Arabic and Russian as text, not \\u escapes


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


# -- schemas ----------------------------------------------------------------------------


class Error(Schema):
    detail: str


class Licence(Schema):
    name: str = Field(description="The licence of the text, e.g. CC BY-ND 4.0.")
    url: str
    copyright_holder: str
    attribution: str = Field(description="The credit line to show beside the text.")


class ServedLanguage(Schema):
    language: str = Field(description="The language of the content returned.")
    fallback: bool = Field(description="True when this is English standing in for it.")
    licence: Licence = Field(description="The terms on which the text may be republished.")


class Receipt(Schema):
    """What a partner keeps to prove that its copy is the approved text."""

    fingerprint: str = Field(description="SHA-256 of the approved source text.")
    language: str
    approved: datetime
    reviewed_by: str
    english_fingerprint: str | None = Field(
        description="The approved English this translation was checked against (none for "
        "English itself)."
    )
    status: str = Field(
        description="`current`, or `outdated` when the English changed since this "
        "translation was approved."
    )
    verify_url: str = Field(description="GET it to learn whether this is still current.")


class Review(Schema):
    reviewed_by: str = Field(description="The medical reviewer's public credit.")
    reviewed_by_language: str
    approved: datetime = Field(description="When this version was approved.")
    first_published: datetime = Field(description="First approval since last withdrawn.")
    next_review_due: date
    review_overdue: bool
    outdated: bool = Field(description="The English original changed since this review.")


class TopicSummary(ServedLanguage):
    slug: str
    title: str
    summary: str
    description: str = Field(description="At most 160 characters, for lists and search.")
    audience: str
    regions: list[str]
    url: str = Field(description="The topic's page.")
    api_url: str
    review: Review
    receipt: Receipt


class WarningSign(Schema):
    urgency: str
    text_html: str


class Relief(Schema):
    kind: str
    title: str
    how_to_html: str
    caution_html: str


class PreventionTip(Schema):
    title: str
    text_html: str


class Reference(Schema):
    publisher: str
    title: str
    url: str
    language: str
    checked: str


# A topic's Markdown sections, in the models' order, as the registry declares them (from
# articles/models.py and translation.py): a new translated section reaches the schema,
# the answers and the OpenAPI document without being named here.
TOPIC_SECTIONS = registry.for_model(Article).sections

Topic = type(TopicSummary)(
    "Topic",
    (TopicSummary,),
    {
        "__module__": __name__,
        "__qualname__": "Topic",
        "__annotations__": {
            **{f"{name}_html": str for name in TOPIC_SECTIONS},
            "warning_signs": list[WarningSign],
            "relief": list[Relief],
            "prevention": list[PreventionTip],
            "references": list[Reference],
        },
    },
)


class TopicPage(Schema):
    count: int = Field(description="Live topics in all.")
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None
    items: list[TopicSummary]


class Region(ServedLanguage):
    slug: str
    name: str
    description: str
    notice_html: str
    url: str
    api_url: str
    receipt: Receipt


class RegionDetail(Region):
    topics: list[TopicSummary]


class EmergencyNumber(Schema):
    country: str
    country_name: str
    service: str
    number: str


class Notice(ServedLanguage):
    key: str
    text_html: str | None = Field(None, description="Reviewed HTML (disclaimer, emergency).")
    text: str | None = Field(None, description="Plain one-line notices.")
    numbers: list[EmergencyNumber]


class Gone(Schema):
    detail: str
    withdrawn: datetime = Field(description="When the medical reviewers withdrew it.")
    regions: list[str] = Field(description="API addresses of the regions to look in instead.")


ERRORS = {400: Error, 404: Error}
ITEM_ERRORS = {**ERRORS, 410: Gone}


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = sorted({".".join(str(part) for part in error["loc"]) for error in exc.errors})
    return api.create_response(request, {"detail": "Invalid " + ", ".join(fields)}, status=400)


# -- building the answers ---------------------------------------------------------------


def _page_url(request: HttpRequest, shown: readers.ServedVersion, view_name: str) -> str:
    with translation.override(shown.language):
        return request.build_absolute_uri(reverse(view_name, kwargs={"slug": shown.key}))


def _api_url(request: HttpRequest, language: str, name: str, slug: str) -> str:
    return request.build_absolute_uri(
        reverse(f"api:{name}", kwargs={"lang": language, "slug": slug})
    )


def _shown(shown: readers.ServedVersion) -> dict:
    return {"language": shown.language, "fallback": shown.fallback, "licence": licence()}


def licence() -> dict:
    return dict(settings.CONTENT_LICENCE)


def english_fingerprints(shown_items) -> dict[int, str]:
    """One query for a page of items: the fingerprint of each translation's English basis.
    Always exactly one (an id list of [0] when all are English), so an answer's query
    count does not depend on which languages its items happen to be in."""
    ids = {shown.version.english_version_id for shown in shown_items} - {None}
    rows = PublishedVersion.objects.filter(pk__in=sorted(ids) or [0])
    return dict(rows.values_list("pk", "fingerprint"))


def _receipt(request: HttpRequest, version, english: dict[int, str] | None) -> dict:
    if english is None:
        english = english_fingerprints([SimpleNamespace(version=version)])
    return {
        "fingerprint": version.fingerprint,
        "language": version.language,
        "approved": version.approved_at,
        "reviewed_by": version.reviewer_credit,
        "english_fingerprint": english.get(version.english_version_id),
        "status": "outdated" if version.outdated else "current",
        "verify_url": request.build_absolute_uri(
            reverse("api:verify", kwargs={"fingerprint": version.fingerprint})
        ),
    }


def _review(version) -> dict:
    return {
        "reviewed_by": version.reviewer_credit,
        "reviewed_by_language": version.reviewer_credit_language,
        "approved": version.approved_at,
        "first_published": getattr(version, "first_published", None) or version.approved_at,
        "next_review_due": version.next_review_due,
        "review_overdue": version.review_overdue,
        "outdated": version.outdated,
    }


def _topic_summary(request: HttpRequest, shown: readers.ServedVersion, english=None) -> dict:
    payload = shown.payload
    return {
        **_shown(shown),
        "slug": shown.key,
        "title": payload.get("title", ""),
        "summary": payload.get("summary", ""),
        "description": payload.get("description", ""),
        "audience": payload.get("audience", ""),
        "regions": list(payload.get("regions", [])),
        "url": _page_url(request, shown, "public:topic"),
        "api_url": _api_url(request, shown.requested, "topic", shown.key),
        "review": _review(shown.version),
        "receipt": _receipt(request, shown.version, english),
    }


def _topic(request: HttpRequest, shown: readers.ServedVersion) -> dict:
    payload = shown.payload
    return {
        **_topic_summary(request, shown),
        **{f"{name}_html": payload.get(f"{name}_html", "") for name in TOPIC_SECTIONS},
        "warning_signs": payload.get("warning_signs", []),
        "relief": payload.get("relief", []),
        "prevention": payload.get("prevention", []),
        "references": payload.get("references", []),
    }


def _region(request: HttpRequest, shown: readers.ServedVersion, english=None) -> dict:
    payload = shown.payload
    return {
        **_shown(shown),
        "slug": shown.key,
        "name": payload.get("name") or shown.key,
        "description": payload.get("description", ""),
        "notice_html": payload.get("notice_html", ""),
        "url": _page_url(request, shown, "public:region"),
        "api_url": _api_url(request, shown.requested, "region", shown.key),
        "receipt": _receipt(request, shown.version, english),
    }


def _not_found(request: HttpRequest, what: str, slug: str, language: str):
    """410 Gone for a withdrawn topic or region (its date and regions, never its text);
    404 for what was never published."""
    withdrawn = readers.withdrawal(what, slug, language)
    if withdrawn is None:
        return Status(404, {"detail": f"No such {what} is published."})
    return Status(
        410,
        {
            "detail": f"This {what} was withdrawn by the medical reviewers.",
            "withdrawn": withdrawn.withdrawn_at,
            "regions": [_api_url(request, language, "region", key) for key in withdrawn.regions],
        },
    )


# -- operations -------------------------------------------------------------------------

LangPath = Path(..., description="en, ru, es or ar: the language wanted.")
SlugPath = Path(..., pattern=SLUG, max_length=readers.MAX_SLUG_LENGTH)


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
        "items": [_topic_summary(request, shown, english) for shown in found.items],
    }


@api.get("/{lang}/topics/{slug}/", response={200: Topic, **ITEM_ERRORS}, url_name="topic")
@decorate_view(public_api)
def get_topic(request: HttpRequest, lang: Language = LangPath, slug: str = SlugPath):
    """One topic with everything its page shows: sections, when to get help, relief,
    prevention, references, who reviewed it and when."""
    page = readers.live_topic(slug, Language(lang).value)
    if page is None:
        return _not_found(request, "topic", slug, Language(lang).value)
    return _topic(request, page.shown)


@api.get("/{lang}/regions/", response={200: list[Region], **ERRORS}, url_name="regions")
@decorate_view(public_api)
def list_regions(request: HttpRequest, lang: Language = LangPath):
    """The live body regions, in the body map's order."""
    regions = readers.live_regions(Language(lang).value)
    english = english_fingerprints(regions)
    return [_region(request, shown, english) for shown in regions]


@api.get("/{lang}/regions/{slug}/", response={200: RegionDetail, **ITEM_ERRORS}, url_name="region")
@decorate_view(public_api)
def get_region(request: HttpRequest, lang: Language = LangPath, slug: str = SlugPath):
    """A body region, its notice and its live topics."""
    language = Language(lang).value
    page = readers.live_region(slug, language)
    if page is None:
        return _not_found(request, "region", slug, language)
    # The first page of the region's topics, as on its public page: a response must not
    # grow with the corpus (the topics endpoint pages through all of them).
    topics = readers.region_topics(slug, language).items
    english = english_fingerprints([page.shown, *topics])
    return {
        **_region(request, page.shown, english),
        "topics": [_topic_summary(request, shown, english) for shown in topics],
    }


@api.get("/{lang}/notices/", response={200: list[Notice], **ERRORS}, url_name="notices")
@decorate_view(public_api)
def list_notices(request: HttpRequest, lang: Language = LangPath):
    """The site notices: the disclaimer, the emergency notice with its list of numbers,
    and the short reviewed notices the pages show."""
    found = readers.site_notices(Language(lang).value).for_language(Language(lang).value)
    return [
        {
            **_shown(shown),
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


# The partners' operations (changes feed, verify, infobutton) on the same API.
from . import partners  # noqa: E402,F401
