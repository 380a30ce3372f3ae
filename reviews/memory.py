"""The site's translation memory: English text that already has an approved translation.

Built from the live translations of one language, each paired with the English it was
approved against (its snapshot's `english_version`), field by field: a whole field, and,
where the English and the translation have the same number of sentences, each sentence.
Those pairs are what a reviewer approved together, so a match is a reviewed rendering;
it is offered (in the change form, and as an XLIFF `<alt-trans>`), never written into a
translation: the translator takes it or not.

Held translations are left out (their English red flags changed); structure shared by
every language (urgencies, references) is left out because its value is the same in
English and in the translation.

The memory of a language is read once per `Memory` (one per change form or export), in
one query: a few hundred pairs per language at the seed corpus. A cache across requests
would need the publication generation as its key (ids alone can repeat after a rollback).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .diff import flatten
from .models import PublishedVersion

SENTENCE_END = re.compile(r"(?<=[.!?؟。])\s+")


@dataclass(frozen=True)
class Match:
    english: str
    translation: str
    kind: str
    key: str
    path: str

    @property
    def origin(self) -> tuple[str, str, str]:
        return (self.kind, self.key, self.path)


def sentences(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE_END.split(text.strip()) if part.strip()]


def _pairs(language: str) -> dict[str, list[Match]]:
    live = PublishedVersion.objects.live(language).exclude(english_version=None)
    pairs: dict[str, list[Match]] = {}
    rows = live.order_by("kind", "key").values_list(
        "kind", "key", "source", "english_version__source"
    )
    for kind, key, source, english_source in rows:
        english_flat = flatten(english_source or {})
        for path, translation in flatten(source or {}).items():
            english = english_flat.get(path, "")
            if not english or not translation or english == translation:
                continue
            pairs.setdefault(english.strip(), []).append(
                Match(english.strip(), translation.strip(), kind, key, path)
            )
            english_parts, translated_parts = sentences(english), sentences(translation)
            if len(english_parts) > 1 and len(english_parts) == len(translated_parts):
                for en, tr in zip(english_parts, translated_parts, strict=True):
                    if en != tr:
                        pairs.setdefault(en, []).append(Match(en, tr, kind, key, path))
    return pairs


class Memory:
    """Approved translations into one language, looked up by their English."""

    def __init__(self, language: str):
        self.language = language

    @cached_property
    def pairs(self) -> dict[str, list[Match]]:
        return _pairs(self.language)

    def match(self, english: str, *, exclude: tuple[str, str, str] | None = None) -> Match | None:
        """An approved translation of exactly `english` elsewhere (not at `exclude`)."""
        for found in self.pairs.get(english.strip(), []):
            if found.origin != exclude:
                return found
        return None

    def sentence_matches(
        self, english: str, *, exclude: tuple[str, str, str] | None = None
    ) -> list[Match]:
        """For a field of several sentences, the approved translation of each sentence
        that has one (the whole field's match, if any, is `match`)."""
        parts = sentences(english)
        if len(parts) < 2:
            return []
        found = []
        for sentence in parts:
            match = self.match(sentence, exclude=exclude)
            if match is not None:
                found.append(match)
        return found
