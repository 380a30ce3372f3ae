"""schema.org JSON-LD for the public pages, built from the published snapshots only.

Topic pages are a MedicalWebPage (headline, dates, reviewer, publisher, citations,
breadcrumb), region pages a CollectionPage of their topics, the home page a WebSite with
a SearchAction. Every type and property is checked against the schema.org vocabulary by
tests/test_public_structured_data.py.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from . import readers

CONTEXT = "https://schema.org"


def script_text(data: dict) -> SafeString:
    """JSON for a <script> element: <, > and & escaped so the text cannot close the tag.
    Compact separators: no reader sees this text, and every byte counts against the
    topic page's weight limit (tests/test_public_corpus.py)."""
    text = json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    escaped = text.translate({ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"})
    return mark_safe(escaped)  # noqa: S308 - JSON with every HTML-significant character escaped


def _absolute(request: HttpRequest, view_name: str, kwargs: dict | None = None, *, language=None):
    with translation.override(language or translation.get_language()):
        return request.build_absolute_uri(reverse(view_name, kwargs=kwargs))


def publisher(request: HttpRequest) -> dict:
    """The site itself, in the page's language."""
    return {
        "@type": "Organization",
        "name": gettext("Spasms and cramps"),
        "url": _absolute(request, "public:home"),
    }


def _breadcrumb(trail: list[tuple[str, str]]) -> dict:
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": name, "item": url}
            for index, (name, url) in enumerate(trail, start=1)
        ],
    }


def _home_crumb(request: HttpRequest) -> tuple[str, str]:
    return gettext("Body regions"), _absolute(request, "public:home")


def home(request: HttpRequest) -> dict:
    search = _absolute(request, "public:search")
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": gettext("Spasms and cramps"),
        "url": _absolute(request, "public:home"),
        "inLanguage": translation.get_language(),
        "publisher": publisher(request),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }


def region(
    request: HttpRequest, shown: readers.ServedVersion, topics: list[readers.ServedVersion]
) -> dict:
    payload = shown.payload
    url = _absolute(request, "public:region", {"slug": shown.key}, language=shown.language)
    name = payload.get("name") or shown.key
    return {
        "@context": CONTEXT,
        "@type": "CollectionPage",
        "name": name,
        "description": payload.get("description", ""),
        "url": url,
        "inLanguage": shown.language,
        "publisher": publisher(request),
        "breadcrumb": _breadcrumb([_home_crumb(request), (name, url)]),
        "hasPart": [
            {
                "@type": "MedicalWebPage",
                "name": topic.payload.get("title", ""),
                "url": _absolute(request, "public:topic", {"slug": topic.key}),
                "inLanguage": topic.language,
            }
            for topic in topics
        ],
    }


def _citation(reference: dict) -> dict:
    citation: dict[str, Any] = {
        "@type": "CreativeWork",
        "name": reference.get("title", ""),
        "url": reference.get("url", ""),
        "inLanguage": reference.get("language", ""),
    }
    if reference.get("publisher"):
        citation["publisher"] = {"@type": "Organization", "name": reference["publisher"]}
    return {key: value for key, value in citation.items() if value}


# Who a topic is written for (its reviewed audience), in schema.org's free-text audienceType.
AUDIENCES = {
    "all": "patients and carers",
    "adults": "adult patients",
    "children": "parents and carers of children",
}
CODING_SYSTEMS = {"ICD10": "ICD-10", "SNOMED": "SNOMED-CT"}
# The page's sections as schema.org health aspects, where the topic has them.
ASPECTS = [
    ("symptoms_html", "https://schema.org/SymptomsHealthAspect"),
    ("causes_html", "https://schema.org/CausesHealthAspect"),
    ("warning_signs", "https://schema.org/SeeDoctorHealthAspect"),
    ("relief", "https://schema.org/TreatmentsHealthAspect"),
    ("prevention", "https://schema.org/PreventionHealthAspect"),
]


def _condition(title: str, codes: list[str]) -> dict:
    condition = {"@type": "MedicalCondition", "name": title}
    if codes:
        condition["code"] = [
            {
                "@type": "MedicalCode",
                "codeValue": code.partition(":")[2],
                "codingSystem": CODING_SYSTEMS.get(code.partition(":")[0], code.partition(":")[0]),
            }
            for code in codes
        ]
    return condition


def _aspects(payload: dict) -> list[str]:
    return [aspect for name, aspect in ASPECTS if payload.get(name)]


def topic(
    request: HttpRequest,
    shown: readers.ServedVersion,
    *,
    description: str,
    regions: list[readers.ServedVersion],
) -> dict:
    version, payload = shown.version, shown.payload
    title = payload.get("title", "")
    url = _absolute(request, "public:topic", {"slug": shown.key}, language=shown.language)
    trail = [_home_crumb(request)]
    if regions:
        first = regions[0]
        trail.append(
            (
                first.payload.get("name") or first.key,
                _absolute(request, "public:region", {"slug": first.key}),
            )
        )
    trail.append((title, url))
    published = getattr(version, "first_published", None) or version.approved_at
    data = {
        "@context": CONTEXT,
        "@type": "MedicalWebPage",
        "name": title,
        "headline": title,
        "description": description,
        "url": url,
        "inLanguage": shown.language,
        "datePublished": published.isoformat(),
        "dateModified": version.approved_at.isoformat(),
        "lastReviewed": version.approved_at.date().isoformat(),
        "reviewedBy": {"@type": "Person", "name": version.reviewer_credit},
        "publisher": publisher(request),
        "about": _condition(title, payload.get("clinical_codes", [])),
        "audience": {
            "@type": "PeopleAudience",
            "audienceType": AUDIENCES.get(payload.get("audience"), AUDIENCES["all"]),
        },
        "mainEntity": {"@type": "HealthTopicContent", "hasHealthAspect": _aspects(payload)},
        "citation": [_citation(reference) for reference in payload.get("references", [])],
        "breadcrumb": _breadcrumb(trail),
    }
    return {key: value for key, value in data.items() if value != []}
