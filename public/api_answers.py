"""The content API's answers built from published snapshots (`public.readers`' served
versions): summaries, whole topics, regions, and 404 or 410 for what is not live.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from ninja import Status

from . import readers
from .api_schemas import TOPIC_SECTIONS
from .receipts import licence, receipt


def _page_url(request: HttpRequest, shown: readers.ServedVersion, view_name: str) -> str:
    with translation.override(shown.language):
        return request.build_absolute_uri(reverse(view_name, kwargs={"slug": shown.key}))


def _api_url(request: HttpRequest, language: str, name: str, slug: str) -> str:
    return request.build_absolute_uri(
        reverse(f"api:{name}", kwargs={"lang": language, "slug": slug})
    )


def served(shown: readers.ServedVersion) -> dict:
    return {"language": shown.language, "fallback": shown.fallback, "licence": licence()}


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


def topic_summary(request: HttpRequest, shown: readers.ServedVersion, english=None) -> dict:
    payload = shown.payload
    return {
        **served(shown),
        "slug": shown.key,
        "title": payload.get("title", ""),
        "summary": payload.get("summary", ""),
        "description": payload.get("description", ""),
        "audience": payload.get("audience", ""),
        "regions": list(payload.get("regions", [])),
        "url": _page_url(request, shown, "public:topic"),
        "api_url": _api_url(request, shown.requested, "topic", shown.key),
        "review": _review(shown.version),
        "receipt": receipt(request, shown.version, english),
    }


def topic_answer(request: HttpRequest, shown: readers.ServedVersion) -> dict:
    payload = shown.payload
    return {
        **topic_summary(request, shown),
        **{f"{name}_html": payload.get(f"{name}_html", "") for name in TOPIC_SECTIONS},
        "warning_signs": payload.get("warning_signs", []),
        "relief": payload.get("relief", []),
        "prevention": payload.get("prevention", []),
        "references": payload.get("references", []),
    }


def region_answer(request: HttpRequest, shown: readers.ServedVersion, english=None) -> dict:
    payload = shown.payload
    return {
        **served(shown),
        "slug": shown.key,
        "name": payload.get("name") or shown.key,
        "description": payload.get("description", ""),
        "notice_html": payload.get("notice_html", ""),
        "url": _page_url(request, shown, "public:region"),
        "api_url": _api_url(request, shown.requested, "region", shown.key),
        "receipt": receipt(request, shown.version, english),
    }


def not_found(request: HttpRequest, what: str, slug: str, language: str):
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
