"""What a published snapshot stores beside its payload: the fingerprint of the text a
reviewer approved, and what search reads of it (reviews.search_index): its plain
texts, folded as search compares them."""

from __future__ import annotations

import unicodedata
from typing import Any

from articles.hashing import fingerprint

from .rendering import html_to_text

__all__ = ["fingerprint", "fold", "plain_texts"]

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


def plain_texts(payload: dict[str, Any], *, skip: frozenset[str] = frozenset()) -> list[str]:
    """The texts of a payload a reader could search for, tags stripped; structure,
    addresses and the top-level fields named in `skip` left out. Fields in name order
    (a database may keep a JSON object's keys in another order than written)."""
    words: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for name, item in sorted(value.items()):
                if name not in _NOT_WORDS and not (value is payload and name in skip):
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            words.append(html_to_text(value).strip())

    walk(payload)
    return words
