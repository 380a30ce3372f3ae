"""The content rules (articles.content_checks, the one module the content tests use too)
applied to rows: at admin saves, and on the review page beside the diff.

The rules read a content-file-shaped mapping (`{field: {language: text}}`, parts as
lists); `entry_of` builds it from a version's source texts (registry.source_text or a
published version's `source`), one mapping per kind, so rows and files are checked by
the same code.

On a review page the version is checked in its own language, a translation beside the
approved English it is reviewed against (numbers are compared with that English, not
with an English draft). A finding is "new" when the last approved text of the same
language (live or since withdrawn) did not have it: approving a version with a new
blocking finding needs a typed reason, kept in the audit log with the findings. Known
findings stay listed, so nobody approves blind, but a re-review is not made to justify
again what a reviewer already approved (with its reason, in the log). Enforced in the
review admin, not in `workflow.approve`: set-up commands, the demo and the benchmark
approve the seed corpus whole, where the content fixes of issue 24 are still landing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from articles import content_checks
from articles.content_checks import Finding
from articles.languages import SOURCE_LANGUAGE, language_codes

from .diff import field_label
from .models import ContentKind, PublishedVersion
from .registry import Shape, registry


def rules() -> content_checks.Rules:
    return content_checks.load_rules(Path(settings.CONTENT_DIR))


def _merge(shape: Shape, texts: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """{language: source text} of one shape -> one entry with language tables."""
    first = next(iter(texts.values()))
    merged: dict[str, Any] = {}
    for name, value in first.items():
        if name in shape.text_fields:
            merged[name] = {
                language: text[name] for language, text in texts.items() if text.get(name)
            }
        elif not isinstance(value, list) or all(not isinstance(item, dict) for item in value):
            merged[name] = value
    return merged


def entry_of(kind: str, texts: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The content-file mapping of an item from its source texts per language."""
    adapter = registry[kind]
    texts = {language: text for language, text in texts.items() if text}
    if not texts:
        return {}
    entry = _merge(adapter.shape, texts)
    for part in adapter.parts:
        items = []
        count = max(len(text.get(part.name, [])) for text in texts.values())
        for index in range(count):
            items.append(
                _merge(
                    part.shape,
                    {
                        language: text[part.name][index]
                        for language, text in texts.items()
                        if index < len(text.get(part.name, []))
                    },
                )
            )
        entry[part.name] = items
    return entry


def check(kind: str, texts: Mapping[str, Mapping[str, Any]]) -> list[Finding]:
    entry = entry_of(kind, texts)
    if not entry:
        return []
    if kind == ContentKind.TOPIC:
        return content_checks.check_topic(entry, rules())
    return content_checks.check_entry(entry, rules())


def concerns(finding: Finding, language: str) -> bool:
    """Whether a finding is about `language` (its path ends with it) or about the item
    as a whole (references, required parts: no language in its path)."""
    last = finding.path.rsplit(".", 1)[-1]
    if last in language_codes():
        return last == language
    return True


def of_object(obj) -> list[Finding]:
    """Every finding of an edited item in every language (admin saves)."""
    adapter = registry.of(obj)
    obj = adapter.get(adapter.key_of(obj))  # with its parts, read once
    texts = {language: adapter.source_text(obj, language) for language in language_codes()}
    return check(adapter.kind, texts)


@dataclass(frozen=True)
class ShownFinding:
    """A finding as the review page lists it."""

    finding: Finding
    label: str
    new: bool

    @property
    def blocking(self) -> bool:
        return self.finding.severity == content_checks.BLOCKING


def _label(kind: str, path: str) -> str:
    base = path.rsplit(".", 1)[0] if path.rsplit(".", 1)[-1] in language_codes() else path
    try:
        return field_label(kind, base)
    except Exception:  # noqa: BLE001 - a path the models do not name is shown as it is
        return base


def for_review(
    kind: str, key: str, language: str, text: dict, english: PublishedVersion | None
) -> list[ShownFinding]:
    """The findings of a version under review in its language, each marked new when the
    last approved text of that language did not have it."""
    texts = {language: text}
    if language != SOURCE_LANGUAGE and english is not None:
        texts = {SOURCE_LANGUAGE: english.source, language: text}
    current = [finding for finding in check(kind, texts) if concerns(finding, language)]
    previous = (
        PublishedVersion.objects.filter(kind=kind, key=key, language=language)
        .select_related("english_version")
        .order_by("-approved_at")
        .first()
    )
    known: set[tuple[str, str]] = set()
    if previous is not None:
        before = {language: previous.source}
        if language != SOURCE_LANGUAGE and previous.english_version is not None:
            before = {SOURCE_LANGUAGE: previous.english_version.source, language: previous.source}
        known = {(finding.code, finding.path) for finding in check(kind, before)}
    return [
        ShownFinding(finding, _label(kind, finding.path), (finding.code, finding.path) not in known)
        for finding in current
    ]
