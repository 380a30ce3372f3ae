"""The topic page: everything it shows of one published topic, in named parts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

from articles.languages import SOURCE_LANGUAGE
from reviews.models import ContentKind
from search import alphabet

from .. import feedback, labels, readers, seo, structured_data
from .common import language_links, language_name, public_page, reverse_in
from .errors import gone_or_not_found


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


def _topic_regions(payload: dict, language: str) -> list[dict]:
    """The body regions the topic belongs to that are live in `language`, in its order."""
    regions = readers.regions_by_slug(payload.get("regions", []), language)
    return [
        {"shown": regions[key], "url": reverse("public:region", kwargs={"slug": key})}
        for key in payload.get("regions", [])
        if key in regions
    ]


def _related(payload: dict, slug: str, language: str) -> list[dict]:
    """The related topics live in `language`, in the language's alphabetical order."""
    related = sorted(
        readers.related_topics(
            [key for key in payload.get("related", []) if key != slug], language
        ),
        key=lambda item: alphabet.sort_key(item.title_text, language),
    )
    return [
        {"shown": item, "url": reverse("public:topic", kwargs={"slug": item.key})}
        for item in related
    ]


def _reviewed_line(shown: readers.ServedVersion, frame: dict) -> str:
    """ "Reviewed by … on …, next review due …", in the article's language."""
    version = shown.version
    with translation.override(shown.language):
        return frame["reviewed_by"].fill(
            credit=version.reviewer_credit_html,
            approved=date_format(version.approved_at, "DATE_FORMAT"),
            due=date_format(version.next_review_due, "DATE_FORMAT"),
        )


def _care_cards(payload: dict, frame: dict) -> dict:
    """The warning and relief groups, the exercises and the labels they are shown with."""
    return {
        "warning_groups": labels.warning_groups(payload, frame),
        "relief_groups": labels.relief_groups(payload, frame),
        "exercises": labels.exercises(payload),
        "kind_tags": labels.kind_tags(frame),
        "exercise_heading": labels.EXERCISE.label,
        "do_now_heading": labels.DO_NOW_HEADING,
    }


def topic_context(
    request: HttpRequest, shown: readers.ServedVersion, published_in: list[str]
) -> dict:
    """Everything `public/topic.html` shows of `shown`: the public topic page, and the
    review page's preview of a version before its approval (public.preview)."""
    language = translation.get_language()
    slug = shown.key
    payload = shown.payload
    notices = readers.site_notices(language, also=shown.language)
    topic_regions = _topic_regions(payload, language)
    content_url = reverse_in(shown.language, "public:topic", {"slug": slug})
    related = _related(payload, slug, language)
    sections = labels.topic_sections(payload)
    description = seo.meta_description(payload.get("description"), payload.get("summary"))
    # Frame texts inside the article are in the article's language; notices about the
    # page (not translated yet) in the visitor's.
    frame = notices.frame(shown.language)
    return {
        "notices": notices,
        "topic": shown,
        "payload": payload,
        # The emergency number inside the content, in the content's own language.
        "content_emergency": notices.for_language(shown.language).get("emergency"),
        "topic_regions": topic_regions,
        "related": related,
        "sections": sections,
        "contents": labels.page_contents(payload, sections),
        "meta_description": description,
        "frame": frame,
        "reviewed_line": _reviewed_line(shown, frame),
        "not_translated": notices.here["not_translated"].fill(language=language_name(language)),
        **_care_cards(payload, frame),
        "language_name": language_name(language),
        "source_language": SOURCE_LANGUAGE,
        "english_url": reverse_in(SOURCE_LANGUAGE, "public:topic", {"slug": slug}),
        "canonical": request.build_absolute_uri(content_url),
        "json_ld": structured_data.script_text(
            structured_data.topic(
                request,
                shown,
                description=description,
                regions=[region["shown"] for region in topic_regions],
            )
        ),
        **language_links(request, "public:topic", {"slug": slug}, published_in=published_in),
    }
