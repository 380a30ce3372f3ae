"""Search ranking: a query's plan per language (its terms, each weighted by rarity, and
the words it corrected) and the one score formula both databases compute from the
entries' own columns, so both give the same order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import Q

from .engines import in_body_sql, in_title_sql
from .models import SearchTerm
from .stopwords import content_words
from .terms import terms
from .typos import find_corrections
from .vocabulary import ENTRIES

# -- ranking: one formula, computed from the entries on every database ---------------------
#
# The engines find the entries holding any of the query's terms (words are optional);
# the score is then computed from the entries' own columns by the same SQL expression on
# both databases, so both give the same order (bm25 and ts_rank differ, and ts_rank
# ignores length). For each query term t with weight idf(t) (rare terms count more):
#
#   TITLE_WEIGHT * idf(t)            if t is in the title or "also called" names
#   + idf(t) * (K1 + 1) / (1 + K1 * (1 - B + B * len(body) / AVERAGE_BODY))
#                                    if t is in the body (bm25's length normalisation)
#
# summed over the terms and multiplied by the share of the query's terms found, so a
# topic holding more of the words comes first. Computed in double precision on both
# databases, rounded to 6 decimals, then by key.

# Titles first: a word in the title counts this many times a word in the body (bm25).
TITLE_WEIGHT = 10.0
K1 = 1.2
B = 0.75
# In the short title column, repeating a word adds little: its presence counts.
K1_TITLE = 0.6
AVERAGE_BODY = 6000  # characters of body terms of a typical topic
AVERAGE_TITLE = 100  # characters of title and "also called" terms


@dataclass(frozen=True)
class Weighted:
    """A query term, its weight, and how many entries of its language hold it (the
    vocabulary's count; 0 where the vocabulary does not know it)."""

    term: str
    weight: float
    documents: int = 0


@dataclass
class Plan:
    """What a query looks for in one language: its terms with their weights, and the
    words it corrected ({typed: known}), for "did you mean"."""

    language: str
    terms: list[Weighted] = field(default_factory=list)
    corrected: dict[str, str] = field(default_factory=dict)


def _idf(total: int, documents: int) -> float:
    return math.log(1 + (total - documents + 0.5) / (documents + 0.5))


def plan_query(query_words: list[str], languages: list[str]) -> dict[str, Plan]:
    """The plans of a query in each of `languages` (the first is the visitor's: only its
    unknown words are corrected). One query: the vocabulary counts of the query's terms
    and of the languages' entries; a second when a word needs correcting."""
    here = languages[0]
    typed: dict[str, list[tuple[str, str]]] = {}
    for language in languages:
        pairs = []
        for word in content_words(query_words, language):
            for term in terms(word, language):
                if term not in (known for _word, known in pairs):
                    pairs.append((word, term))
        typed[language] = pairs
    wanted = Q(pk__in=[])
    for language, pairs in typed.items():
        wanted |= Q(language=language, term__in=[ENTRIES] + [term for _word, term in pairs])
    counts = {
        (language, term): documents
        for language, term, documents in SearchTerm.objects.filter(wanted).values_list(
            "language", "term", "documents"
        )
    }
    totals = {language: counts.pop((language, ENTRIES), 0) for language in languages}
    unknown = [term for _word, term in typed[here] if (here, term) not in counts]
    corrections = find_corrections(here, unknown) if unknown else {}
    plans = {}
    for language, pairs in typed.items():
        plan = Plan(language)
        seen = set()
        for word, term in pairs:
            documents = counts.get((language, term))
            if documents is None and language == here and term in corrections:
                term, plan.corrected[word], documents = corrections[term]
            if term in seen:
                continue
            seen.add(term)
            # A term no entry holds stays in the query (it matches nothing, at no cost).
            weight = _idf(totals.get(language, 0), documents or 0)
            plan.terms.append(Weighted(term, weight, documents or 0))
        plans[language] = plan
    return plans


def untitled_bound(plan: Plan) -> float:
    """The highest score an entry whose title holds none of `plan`'s terms can have:
    each term's body part at the shortest body (the formula above), all terms found.
    Weights are positive, so every title part of such an entry is 0 and every score is
    at least 0."""
    return sum(w.weight * (K1 + 1) / (1 + K1 * (1 - B)) for w in plan.terms)


def lacking_bound(plan: Plan, required: list[Weighted]) -> float:
    """The highest score an entry whose title lacks one of the `required` terms (of
    `plan`) can have: every other term's title part at its limit (TITLE_WEIGHT times
    its weight times K1_TITLE + 1, which a title's part only approaches: its length is
    never 0), the lightest required term's title part 0, each body part as in
    `untitled_bound`, all terms found."""
    title = [TITLE_WEIGHT * (K1_TITLE + 1) * w.weight for w in plan.terms]
    lightest = min(TITLE_WEIGHT * (K1_TITLE + 1) * w.weight for w in required)
    return sum(title) - lightest + untitled_bound(plan)


def _number(value: float, vendor: str = "sqlite") -> str:
    """A weight as a literal both databases read alike. SQLite computes in floating
    point whatever the literal; PostgreSQL would compute a plain decimal literal in its
    arbitrary-precision numeric, about as slow as everything else in a search put
    together at +10,000 topics, so there it is a double as well."""
    literal = f"{value:.9f}"
    return f"CAST({literal} AS double precision)" if vendor == "postgresql" else literal


# Every word of the title column between two spaces of its own, so that counting the
# occurrences of " term " by replacing them counts neighbours too: stored with the entry
# (search.models), computed here only for an entry a migration has not filled yet.
SPACED_TITLE = "COALESCE(e.title_spaced, ' ' || replace(e.title, ' ', '  ') || ' ')"


@dataclass(frozen=True)
class Score:
    """The score of an entry `e` for a plan (see above), in two steps: `columns`, what
    each entry's title and body say of each term (its count in the title `tf<i>`, 1 or 0
    for the body `b<i>`, the title's length), selected once per entry with their
    `params`; and `expression`, the score computed from those columns. Written as one
    expression, each term's title count was computed three times per entry (a third of
    a search for "cramp" at +10,000 topics on PostgreSQL)."""

    columns: str
    params: list[str]
    expression: str


def score_sql(plan: Plan, vendor: str, titled: str | None = None) -> Score:
    """The score of an entry `e` for `plan` (see above); `titled`, for entries whose title
    holds one of the terms of that engine query only (engines.in_body_sql)."""

    def n(value: float) -> str:
        return _number(value, vendor)

    title_length = f"({n(1 - B)} + {n(B)} * title_chars / {n(AVERAGE_TITLE)})"
    body_length = f"({n(1 - B)} + {n(B)} * body_length / {n(AVERAGE_BODY)})"
    columns = ["length(e.title) AS title_chars", "e.body_length AS body_length"]
    params, parts, found = [], [], []
    for number, weighted in enumerate(plan.terms):
        padded = f" {weighted.term} "
        in_body, in_body_params = in_body_sql(vendor, weighted.term, plan.language, titled)
        tf, body = f"tf{number}", f"b{number}"
        # The occurrences of " term " in the spaced title (search.models): the length it
        # loses when they are replaced, over the length of one. PostgreSQL measures bytes
        # (its length() counts the characters of every title: a fifth of the count).
        length = "octet_length" if vendor == "postgresql" else "length"
        size = len(padded.encode()) if vendor == "postgresql" else len(padded)
        count = (
            f"({length}({SPACED_TITLE}) - {length}(replace({SPACED_TITLE}, %s, ''))) / {n(size)}"
        )
        count_params = [padded]
        in_title = in_title_sql(vendor, weighted.term)
        if in_title is not None:
            count = f"CASE WHEN {in_title[0]} THEN {count} ELSE 0 END"
            count_params = [*in_title[1], padded]
        columns += [f"{count} AS {tf}", f"CASE WHEN {in_body} THEN 1 ELSE 0 END AS {body}"]
        params += [*count_params, *in_body_params]
        parts.append(
            f"({n(TITLE_WEIGHT * weighted.weight * (K1_TITLE + 1))} * {tf} "
            f"/ ({tf} + {n(K1_TITLE)} * {title_length})"
            f" + {body} * {n(weighted.weight * (K1 + 1))} / (1 + {n(K1)} * {body_length}))"
        )
        found.append(f"(CASE WHEN {tf} > 0 OR {body} = 1 THEN 1 ELSE 0 END)")
    share = f"({' + '.join(found)}) / {n(len(plan.terms))}"
    score = f"({' + '.join(parts)}) * {share}"
    if vendor == "postgresql":
        # Rounded to 6 places in double precision: its ROUND to a number of places takes
        # a numeric, and casting every match's score to one took 3.5 to 4 of the 29 ms of
        # a search for "cramp" at +10,000 topics. (Halfway cases round to even here, away
        # from zero on SQLite: apart for scores within a millionth of each other.)
        return Score(", ".join(columns), params, f"round({score} * {n(1e6)}) / {n(1e6)}")
    return Score(", ".join(columns), params, f"ROUND({score}, 6)")
