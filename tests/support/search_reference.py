"""The search ranking recomputed in Python from the entries, by its documented formula
(search.ranking): what the database's order must be, on SQLite and PostgreSQL alike."""

from search import index as search_index
from search.models import SearchEntry


def reference_scores(words: list[str], language: str) -> list[str]:
    """The ranking of search.index computed here in Python from the entries, by
    its documented formula: the database's order must be this one, on SQLite and on
    PostgreSQL alike, so both give the same first result."""
    scored = [(score, key) for key, score in reference_table(words, language).items()]
    return [key for _score, key in sorted(scored, key=lambda item: (-item[0], item[1]))]


def reference_table(words: list[str], language: str) -> dict[str, float]:
    """The score of each matching entry's key, by the formula (see reference_scores)."""
    plan = search_index.plan_query(words, [language])[language]
    scored = {}
    for entry in SearchEntry.objects.filter(kind="topic", language=language):
        title, body = entry.title.split(), set(entry.body.split())
        total = found = 0.0
        for weighted in plan.terms:
            tf = title.count(weighted.term)
            norm_title = (1 - search_index.B) + search_index.B * len(
                entry.title
            ) / search_index.AVERAGE_TITLE
            norm_body = (1 - search_index.B) + search_index.B * len(
                entry.body
            ) / search_index.AVERAGE_BODY
            k1, k1_title = search_index.K1, search_index.K1_TITLE
            part = 0.0
            if tf:
                part += (
                    search_index.TITLE_WEIGHT
                    * weighted.weight
                    * (k1_title + 1)
                    * tf
                    / (tf + k1_title * norm_title)
                )
            if weighted.term in body:
                part += weighted.weight * (k1 + 1) / (1 + k1 * norm_body)
            total += part
            found += bool(tf or weighted.term in body)
        if found:
            scored[entry.key] = round(total * found / len(plan.terms), 6)
    return scored
