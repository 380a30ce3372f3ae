"""The vocabulary of each language: every term of the live entries with the number of
entries holding it (for the weight of a query's terms, `search.ranking`) and the word
that reads it best (what "did you mean" offers, `search.typos`). Kept in step with the
entries at approval and withdrawal (`search.index`).
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from django.db.models import F

from . import folding
from .models import SearchTerm
from .terms import term_of, title_and_body, words

# Vocabulary words: at least this long, and not all digits ("did you mean" offers words).
MIN_VOCABULARY_LENGTH = 3
# The vocabulary row whose count is the number of entries of its language (for idf).
ENTRIES = ""
MAX_TERM_LENGTH = 100


def vocabulary_of(payload: dict, language: str) -> dict[str, tuple[int, str]]:
    """{term: (0 for a title word, else 1; the word that reads it)} of a payload: what
    "did you mean" offers is a title's word where there is one ("судороги", not the
    body's "судорог"), else the shortest. The empty term stands for the entry itself
    (its count is the language's number of entries)."""
    found: dict[str, tuple[int, str]] = {ENTRIES: (0, "")}
    for rank, text in enumerate(title_and_body(payload)):
        # Each distinct word once: a topic repeats its words many times (vocabulary_of
        # 2.85 -> 2.04 s of CPU for the seed corpus's 128 versions x3; issue 20).
        for word in dict.fromkeys(words(text)):
            if len(word) < MIN_VOCABULARY_LENGTH or word.isdigit():
                continue
            term = term_of(word, language)
            if not term or len(term) > MAX_TERM_LENGTH:
                continue
            candidate = (rank, _reading(word))
            if term not in found or _reads_better(candidate, found[term]):
                found[term] = candidate
    return found


@lru_cache(maxsize=50_000)
def _reading(word: str) -> str:
    """The word as "did you mean" offers it (words repeat across topics: cached, like
    terms.term_of)."""
    return folding.fold(word)[:MAX_TERM_LENGTH]


def _reads_better(candidate: tuple[int, str], current: tuple[int, str]) -> bool:
    (rank, word), (current_rank, current_word) = candidate, current
    return (rank, len(word), word) < (current_rank, len(current_word), current_word)


def _count(language: str, counted: Counter[str], step: int, words_of: dict[str, str]) -> None:
    """Add (step 1) or take away (step -1) each term's count of documents."""
    if not counted:
        return
    if step > 0:
        SearchTerm.objects.bulk_create(
            [
                SearchTerm(language=language, term=term, word=words_of[term], documents=0)
                for term in counted
            ],
            ignore_conflicts=True,
        )
    by_amount: dict[int, list[str]] = {}
    for term, amount in counted.items():
        by_amount.setdefault(amount, []).append(term)
    for amount, group in sorted(by_amount.items()):
        SearchTerm.objects.filter(language=language, term__in=group).update(
            documents=F("documents") + step * amount
        )
    if step < 0:
        SearchTerm.objects.filter(
            language=language, term__in=list(counted), documents__lte=0
        ).delete()


def _counted(entries) -> dict[str, tuple[Counter[str], dict[str, str]]]:
    """Per language: how many of `entries` hold each term, and the word that reads it."""
    by_language: dict[str, tuple[Counter[str], dict[str, str]]] = {}
    chosen: dict[tuple[str, str], tuple[int, str]] = {}
    for entry in entries:
        counted, words_of = by_language.setdefault(entry.language, (Counter(), {}))
        vocabulary = vocabulary_of(entry.version.payload, entry.language)
        counted.update(vocabulary.keys())
        for term, candidate in vocabulary.items():
            key = (entry.language, term)
            if key not in chosen or _reads_better(candidate, chosen[key]):
                chosen[key] = candidate
                words_of[term] = candidate[1]
    return by_language


def vocabulary_change(entries, step: int) -> None:
    """Count the terms of `entries` (search entries with their versions) in or out."""
    for language, (counted, words_of) in _counted(entries).items():
        _count(language, counted, step, words_of)


def vocabulary_replace(removed, added) -> None:
    """Count out the terms of the `removed` entries and in those of the `added` ones, by
    their difference: an approval that changes a few words of a topic writes the counts
    of those words only, not of every term the topic holds."""
    out, into = _counted(removed), _counted(added)
    for language in out.keys() | into.keys():
        old, _words = out.get(language, (Counter(), {}))
        new, words_of = into.get(language, (Counter(), {}))
        _count(language, new - old, 1, words_of)
        _count(language, old - new, -1, {})
