"""The home page with its body map, the region pages and the emergency numbers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from reviews.models import ContentKind

from .. import body_map, pagination, readers, seo, structured_data
from .. import emergency as emergency_numbers_for
from .common import language_links, language_name, public_page, reverse_in
from .errors import gone_or_not_found


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
        **language_links(request),
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
        "language_name": language_name(language),
        "meta_description": seo.meta_description(shown.payload.get("description")),
        "json_ld": structured_data.script_text(
            structured_data.region(request, shown, topics_page.items)
        ),
        "canonical": request.build_absolute_uri(
            reverse_in(shown.language, "public:region", {"slug": slug}) + page_query
        ),
        **language_links(
            request,
            "public:region",
            {"slug": slug},
            published_in=published_in,
            query=page_query,
        ),
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
        **language_links(request, "public:emergency_numbers"),
    }
    return render(request, "public/emergency_numbers.html", context)
