"""Search queries: one page of results for a query's words, best first, in the visitor's
language and then, for what has none there, in the fallback language; one SQL query on
either database (the engines' matches scored by `search.ranking`).
"""

from __future__ import annotations

from django.db import connection

from .engines import engine_query, hits_sql, matched_by, matches_sql, titles_sql
from .models import published_version_model
from .ranking import Plan, lacking_bound, plan_query, score_sql, untitled_bound

# Scores are rounded to 6 places: an entry scored above its bound by this much is above
# every entry the bound holds for, rounded or not.
MARGIN = 1e-5
# The titled entries are scored first (`_titled`) only where the vocabulary's counts of
# the query's terms (entries holding each) add up to at least this many: for fewer,
# scoring every match costs less than looking titles up first (a Russian search for
# "cramp", which no Russian entry holds, read 5,956 English titles from the index of
# titles and dropped them: 7 -> 9 ms at +10,000 topics). The vocabulary leaves some
# words out; those searches score every match, as before.
TITLED_FROM = 1000
# A search lists at most its MOST best matches (fifty pages of twenty) and counts its
# matches only as far as one more, so a page can say "more than MOST": counting every
# match of a word in most topics was about a third of such a search at +10,000 topics on
# PostgreSQL (11.5 of 27.5 ms for the Spanish "dolor muscular"), a cost that grew with
# the corpus, and a deep page scored every match to show twenty.
MOST = 1000


def search(
    query_words: list[str],
    *,
    kind: str,
    language: str,
    fallback: str | None,
    limit: int,
    offset: int,
    plans: dict[str, Plan] | None = None,
):
    """One query for one page of results, as PublishedVersion rows: the live versions of
    `kind` holding any of the words (as terms of their language) in `language`
    (`search_group` 0), then, with a `fallback` language, the versions in that language
    of what has no live version in `language` (group 1); best first (see the ranking
    above), then by key. Each row carries `search_total`, the number of results of every
    page (the pages are in the database, not in memory), counted as far as MOST + 1.
    `plans` (from `plan_query`) saves planning the query again. A row's payload holds
    only what a result shows, its title and summary (SHOWN): a whole topic's text is not
    read, nor decoded, for each."""
    vendor = connection.vendor
    languages = [language] + ([fallback] if fallback else [])
    if plans is None:
        plans = plan_query(query_words, languages)
    selects, params, counted, count_params = [], [], [], []
    for group, code in enumerate(languages):
        if plans[code].terms:
            select, counting = _group(plans[code], group, kind, code, language, vendor)
            selects.append(select[0])
            params += select[1]
            counted.append(counting[0])
            count_params += counting[1]
    if not selects:
        return published_version_model().objects.raw(
            "SELECT * FROM reviews_publishedversion WHERE 1 = 0"
        )
    total, total_params = _capped(counted, count_params)
    found, before, before_params = " UNION ALL ".join(selects), "", []
    held = sum(weighted.documents for weighted in plans[language].terms)
    if vendor == "postgresql" and held >= TITLED_FROM and limit > 0:
        tiers = _tiers(plans[language])
        before, before_params = _titled(tiers, plans[language], kind, language, offset + limit)
        found = _first_enough(len(tiers), found)
        total, total_params = _titles_first(tiers[-1][0], kind, language, total, total_params)
    sql = f"""{before}
        SELECT {_columns(vendor)}, page.grp AS search_group, {total} AS search_total
        FROM (
            SELECT version_id, grp, score, key
            FROM ({found}) AS found
            ORDER BY grp, score DESC, key
            LIMIT %s OFFSET %s
        ) AS page
        JOIN reviews_publishedversion v ON v.id = page.version_id
        WHERE v.is_current
        ORDER BY page.grp, page.score DESC, page.key"""
    return published_version_model().objects.raw(
        sql, [*before_params, *total_params, *params, limit, offset]
    )


def _tiers(plan: Plan) -> list[tuple[str, float]]:
    """The sets of the visitor's matches scored first, smallest first, each as the engine
    query of their titles and the best score an entry outside it can have: the entries
    whose title holds every term (`lacking_bound`), those whose title holds the heaviest
    (the rarest), and those whose title holds any (`untitled_bound`); a one-term query
    has the last only. The titles holding any term of "dolor muscular" are 4,074 of the
    10,032 Spanish entries at +10,000 topics, those holding both 940; of "muscle pain
    at night" 4,702 of the English ones, none holding all three, 314 "night"."""
    tiers, vendor = [], "postgresql"  # (only PostgreSQL has an index of title terms)
    if len(plan.terms) > 1:
        heaviest = max(plan.terms, key=lambda weighted: weighted.weight)
        tiers.append((engine_query(plan, vendor, every=True), lacking_bound(plan, plan.terms)))
        alone = Plan(plan.language, [heaviest])
        tiers.append((engine_query(alone, vendor), lacking_bound(plan, [heaviest])))
    tiers.append((engine_query(plan, vendor), untitled_bound(plan)))
    return tiers


