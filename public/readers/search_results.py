"""The reader of the search page: one page of results, best first."""

from __future__ import annotations

from dataclasses import dataclass, field

from articles.languages import SOURCE_LANGUAGE
from reviews import cache_tags
from reviews.models import ContentKind
from search import index as search_index

from ..pagination import PER_PAGE, Paged, offset
from .served import ServedVersion, planned_with


@dataclass(frozen=True)
class SearchResults:
    """One page of results: those in the visitor's language first, then English ones of
    topics not translated yet (a page may hold both). `corrected` maps words the
    vocabulary did not know to the known words searched instead ("did you mean");
    `in_english` holds English matches offered when nothing was found in the visitor's
    language. `more`: more topics match than a search lists (search.index.MOST), the
    page's total being that many."""

    page: Paged
    corrected: dict[str, str] = field(default_factory=dict)
    in_english: list[ServedVersion] = field(default_factory=list)
    more: bool = False

    @property
    def translated(self) -> list[ServedVersion]:
        return [shown for shown in self.page.items if not shown.fallback]

    @property
    def english(self) -> list[ServedVersion]:
        return [shown for shown in self.page.items if shown.fallback]

    @property
    def total(self) -> int:
        return self.page.total


# English matches offered when a search finds nothing in the visitor's language.
IN_ENGLISH_LIMIT = 5


def _found(rows) -> list:
    """A search's rows, planned without parallel workers on PostgreSQL. For a word in
    most topics it planned the body-term lookup as a parallel scan: starting the worker
    cost more than it saved ("cramp" at +10,000 topics, 16.6 -> 14.3 ms in twelve
    alternated rounds, docs/benchmarks.md), and on a busy host the worker only takes a
    core from another request."""
    with planned_with(max_parallel_workers_per_gather="0"):
        return list(rows)


def search_topics(words: list[str], language: str, number: int = 1) -> SearchResults:
    """Page `number` of the live topics holding any of the words (in any form, with
    typos corrected: see search.index), best first, titles and "also called" names above
    body text. Two queries (three when a word is corrected); two more when nothing is
    found and English matches are offered. On PostgreSQL each search statement also has
    a SET before it and a RESET after (no parallel workers: `_found`).

    The visitor's language first; then, for topics with no live version in that language
    yet, their English text, so a not-yet-translated topic can still be found. At most
    the best search.index.MOST are listed (`more` says when more match).
    """
    if offset(number) >= search_index.MOST:
        # Past the best MOST: no such page (the view answers 404), and no query, which
        # would score every match to skip them.
        return SearchResults(Paged([], number, 0))
    fallback = SOURCE_LANGUAGE if language != SOURCE_LANGUAGE else None
    languages = [language] + ([fallback] if fallback else [])
    # The page lists this language's topics, and the English text of those not
    # translated into it: an English change to such a topic also invalidates this
    # language's lists (reviews.cache_tags.list_languages). English lists only when
    # English rows are shown (their order depends on every English text, through
    # the words' weights), or English matches were looked for.
    cache_tags.lists(ContentKind.TOPIC, [language])
    plans = search_index.plan_query(words, languages)
    rows = search_index.search(
        words,
        kind=ContentKind.TOPIC,
        language=language,
        fallback=fallback,
        limit=PER_PAGE,
        offset=offset(number),
        plans=plans,
    )
    versions = _found(rows)
    total = versions[0].search_total if versions else 0
    if fallback and any(version.language == fallback for version in versions):
        cache_tags.lists(ContentKind.TOPIC, [fallback])
    in_english: list[ServedVersion] = []
    if not total and fallback and number == 1:
        cache_tags.lists(ContentKind.TOPIC, [fallback])
        english = _found(
            search_index.search(
                words,
                kind=ContentKind.TOPIC,
                language=SOURCE_LANGUAGE,
                fallback=None,
                limit=IN_ENGLISH_LIMIT,
                offset=0,
            )
        )
        in_english = [ServedVersion(version, SOURCE_LANGUAGE) for version in english]
    shown = [ServedVersion(version, language) for version in versions]
    return SearchResults(
        Paged(shown, number, min(total, search_index.MOST)),
        corrected=plans[language].corrected,
        in_english=in_english,
        more=total > search_index.MOST,
    )
