"""Text into search terms: the form the index holds and a query is matched with.

A word is case-folded, stemmed with the Snowball stemmer of its language, then folded
(`folding.fold`: accents, Arabic vowel marks and hamza forms, ё/е), so "cramp" and
"cramps", «судорога» and «судороги» meet on one term on every database. Stemming happens
here, in Python, for both engines (see `search.index`).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer
from django.utils.translation import get_language_info

from articles.languages import language_codes

from . import folding
from .stopwords import content_words


def _algorithms() -> dict[str, str]:
    """Snowball algorithm per site language, found by the language's English name (Django's
    language info: "Russian" -> "russian"), so adding a language to settings is enough; a
    language Snowball has no stemmer for is matched unstemmed."""
    available = set(snowballstemmer.algorithms())
    found = {}
    for code in language_codes():
        name = get_language_info(code)["name"].lower()
        if name in available:
            found[code] = name
    return found


STEMMERS = _algorithms()

_local = threading.local()


def _stemmer(language: str):
    # Snowball stemmer objects keep state between calls: one per thread and language.
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(STEMMERS[language])
    return stemmers[language]


@lru_cache(maxsize=50_000)
def term_of(word: str, language: str) -> str:
    # The stemmer reads the word as written (it knows its language's accents and marks),
    # and the stem is folded after, so a query typed without marks meets it.
    if language in STEMMERS:
        word = _stemmer(language).stemWord(word)
    return folding.fold(word)


# A word: letters and digits of any script (\w without "_") and the combining marks
# written inside words (accents in decomposed form, Arabic harakat, shadda, dagger alif);
# everything else separates words.
_WORD = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u0483-\u0487\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])+"
)


def words(text: str) -> list[str]:
    """The words of a text, case-folded, in order."""
    return _WORD.findall(unicodedata.normalize("NFC", text.casefold()))


def terms(text: str, language: str) -> list[str]:
    """The terms of a text in `language`, in order: what the index holds and what a
    query is matched with."""
    found = []
    for word in words(text):
        term = term_of(word, language)
        if term:
            found.append(term)
    return found


# The title column holds the title and the "also called" names: what a topic is called.
TITLE_FIELDS = ("title", "name", "also_called")


def title_and_body(payload: dict) -> tuple[str, str]:
    """What a topic is called (title and "also called" names), and the rest of its text."""
    title = " ".join(str(payload.get(name) or "") for name in TITLE_FIELDS)
    body = " ".join(folding.plain_texts(payload, skip=frozenset(TITLE_FIELDS)))
    return title, body


def query_terms(query_words: list[str], language: str) -> list[str]:
    """The distinct terms of a query's words in `language`, stop words left out."""
    found = content_words(query_words, language)
    return list(dict.fromkeys(term for word in found for term in terms(word, language)))