def _titled(tiers, plan: Plan, kind: str, language: str, first: int):
    """(SQL, parameters) of a WITH clause: for each of the `tiers`, `titled<n>`, the
    `first` best of its matches in the visitor's language (group 0), and `enough<n>`,
    whether they are the `first` best of all its matches. They are when there are
    `first` of them and the last scores above the best an entry outside the tier can
    (a title counts ten times the body). The search then reads its page from the first
    tier that has enough (`_first_enough`), and neither the tiers after it nor the
    statement's every-match branch run; where none has, that branch runs as before,
    for the same order. A word in most entries ("pain" in 9,405 of 10,032 English
    topics of the synthetic corpus) was scored in every one of them to show twenty."""
    clauses, params = [], []
    for number, (engine, bound) in enumerate(tiers):
        score = score_sql(plan, "postgresql", titled=engine)
        hits = hits_sql("postgresql", score, matches=titles_sql())
        clauses.append(f"""titled{number} AS MATERIALIZED (
            SELECT version_id, key, score, 0 AS grp FROM ({hits}) AS found_titles
            ORDER BY score DESC, key LIMIT %s
        ), enough{number} AS (
            SELECT COUNT(*) = %s AND MIN(score) > %s AS ok FROM titled{number}
        )""")
        params += [*score.params, engine, kind, language, first, first, bound + MARGIN]
    return "WITH " + ",\n".join(clauses), params


def _capped(counted: list[str], params: list) -> tuple[str, list]:
    """(SQL, parameters) of the total: the matches (`counted`, one SQL per language group)
    counted again without scoring them (an index lookup), rather than carrying a window
    count through every scored match (5 of the 20 ms of a search for "cramp" at +10,000
    topics on PostgreSQL), and only as far as MOST + 1."""
    counting = f"SELECT 1 FROM ({' UNION ALL '.join(counted)}) AS c LIMIT %s"
    return f"(SELECT COUNT(*) FROM ({counting}) AS capped)", [*params, MOST + 1]


def _titles_first(engine: str, kind: str, language: str, total: str, params: list):
    """(SQL, parameters) of the total `total` (with its `params`), unless more than MOST
    entries in the visitor's language hold a term of `engine` (the last tier's query:
    any term) in their title: then MOST + 1, read from the index of titles alone.
    PostgreSQL evaluates the second count only where the first does not decide (a
    CASE's subqueries run when reached): a word in thousands of titles ("cramp" in 3,447
    English ones at +10,000 topics) no longer ANDs every match of title or body with the
    whole language's entries (2.1 of 10.8 ms of the statement of the Arabic "ألم")."""
    titled = f"SELECT 1 {titles_sql()} LIMIT %s"
    sql = f"(CASE WHEN (SELECT COUNT(*) FROM ({titled}) AS t) > %s THEN %s ELSE {total} END)"
    return sql, [engine, kind, language, MOST + 1, MOST, MOST + 1, *params]


def _first_enough(tiers: int, every: str) -> str:
    """The rows of the first tier that has enough, or of `every` (the statement's every
    match, scored) when none has. Each branch is gated on conditions that read no row,
    which PostgreSQL evaluates once, in order, and only when needed: a tier is scored
    only when none before it had enough, and the branches not taken never run."""
    branches, earlier = [], []
    for number in range(tiers):
        gate = " AND ".join([*earlier, f"(SELECT ok FROM enough{number})"])
        branches.append(f"SELECT * FROM titled{number} WHERE {gate}")
        earlier.append(f"NOT (SELECT ok FROM enough{number})")
    branches.append(f"SELECT * FROM ({every}) AS every WHERE {' AND '.join(earlier)}")
    return "\nUNION ALL\n".join(branches)


def _group(plan: Plan, group: int, kind: str, code: str, language: str, vendor: str):
    """(SQL, parameters) of one language's scored matches, and of the same matches to
    count; the fallback language's (group 1) only where the visitor's has no entry."""
    score = score_sql(plan, vendor)
    engine = engine_query(plan, vendor)
    # The fallback's entries are those with no entry in the visitor's language, kept
    # before they are scored: kept after, every English match was scored to show the few
    # untranslated ones (5,956 for "cramp" on a Russian page at +10,000 topics, where
    # every topic is translated).
    missing = _missing("e") if group else ""
    hits = hits_sql(vendor, score, also=missing)
    select = f"SELECT version_id, key, score, {group} AS grp FROM ({hits}) AS found{group}"
    count = f"SELECT e.key {matches_sql(vendor)}"
    match_params = [*matched_by(vendor, engine), kind, code]
    hit_params = [*score.params, *match_params]
    if group:
        count += f" AND {missing}"
        hit_params += [kind, language]
        match_params += [kind, language]
    return (select, hit_params), (count, match_params)


def _missing(alias: str) -> str:
    """True when the entry `alias` has no entry in the visitor's language (parameters:
    the kind, the visitor's language)."""
    return f"""NOT EXISTS (
        SELECT 1 FROM reviews_searchentry t
        WHERE t.kind = %s AND t.key = {alias}.key AND t.language = %s)"""


# What a search result shows of a version's payload (templates/public/search.html).
SHOWN = ("title", "summary")


def _columns(vendor: str) -> str:
    """The published version's columns for the result rows, its payload cut to SHOWN."""
    fields = published_version_model()._meta.concrete_fields
    # Not the source text either: no result shows it (Django defers a column left out).
    columns = [f"v.{field.column}" for field in fields if field.name not in ("payload", "source")]
    if vendor == "postgresql":
        pairs = ", ".join(f"'{name}', v.payload -> '{name}'" for name in SHOWN)
        columns.append(f"jsonb_build_object({pairs}) AS payload")
    else:
        pairs = ", ".join(f"'{name}', json_extract(v.payload, '$.{name}')" for name in SHOWN)
        columns.append(f"json_object({pairs}) AS payload")
    return ", ".join(columns)
