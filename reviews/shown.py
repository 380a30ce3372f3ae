"""What a review page showed: the fingerprints an approval names, so that nothing is
published when the text (or the approved English beside a translation) changed since."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from articles.hashing import fingerprint
from articles.languages import SOURCE_LANGUAGE

from .batch import Loaded
from .models import LanguageVersion, PublishedVersion


@dataclass(frozen=True)
class ShownText:
    """What a review page showed: the fingerprint of the version's text and, for a
    translation, of the approved English it was shown beside. An approval names it."""

    fingerprint: str
    english_fingerprint: str = ""


def as_shown(version: LanguageVersion) -> ShownText:
    """What a review page of `version` shows now (its fingerprints), for the approval."""
    return shown_many([version])[0]


def shown_many(versions: Sequence[LanguageVersion]) -> list[ShownText]:
    """`as_shown` of several versions, reading each item once."""
    loaded = Loaded((version.kind, version.key) for version in versions)
    shown = []
    for version in versions:
        english = None
        if version.language != SOURCE_LANGUAGE:
            english = loaded.live.get((version.kind, version.key, SOURCE_LANGUAGE))
        shown.append(shown_text(loaded.text(version), english))
    return shown


def shown_text(text: dict, english: PublishedVersion | None) -> ShownText:
    """What a page that shows `text` (a translation beside the live `english`) names
    when it is approved: a review page takes it from the very text it displays."""
    return ShownText(fingerprint(text), english.fingerprint if english else "")
