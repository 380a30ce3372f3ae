"""The public site. Every view reads live published snapshots through `public.readers`
(never the editable content rows) and runs a fixed number of queries."""

from __future__ import annotations

import logging
import unicodedata

from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from articles.languages import SOURCE_LANGUAGE, direction, language_codes
from reviews.models import ContentKind
from search import index as search_index

from . import alphabet, body_map, feedback, labels, pagination, readers, seo, structured_data
from . import emergency as emergency_numbers_for

logger = logging.getLogger(__name__)

# Public pages are the same for every visitor of a URL (the language is in the URL), so
# caches (browsers, a CDN) may keep one, for a minute at most: an approval or a
# withdrawal reaches every visitor within that time. ConditionalGetMiddleware adds the
# ETag that makes revalidation cheap.
PUBLIC_MAX_AGE = 60
public_page = cache_control(public=True, max_age=PUBLIC_MAX_AGE)

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8


# -- shared page parts ------------------------------------------------------------------


def _reverse_in(language: str, view_name: str, kwargs: dict | None = None) -> str:
    with translation.override(language):
        return reverse(view_name, kwargs=kwargs)


def _language_links(
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
        url = _reverse_in(code, view_name, kwargs) + query
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
        default = _reverse_in(SOURCE_LANGUAGE, view_name, kwargs) + query
        alternates.append({"hreflang": "x-default", "url": request.build_absolute_uri(default)})
    return {"language_links": switcher, "alternates": alternates}


def _language_name(code: str) -> str:
    return translation.gettext(translation.get_language_info(code)["name"])


# -- pages ------------------------------------------------------------------------------


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    regions = [
        {
            "slug": shown.key,
            "url": reverse("public:region", kwargs={"slug": shown.key}),
            "name": shown.payload.get("name") or shown.key,
            "shown": shown,
        }
        for shown in readers.live_regions(language)
    ]
    map_regions = {region["slug"]: region for region in regions}
    context = {
        "notices": readers.site_notices(language),
        "full_emergency_notice": True,
        "regions": regions,
        "map_regions": map_regions,
        "body_map": body_map.layout(map_regions, rtl=translation.get_language_bidi()),
        "canonical": request.build_absolute_uri(reverse("public:home")),
        "json_ld": structured_data.script_text(structured_data.home(request)),
        **_language_links(request),
    }
    return render(request, "public/home.html", context)


@require_safe
@public_page
def region(request: HttpRequest, slug: str) -> HttpResponse:
    language = translation.get_language()
    number = pagination.requested_page(request)
    page = readers.live_region(slug, language)
    if page is None:
        return gone_or_not_found(request, ContentKind.REGION, slug)
    context = region_context(request, page.shown, page.languages, number)
    return render(request, "public/region.html", context)


def region_context(
    request: HttpRequest, shown: readers.ServedVersion, published_in: list[str], number: int = 1
) -> dict:
    """Everything `public/region.html` shows of `shown` and page `number` of its topics:
    the public region page, and the review page's preview (public.preview)."""
    language = translation.get_language()
    slug = shown.key
    topics_page = readers.region_topics(slug, language, number)
    topics_page.check_exists()
    topics = [
        {"shown": item, "url": reverse("public:topic", kwargs={"slug": item.key})}
        for item in topics_page.items
    ]
    # Each page of the list is its own page (canonical and alternates name its number).
    page_query = pagination.page_query(number)
    return {
        "notices": readers.site_notices(language),
        "region": shown,
        "topics": topics,
        **pagination.links(topics_page, request.path),
        "language_name": _language_name(language),
        "meta_description": seo.meta_description(shown.payload.get("description")),
        "json_ld": structured_data.script_text(
            structured_data.region(request, shown, topics_page.items)
        ),
        "canonical": request.build_absolute_uri(
            _reverse_in(shown.language, "public:region", {"slug": slug}) + page_query
        ),
        **_language_links(
            request,
            "public:region",
            {"slug": slug},
            published_in=published_in,
            query=page_query,
        ),
    }


@require_safe
@public_page
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    language = translation.get_language()
    page = readers.live_topic(slug, language)
    if page is None:
        return gone_or_not_found(request, ContentKind.TOPIC, slug)
    context = topic_context(request, page.shown, page.languages)
    # "Is this page useful?": the same form for every visitor (public.feedback).
    context["feedback"] = feedback.form_context(slug, language, page.shown.version.pk)
    return render(request, "public/topic.html", context)


def topic_context(
    request: HttpRequest, shown: readers.ServedVersion, published_in: list[str]
) -> dict:
    """Everything `public/topic.html` shows of `shown`: the public topic page, and the
    review page's preview of a version before its approval (public.preview)."""
    language = translation.get_language()
    slug = shown.key
    payload = shown.payload
    notices = readers.site_notices(language, also=shown.language)
    regions = readers.regions_by_slug(payload.get("regions", []), language)
    topic_regions = [
        {"shown": regions[key], "url": reverse("public:region", kwargs={"slug": key})}
        for key in payload.get("regions", [])
        if key in regions
    ]
    content_url = _reverse_in(shown.language, "public:topic", {"slug": slug})
    related = sorted(
        readers.related_topics(
            [key for key in payload.get("related", []) if key != slug], language
        ),
        key=lambda item: alphabet.sort_key(item.title_text, language),
    )
    sections = labels.topic_sections(payload)
    description = seo.meta_description(payload.get("description"), payload.get("summary"))
    # Frame texts inside the article are in the article's language; notices about the
    # page (not translated yet) in the visitor's.
    frame = notices.frame(shown.language)
    version = shown.version
    with translation.override(shown.language):
        reviewed_line = frame["reviewed_by"].fill(
            credit=version.reviewer_credit_html,
            approved=date_format(version.approved_at, "DATE_FORMAT"),
            due=date_format(version.next_review_due, "DATE_FORMAT"),
        )
    return {
        "notices": notices,
        "topic": shown,
        "payload": payload,
        # The emergency number inside the content, in the content's own language.
        "content_emergency": notices.for_language(shown.language).get("emergency"),
        "topic_regions": topic_regions,
        "related": [
            {"shown": item, "url": reverse("public:topic", kwargs={"slug": item.key})}
            for item in related
        ],
        "sections": sections,
        "contents": labels.page_contents(payload, sections),
        "meta_description": description,
        "frame": frame,
        "reviewed_line": reviewed_line,
        "not_translated": notices.here["not_translated"].fill(language=_language_name(language)),
        "warning_groups": labels.warning_groups(payload, frame),
        "relief_groups": labels.relief_groups(payload, frame),
        "exercises": labels.exercises(payload),
        "kind_tags": labels.kind_tags(frame),
        "exercise_heading": labels.EXERCISE.label,
        "do_now_heading": labels.DO_NOW_HEADING,
        "language_name": _language_name(language),
        "source_language": SOURCE_LANGUAGE,
        "english_url": _reverse_in(SOURCE_LANGUAGE, "public:topic", {"slug": slug}),
        "canonical": request.build_absolute_uri(content_url),
        "json_ld": structured_data.script_text(
            structured_data.topic(
                request,
                shown,
                description=description,
                regions=[region["shown"] for region in topic_regions],
            )
        ),
        **_language_links(request, "public:topic", {"slug": slug}, published_in=published_in),
    }


@require_safe
@public_page
def emergency_numbers(request: HttpRequest) -> HttpResponse:
    """The numbers to call, by country, as the reviewed emergency notice lists them."""
    language = translation.get_language()
    notices = readers.site_notices(language)
    emergency = notices.emergency
    numbers = emergency.payload.get("numbers", []) if emergency else []
    context = {
        "notices": notices,
        "full_emergency_notice": True,
        "emergency": emergency,
        # The reader's language's countries first (public.emergency).
        "countries": emergency_numbers_for.ordered_for(numbers, language),
        "canonical": request.build_absolute_uri(reverse("public:emergency_numbers")),
        **_language_links(request, "public:emergency_numbers"),
    }
    return render(request, "public/emergency_numbers.html", context)


@require_safe
@public_page
def a_to_z(request: HttpRequest) -> HttpResponse:
    """Every live topic in the language's alphabetical order (public.alphabet), grouped by
    initial letter, PER_PAGE a page, with an index of the letters linking to the page
    each starts on. Two queries (notices, the titles), whatever the page."""
    language = translation.get_language()
    number = pagination.requested_page(request)
    listed = sorted(
        readers.listed_topics(language), key=lambda item: alphabet.sort_key(item.title, language)
    )
    start = pagination.offset(number)
    page = pagination.Paged(listed[start : start + pagination.PER_PAGE], number, len(listed))
    page.check_exists()
    # The letters index: each initial, the page it starts on.
    starts: dict[str, int] = {}
    for index, item in enumerate(listed):
        starts.setdefault(alphabet.initial(item.title, language), index // pagination.PER_PAGE + 1)
    path = request.path
    letters = [
        {
            "letter": letter,
            "anchor": f"letter-{position}",
            "url": path + pagination.page_query(starts[letter]) + f"#letter-{position}",
        }
        for position, letter in enumerate(starts)
    ]
    anchors = {entry["letter"]: entry["anchor"] for entry in letters}
    groups: list[dict] = []
    for item in page.items:
        letter = alphabet.initial(item.title, language)
        if not groups or groups[-1]["letter"] != letter:
            groups.append({"letter": letter, "anchor": anchors[letter], "topics": []})
        groups[-1]["topics"].append(
            {"item": item, "url": reverse("public:topic", kwargs={"slug": item.key})}
        )
    page_query = pagination.page_query(number)
    context = {
        "notices": readers.site_notices(language),
        "letters": letters,
        "groups": groups,
        "topic_count": len(listed),
        "language_name": _language_name(language),
        **pagination.links(page, path),
        "canonical": request.build_absolute_uri(path + page_query),
        **_language_links(request, "public:a_to_z", query=page_query),
    }
    return render(request, "public/a_to_z.html", context)


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
        **pagination.links(results.page if results else None, request.path, kept),
        **_language_links(request, "public:search", query=pagination.page_query(number, kept)),
    }


@require_safe
@public_page
def search(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    context = {
        "notices": readers.site_notices(language),
        "max_length": MAX_QUERY_LENGTH,
        "language_name": _language_name(language),
        **_search_context(request, language),
    }
    results = context["results"]
    if results and results.in_english:
        # Offered in English: they link to the English pages they were found in.
        context["in_english"] = [
            {
                "shown": shown,
                "url": _reverse_in(SOURCE_LANGUAGE, "public:topic", {"slug": shown.key}),
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


# -- error pages ------------------------------------------------------------------------


def _error_context(request: HttpRequest) -> dict:
    """Notices and language links for an error page; plain UI-string fallbacks when the
    database cannot be read (the templates show them when `notices` is None)."""
    try:
        notices = readers.site_notices(translation.get_language())
    except DatabaseError:
        logger.exception("Site notices unavailable for an error page")
        notices = None
    return {"notices": notices, **_language_links(request), "alternates": []}


def gone_or_not_found(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """410 Gone for a withdrawn topic or region, naming the date and the regions to look
    in instead (never the withdrawn text); 404 for an address that never was published."""
    language = translation.get_language()
    withdrawn = readers.withdrawal(kind, slug, language)
    if withdrawn is None:
        raise Http404("Nothing was published here")
    regions = readers.regions_by_slug(withdrawn.regions, language)
    context = {
        **_error_context(request),
        "withdrawn_at": withdrawn.withdrawn_at,
        "regions": [
            {"shown": regions[key], "url": reverse("public:region", kwargs={"slug": key})}
            for key in withdrawn.regions
            if key in regions
        ],
    }
    return render(request, "410.html", context, status=410)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", _error_context(request), status=404)


# Last resort when even the 500 template cannot render: no database, no template engine.
# Its own text is English, whatever the site's languages.
FALLBACK_500 = """<!doctype html>
<html lang=en dir=ltr><head><meta charset="utf-8"><title>Server error</title></head>
<body><main><h1>Sorry, something went wrong</h1>
<p>Please try again in a few minutes.</p></main>
<p><strong>In an emergency, call your local emergency number now.</strong></p>
<p>This site gives general health information. It is not a diagnosis and not a substitute
for a doctor.</p></body></html>"""


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        context = _error_context(request)
    except Exception:  # an error page must not fail
        logger.exception("Error page context failed")
        context = {"notices": None}
    try:
        return HttpResponseServerError(render_to_string("500.html", context, request=request))
    except Exception:
        logger.exception("The 500 template failed to render")
        return HttpResponseServerError(FALLBACK_500)


# -- machine-readable -------------------------------------------------------------------


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /admin/"]
    lines += [f"Disallow: {_reverse_in(code, 'public:search')}" for code in language_codes()]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
