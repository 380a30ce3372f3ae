"""One language version of a topic, region or notice, as text and as a frozen snapshot.

`source_text` is what a reviewer reads and what the fingerprint covers; `render` turns
it into the sanitized HTML the public sees. Rendering happens once, at approval.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from typing import Any

import markdown
import nh3
from django.db.models import Model

from articles.languages import SOURCE_LANGUAGE
from articles.models import Article, BodyRegion, SiteNotice, WarningSign

from .models import ContentKind

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "b", "i", "br", "a", "blockquote"}
TOPIC_SECTIONS = ("what_it_is", "symptoms", "causes", "risk_factors")
MODELS = {
    ContentKind.TOPIC: Article,
    ContentKind.REGION: BodyRegion,
    ContentKind.NOTICE: SiteNotice,
}


def kind_of(obj: Model) -> str:
    for kind, model in MODELS.items():
        if isinstance(obj, model):
            return kind
    raise TypeError(f"{type(obj).__name__} is not reviewed content")


def key_of(obj: Model) -> str:
    return obj.key if isinstance(obj, SiteNotice) else obj.slug


def with_parts(queryset):
    """Topics with every part a language version reads, fetched once for all languages."""
    if queryset.model is Article:
        return queryset.prefetch_related(
            "regions", "sources", "warning_signs", "relief_measures", "prevention_tips"
        )
    return queryset


def get_object(kind: str, key: str) -> Model:
    model = MODELS[ContentKind(kind)]
    lookup = {"key": key} if model is SiteNotice else {"slug": key}
    return with_parts(model.objects.all()).get(**lookup)


def _text(obj: Model, field: str, language: str) -> str:
    return (getattr(obj, f"{field}_{language}", "") or "").strip()


def source_text(obj: Model, language: str) -> dict[str, Any]:
    """The raw text of one language version, with the structure every language shares."""
    if isinstance(obj, SiteNotice):
        return {"text": _text(obj, "text", language)}
    if isinstance(obj, BodyRegion):
        return {name: _text(obj, name, language) for name in ("name", "description", "notice")}
    return {
        "audience": obj.audience,
        "regions": sorted(region.slug for region in obj.regions.all()),
        "sources": sorted(source.name for source in obj.sources.all()),
        **{name: _text(obj, name, language) for name in ("title", "summary", *TOPIC_SECTIONS)},
        "warning_signs": [
            {"urgency": sign.urgency, "text": _text(sign, "text", language)}
            for sign in obj.warning_signs.all()
        ],
        "relief": [
            {
                "kind": measure.kind,
                "title": _text(measure, "title", language),
                "how_to": _text(measure, "how_to", language),
                "caution": _text(measure, "caution", language),
            }
            for measure in obj.relief_measures.all()
        ],
        "prevention": [
            {"title": _text(tip, "title", language), "text": _text(tip, "text", language)}
            for tip in obj.prevention_tips.all()
        ],
    }


def fingerprint(text: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(text, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# Fields whose value is structure, not words: the same in every language.
_STRUCTURE = {"audience", "regions", "sources", "urgency", "kind"}


def missing_texts(obj: Model, language: str) -> list[str]:
    """Field paths that are empty in `language` but not in English (or required in English).

    A language version must be complete before it can be submitted or approved; otherwise
    the public page would have holes or, worse, be filled with another language.
    """
    english = source_text(obj, SOURCE_LANGUAGE)
    text = english if language == SOURCE_LANGUAGE else source_text(obj, language)
    missing: list[str] = []

    def walk(reference: Any, value: Any, path: str) -> None:
        if isinstance(reference, dict):
            for name, item in reference.items():
                if name not in _STRUCTURE:
                    walk(item, value.get(name, ""), f"{path}.{name}" if path else name)
        elif isinstance(reference, list):
            for index, item in enumerate(reference):
                walk(item, value[index] if index < len(value) else {}, f"{path}[{index}]")
        elif reference and not value:
            missing.append(path)

    walk(english, text, "")
    required = {ContentKind.TOPIC: ("title", "summary"), ContentKind.REGION: ("name",)}
    for name in required.get(kind_of(obj), ("text",)):
        if not english.get(name):
            missing.append(f"{name} (English)")
    return missing


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def _separate_lists(text: str) -> str:
    """Editors write a list straight under a sentence; Markdown wants a blank line first."""
    lines = text.splitlines()
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        if _LIST_ITEM.match(line) and previous.strip() and not _LIST_ITEM.match(previous):
            out.append("")
        out.append(line)
    return "\n".join(out)


def markdown_html(text: str) -> str:
    if not text:
        return ""
    rendered = markdown.markdown(
        _separate_lists(text), extensions=["sane_lists"], output_format="html"
    )
    return nh3.clean(rendered, tags=ALLOWED_TAGS, attributes={"a": {"href"}}, link_rel="nofollow")


def plain(text: str) -> str:
    """A one-line text (titles, summaries): markup stripped, stored as real characters.

    nh3 returns HTML, with &, < and > as entities; templates escape on output, so the
    entities are turned back into characters here to avoid "&amp;amp;" on the page.
    """
    return html.unescape(nh3.clean(text, tags=set())).strip()


def render(obj: Model, language: str, text: dict[str, Any] | None = None) -> dict[str, Any]:
    """The published payload: sanitized HTML and plain strings, nothing left to render."""
    text = text if text is not None else source_text(obj, language)
    if isinstance(obj, SiteNotice):
        return {"html": markdown_html(text["text"])}
    if isinstance(obj, BodyRegion):
        return {
            "name": plain(text["name"]),
            "description_html": markdown_html(text["description"]),
            "notice_html": markdown_html(text["notice"]),
        }
    rank = WarningSign.URGENCY_RANK
    return {
        "title": plain(text["title"]),
        "summary": plain(text["summary"]),
        "audience": text["audience"],
        "regions": text["regions"],
        "sources": [plain(name) for name in text["sources"]],
        "sections": [
            {"key": name, "html": markdown_html(text[name])}
            for name in TOPIC_SECTIONS
            if text[name]
        ],
        "warning_signs": [
            {"urgency": sign["urgency"], "html": markdown_html(sign["text"])}
            for sign in sorted(text["warning_signs"], key=lambda sign: rank[sign["urgency"]])
        ],
        "relief": [
            {
                "kind": measure["kind"],
                "title": plain(measure["title"]),
                "how_to_html": markdown_html(measure["how_to"]),
                "caution_html": markdown_html(measure["caution"]),
            }
            for measure in text["relief"]
        ],
        "prevention": [
            {"title": plain(tip["title"]), "html": markdown_html(tip["text"])}
            for tip in text["prevention"]
        ],
    }


def fold(text: str) -> str:
    """Text as search compares it: case, accents, Arabic vowel marks and hamza forms,
    and ё/е do not matter. The stored search text and the query words both go
    through this, so they always agree."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(
        char for char in decomposed if not unicodedata.combining(char) and char != "\u0640"
    )
    return unicodedata.normalize("NFC", kept)


def search_text(payload: dict[str, Any]) -> str:
    """Every word of a payload, tags stripped and folded (see `fold`), for simple search."""
    words: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                if name not in _STRUCTURE and name not in ("key", "regions", "sources"):
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            words.append(html.unescape(re.sub(r"<[^>]+>", " ", value)))

    walk(payload)
    return fold(" ".join(" ".join(words).split()))
