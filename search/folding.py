"""Search folding: what search reads of a published snapshot (search.index), its plain
texts, folded as search compares them. Lists sort by the same folded title
(PublishedVersion.sort_title), so the review workflow folds with this module too."""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

__all__ = ["fold", "html_to_text", "plain_texts"]

# Payload values that are structure or addresses, not words a reader searches for.
_NOT_WORDS = {
    "audience",
    "regions",
    "related",
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


def html_to_text(value: str) -> str:
    """The visible text of rendered HTML (for search and for checks)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", value))
