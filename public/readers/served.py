"""A live version as a visitor is served it, and the query parts every reader shares:
one version per key (the visitor's language, else English), code-point order, one page of
a list in one query."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Collate
from django.utils.html import format_html
from django.utils.safestring import SafeString
from psycopg.pq import TransactionStatus

from articles.languages import SOURCE_LANGUAGE, direction
from reviews import cache_tags
from reviews.models import PublishedVersion

from ..pagination import PER_PAGE, offset

# The body map draws these regions in this order; any region added later is listed after
# them (alphabetically) in the plain list.
BODY_MAP_REGIONS = ("head", "eyes", "throat", "neck", "chest", "abdomen", "back", "legs", "general")

# Slugs are at most 50 characters (SlugField); anything much longer is not worth a query.
MAX_SLUG_LENGTH = 100


def readable():
    """The published versions, as the public readers read them: without the approved
    source text, which no public page shows and which is about as long as the payload,
    so a list does not decode both for every item (an API list page of 50 topics in two
    languages decoded about 1 MB of JSON)."""
    return PublishedVersion.objects.defer("source")


@dataclass(frozen=True)
class ServedVersion:
    """A live version as shown to a visitor who asked for `requested`.

    `fallback` is true when the visitor's language has no live version and the English
    one is shown instead: its container must carry that language and direction.
    """

    version: PublishedVersion
    requested: str

    def __post_init__(self):
        # A page that shows a version changes when its review falls due (it then says
        # "review overdue"): the page cache keeps it until then at most. Read without
        # loading a deferred field.
        due = self.version.__dict__.get("next_review_due")
        if due is not None:
            cache_tags.changes_on(due + timedelta(days=1))

    @property
    def key(self) -> str:
        return self.version.key

    @property
    def language(self) -> str:
        return self.version.language

    @property
    def direction(self) -> str:
        return direction(self.version.language)

    @property
    def fallback(self) -> bool:
        return self.version.language != self.requested

    @property
    def payload(self) -> dict[str, Any]:
        return self.version.payload

    @property
    def title_text(self) -> str:
        return str(self.payload.get("title") or self.payload.get("name") or self.key)

    @property
    def lang_attrs(self) -> SafeString:
        """lang and dir of the content's own language, for its container element."""
        return format_html('lang="{}" dir="{}"', self.language, self.direction)


def pick(versions, language: str) -> dict[str, ServedVersion]:
    """Per key, the version in `language`, else the English one."""
    chosen: dict[str, PublishedVersion] = {}
    for version in versions:
        current = chosen.get(version.key)
        if version.language == language or (
            current is None and version.language == SOURCE_LANGUAGE
        ):
            chosen[version.key] = version
    return {key: ServedVersion(version, language) for key, version in chosen.items()}


def wanted(language: str) -> list[str]:
    return list(dict.fromkeys([language, SOURCE_LANGUAGE]))


def binary(field: str) -> Collate:
    # Code-point order on every database (it is the order of the folded titles in
    # Python), whatever the database's own collation.
    return Collate(field, "C" if connection.vendor == "postgresql" else "BINARY")


def page_by_title(versions, language: str, number: int) -> tuple[list[PublishedVersion], int]:
    """Two queries: which of `versions` (live ones), each in `language` or else English,
    are on page `number` by title (then key), with how many there are; then those
    versions. The candidates are found once for both, as a materialized table: counted
    in one subquery and paged in another, they were found twice (with the English
    fallback's test of each English candidate, twice too), twice the cost of a region
    page's list at +10,000 topics on PostgreSQL. Only the page's ids are sorted with the
    candidates; the payloads read are the page's own, however long the list."""
    # The two kinds of candidate (`here_or_english_branches`) are found apart and put
    # together (UNION ALL): asked as one condition (this language, OR English with no
    # translation), PostgreSQL read each of the region's placements and probed its
    # version by id, 51 of the Russian region page's ms at +10,000 topics.
    found = [
        branch.order_by().values_list("pk", "sort_title", "key")
        for branch in here_or_english_branches(versions, language)
    ]
    union = found[0].union(*found[1:], all=True) if len(found) > 1 else found[0]
    sql, params = union.query.sql_with_params()
    # Django's SQL of the candidates, wrapped; every value is a parameter.
    statement = (
        f"WITH c (id, sort_title, key) AS MATERIALIZED ({sql}) "  # noqa: S608
        "SELECT c.id, (SELECT COUNT(*) FROM c) FROM c "
        f"ORDER BY c.sort_title COLLATE {CODE_POINTS[connection.vendor]}, c.key "
        "LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, PER_PAGE, offset(number)])
        rows = cursor.fetchall()
    if not rows:
        return [], 0
    # Read as candidates still: a version withdrawn (or translated) between the two
    # queries is left out, never shown after the change reached the database.
    candidates = here_or_english(versions, language)
    on_page = candidates.filter(pk__in=[pk for pk, _total in rows])
    return list(on_page.order_by(binary("sort_title"), "key")), rows[0][1]


# The collation of code-point order (`binary`), as SQL.
CODE_POINTS = {"postgresql": '"C"', "sqlite": "BINARY"}


@contextmanager
def planned_with(**settings: str):
    """On PostgreSQL, the statements run inside are planned with these planner settings
    (names and values are the code's own, never a visitor's), then the settings are as
    they were; elsewhere nothing. Set for the session and reset after, not SET LOCAL:
    inside a longer transaction that would last to its end."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute(f"SET {name} = {value}")
    try:
        yield
    finally:
        # (In a transaction the error aborted, the abort undoes the SET.)
        if connection.connection.info.transaction_status != TransactionStatus.INERROR:
            with connection.cursor() as cursor:
                for name in settings:
                    cursor.execute(f"RESET {name}")


def _no_live_version_in(language: str) -> Exists:
    """A condition on a version: its key has no live version in `language`."""
    return ~Exists(
        PublishedVersion.objects.live(language).filter(kind=OuterRef("kind"), key=OuterRef("key"))
    )


def here_or_english_branches(versions, language: str) -> list:
    """`here_or_english` as disjoint parts: the versions in `language`, and (outside
    English) the English ones of keys with no live version in `language`."""
    here = versions.filter(language=language)
    if language == SOURCE_LANGUAGE:
        return [here]
    return [here, versions.filter(_no_live_version_in(language), language=SOURCE_LANGUAGE)]


def here_or_english(versions, language: str):
    """Of live versions, those in `language`, and the English ones of keys that have no
    live version in `language`."""
    if language == SOURCE_LANGUAGE:
        return versions.filter(language=language)
    english = Q(language=SOURCE_LANGUAGE) & _no_live_version_in(language)
    return versions.filter(Q(language=language) | english)
