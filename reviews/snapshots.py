"""What a published snapshot stores beside its payload: the fingerprint of the text a
reviewer approved and the folded words search compares against."""

from __future__ import annotations

import unicodedata
from typing import Any

from articles.hashing import fingerprint

from .rendering import html_to_text

__all__ = ["fingerprint", "fold", "search_text"]

# Payload values that are structure or addresses, not words a reader searches for.
_NOT_WORDS = {
    "audience",
    "regions",
    "references",
    "urgency",
    "kind",
    "url",
    "language",
    "checked",
    "key",
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
    """Every word of a payload, tags stripped and folded (see `fold`)."""
    words: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                if name not in _NOT_WORDS:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            words.append(html_to_text(value))

    walk(payload)
    return fold(" ".join(" ".join(words).split()))
