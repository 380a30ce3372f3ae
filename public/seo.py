"""What search engines read besides the page itself: the meta description."""

from __future__ import annotations

import re

# Search engines show about this many characters; longer descriptions are cut mid-word.
MAX_DESCRIPTION = 160

# A sentence ends at . ! ? (and the Arabic question mark) followed by a space.
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+")


def meta_description(*candidates: str | None) -> str:
    """The first non-empty candidate, as a description of at most MAX_DESCRIPTION
    characters: whole when it fits, else its first sentence, else cut at a word."""
    text = next((" ".join(c.split()) for c in candidates if c and c.strip()), "")
    if len(text) <= MAX_DESCRIPTION:
        return text
    first = _SENTENCE_END.split(text, maxsplit=1)[0]
    if len(first) <= MAX_DESCRIPTION:
        return first
    cut = text[: MAX_DESCRIPTION - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"
