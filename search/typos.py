"""Typos: a word the vocabulary of its language does not know is read as the nearest
known term sharing its first letter (`corrections`), for "did you mean".
"""

from __future__ import annotations

from django.db.models import Q

from .models import SearchTerm

# Typos: a word the vocabulary does not know is read as the nearest known term of its
# language sharing its first letter, at most this many edits away (by the term's length).
MAX_EDITS = ((4, 0), (6, 1), (100, 2))
MAX_CANDIDATES = 5000


def _max_edits(term: str) -> int:
    for length, edits in MAX_EDITS:
        if len(term) < length:
            return edits
    return 0


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (insert, delete, substitute, swap neighbours),
    or limit + 1 once it is certainly above `limit`. Written out rather than a library:
    a few hundred short words per query, well within pure Python."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def find_corrections(language: str, unknown: list[str]) -> dict[str, tuple[str, str, int]]:
    """One query: {unknown term: (known term, its word, its documents)} for the terms
    with a near neighbour in the vocabulary of `language`; the nearest, then the most
    common, then the first in code-point order."""
    ranges = Q()
    for term in unknown:
        edits = _max_edits(term)
        if edits:
            ranges |= Q(term__gte=term[0], term__lt=chr(ord(term[0]) + 1))
    if not ranges:
        return {}
    candidates = list(
        SearchTerm.objects.filter(ranges, language=language)
        .order_by("-documents", "term")
        .values_list("term", "word", "documents")[:MAX_CANDIDATES]
    )
    found = {}
    for term in unknown:
        edits = _max_edits(term)
        best = None
        for known, word, documents in candidates:
            if known[0] != term[0]:
                continue
            distance = edit_distance(term, known, edits)
            if distance <= edits and (best is None or distance < best[0]):
                best = (distance, known, word, documents)
        if best:
            found[term] = best[1:]
    return found
