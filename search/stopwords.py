"""Stop words per language: the little words a query ignores ("my child has a fit" looks
for "child" and "fit"). Short lists written for this site, after the Snowball project's
stop lists (snowballstem.org/algorithms/*/stop.txt) minus every word that carries
meaning in a health question: "not", "no", "without", "after", "before", "night",
"after eating" keep their weight. The index keeps every word; only queries drop these,
and a query made of nothing else is searched as typed.

Compared with query words after case folding and `snapshots.fold` (accents, Arabic
marks), so «что» and «чтó», "él" and "el" are the same stop word.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from .folding import fold

# One file per language (stopwords/<code>.txt), so the code names no language: a language
# added in settings simply has no stop words until its file is written.
_DIRECTORY = Path(__file__).with_name("stopwords")


@cache
def stop_words(language: str) -> frozenset[str]:
    """The folded stop words of `language` (none for a language without a list)."""
    path = _DIRECTORY / f"{language}.txt"
    known = re.fullmatch(r"[a-z]+(?:-[a-z0-9]+)*", language) and path.is_file()
    words = path.read_text(encoding="utf-8").split() if known else []
    return frozenset(fold(word) for word in words)


def content_words(words: list[str], language: str) -> list[str]:
    """`words` without the stop words of `language`; all of them if that leaves none."""
    stops = stop_words(language)
    kept = [word for word in words if fold(word) not in stops]
    return kept or words
