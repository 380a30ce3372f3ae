"""Translation coverage per language: interface strings and topics.

The topic figures are counted from the same records the public site reads, so the
dashboard and `translation_status` agree with what visitors see.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import polib
from django.conf import settings

from articles.languages import SOURCE_LANGUAGE
from articles.models import Article

from .models import ContentKind, LanguageVersion, PublishedVersion
from .registry import registry


@dataclass
class LanguageCoverage:
    code: str
    name: str
    strings_translated: int
    strings_total: int
    topics_total: int
    translated: int  # text complete in this language (editable rows)
    submitted: int  # waiting for medical review
    approved: int  # a live published version, whether outdated or not
    outdated: int  # live, but approved against an older English version
    missing: int  # no live version: the public sees English (or nothing, for English)

    def as_dict(self) -> dict:
        return asdict(self)


def catalogue_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def string_counts(language: str) -> tuple[int, int]:
    """(translated, total) interface strings; the source language is complete by definition."""
    if language == SOURCE_LANGUAGE:
        return (0, 0)
    path = catalogue_path(language)
    if not path.exists():
        return (0, 0)
    catalogue = polib.pofile(str(path))
    entries = [entry for entry in catalogue if not entry.obsolete]
    translated = [entry for entry in entries if entry.translated()]
    return (len(translated), len(entries))


def coverage() -> list[LanguageCoverage]:
    topics = registry.for_model(Article)
    articles = list(topics.objects())
    live = PublishedVersion.objects.topics().values_list("language", "key", "outdated")
    live_keys: dict[str, set[str]] = {}
    outdated: dict[str, int] = {}
    for language, key, is_outdated in live:
        live_keys.setdefault(language, set()).add(key)
        outdated[language] = outdated.get(language, 0) + int(is_outdated)
    submitted = LanguageVersion.objects.filter(
        kind=ContentKind.TOPIC, status=LanguageVersion.Status.SUBMITTED
    )
    waiting: dict[str, int] = {}
    for language in submitted.values_list("language", flat=True):
        waiting[language] = waiting.get(language, 0) + 1

    rows = []
    for code, name in settings.LANGUAGES:
        strings_translated, strings_total = string_counts(code)
        published = live_keys.get(code, set())
        rows.append(
            LanguageCoverage(
                code=code,
                name=str(name),
                strings_translated=strings_translated,
                strings_total=strings_total,
                topics_total=len(articles),
                translated=sum(
                    1 for article in articles if not topics.missing_texts(article, code)
                ),
                submitted=waiting.get(code, 0),
                approved=len(published),
                outdated=outdated.get(code, 0),
                missing=sum(1 for article in articles if article.slug not in published),
            )
        )
    return rows
