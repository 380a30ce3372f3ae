"""What a cached public response shows, named as tags, and which tags a change invalidates.

Every public response is tagged while it is rendered: the readers (public.readers) note
each item they show in detail and each list they read, in the page's language, into the
request's collector (`collecting()`, opened by healthsite.page_cache). The page cache
stores the tags with the response and sends them to the HTTP cache in front in the
`xkey` header (deploy/varnish/default.vcl). An approval or withdrawal then invalidates
exactly the tags it changed (`for_change`), in both caches (reviews.publication).

The vocabulary, per language L (the page's language, also for an English fallback):

- `topic:KEY:L`, `region:KEY:L`: a page that shows that item in detail (its own page, a
  topic page's regions and their notices, an API item);
- `topics:L`, `regions:L`: a page that lists live items of that kind (the home page's
  body map, search, sitemap files, feeds, API lists, the A–Z list). A search page in L
  also carries `topics:en` when it shows English text (public.readers.search_results);
  a sitemap file carries its own language's tag only;
- `region-topics:SLUG:L`, `topic-set:L`: a region page, which lists the topics placed in
  that region (a card of each: title and summary): changed by an approval of a topic
  placed there (before or after it) that changes its card or its placement, or brings it
  to or takes it from the language's lists (reviews.approval), and by any withdrawal of
  a topic;
- `topic-titles:L`, `topic-days:L` (with `topic-set:L`): a page that lists live items
  by title alone (the A–Z list) or by address and the day each was approved (sitemap
  files, the sitemap index): changed where an item joins or leaves the language's list
  (a first publication, a withdrawal, a hold) and by a re-approval only where the title
  it shows, or the day of the version in L, changed (`names_changed`). The membership
  tag is there as well for a rolling deploy's older release, whose withdrawals
  invalidate `topic-set:L` but know nothing of the two tags;
- `lang:L`: every page in L (site notices and interface strings change all of them);
- `all`: every page (an operator's "invalidate everything").

Which languages a change reaches: a re-approval of a translation changes only its own
language; an approval of English (translations fall back to it and are flagged outdated
against it), a first publication in a language (every language's page links to it) and
a withdrawal change every language. A re-approval of English changes the item's pages in
every language (their outdated notice, an API item's receipt) but the lists only in
English and in the languages that show its English for want of a translation
(`list_languages`): a translated list shows the translation's title and summary.

Pages also change on dates (a review falls due): readers note the first such date
(`changes_on`), and the page is kept until the start of that day only, never "until
midnight" for every page at once.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from articles.languages import SOURCE_LANGUAGE, language_codes

ALL = "all"
# Tags travel in an HTTP header (xkey): keep them to characters no header or VCL mangles.
TAG = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")


@dataclass
class Collected:
    tags: set[str] = field(default_factory=set)
    changes_on: date | None = None


_current: contextvars.ContextVar[Collected | None] = contextvars.ContextVar(
    "page_tags", default=None
)


@contextmanager
def collecting() -> Iterator[Collected]:
    """Collect the tags (and the first date the content changes) of what is rendered."""
    collected = Collected()
    token = _current.set(collected)
    try:
        yield collected
    finally:
        _current.reset(token)


def item(kind: str, key: str, language: str) -> str:
    return f"{kind}:{key}:{language}"


def listing(kind: str, language: str) -> str:
    return f"{kind}s:{language}"


def region_listing(region: str, language: str) -> str:
    return f"region-topics:{region}:{language}"


def membership(kind: str, language: str) -> str:
    return f"{kind}-set:{language}"


def lists_region(region: str, language: str) -> None:
    """The page being rendered lists the live topics placed in `region`."""
    _add(region_listing(region, language), membership("topic", language))


def titles(kind: str, language: str) -> str:
    return f"{kind}-titles:{language}"


def days(kind: str, language: str) -> str:
    return f"{kind}-days:{language}"


def lists_titles(kind: str, language: str) -> None:
    """The page being rendered lists the live items of `kind` in `language` by title
    alone (the A–Z list)."""
    _add(titles(kind, language), membership(kind, language))


def lists_days(kind: str, language: str) -> None:
    """The page being rendered lists the live items of `kind` in `language` by address
    and the day their version in `language` was approved (sitemaps)."""
    _add(days(kind, language), membership(kind, language))


def whole_language(language: str) -> str:
    return f"lang:{language}"


def _add(*tags: str) -> None:
    collected = _current.get()
    if collected is not None:
        collected.tags.update(tag for tag in tags if TAG.match(tag))


def shows(kind: str, keys: Iterable[str], language: str) -> None:
    """The page being rendered shows these items of `kind` in detail."""
    _add(*(item(kind, key, language) for key in keys))


def lists(kind: str, languages: Iterable[str]) -> None:
    """The page being rendered lists the live items of `kind` in these languages."""
    _add(*(listing(kind, language) for language in languages))


def changes_on(day: date | None) -> None:
    """The page being rendered shows something different from `day` on."""
    collected = _current.get()
    if collected is None or day is None:
        return
    if collected.changes_on is None or day < collected.changes_on:
        collected.changes_on = day


def languages_changed(language: str, *, first_in_language: bool) -> list[str]:
    """The page languages an approval of `language` changes (see the module docstring)."""
    if language == SOURCE_LANGUAGE or first_in_language:
        return language_codes()
    return [language]


def list_languages(
    language: str, *, first_in_language: bool, translated: Iterable[str]
) -> list[str]:
    """The languages whose lists an approval of `language` changes: those of
    `languages_changed`, except that a re-approval of English leaves the lists of the
    languages with a live translation (`translated`) as they are."""
    changed = languages_changed(language, first_in_language=first_in_language)
    if language != SOURCE_LANGUAGE or first_in_language:
        return changed
    return [code for code in changed if code == SOURCE_LANGUAGE or code not in set(translated)]


@dataclass
class Names:
    """The languages whose lists of titles (`titles`) and of approval days (`days`) a
    change reaches."""

    titles: set[str] = field(default_factory=set)
    days: set[str] = field(default_factory=set)


def names_changed(
    language: str,
    listed: Iterable[str],
    before: tuple[str | None, date] | None,
    after: tuple[str, date],
) -> Names:
    """What an approval of `language` changes in the lists of titles and of days of the
    languages `listed` (`list_languages`). `before`, `after`: the item's title and the
    day (UTC) of its version in `language`, before and after a re-approval; `before` is
    None where the item joins or leaves a list (a first publication, a hold): that
    changes them all. A re-approval changes the titles only if the title changed (an
    unknown title before counts as changed), and only its own language's days, only if
    the day changed."""
    listed = set(listed)
    if before is None:
        return Names(set(listed), set(listed))
    (title, day), (new_title, new_day) = before, after
    return Names(
        set(listed) if title is None or title != new_title else set(),
        {language} & listed if day != new_day else set(),
    )


def for_change(
    kind: str,
    keys: Iterable[str],
    languages: Iterable[str],
    lists_in: Iterable[str] | None = None,
    *,
    regions: Iterable[str] | None = None,
    names: Names | None = None,
) -> list[str]:
    """The tags to invalidate when items of `kind` change in these page languages, their
    lists in `lists_in` (by default the same languages). `regions`: the regions the items
    are placed in, before and after the change (a region page lists a region's topics);
    None when the set of items changes (a withdrawal): then every region page of those
    languages. `names`: the languages whose lists of titles and of days changed (by
    default those of `lists_in`). Site notices are on every page: they invalidate their
    languages whole."""
    languages = sorted(set(languages))
    if kind == "notice":
        return [whole_language(language) for language in languages]
    lists_in = languages if lists_in is None else sorted(set(lists_in))
    names = Names(set(lists_in), set(lists_in)) if names is None else names
    tags = {listing(kind, language) for language in lists_in}
    tags |= {titles(kind, language) for language in names.titles}
    tags |= {days(kind, language) for language in names.days}
    tags |= {item(kind, key, language) for key in keys for language in languages}
    if regions is None:
        tags |= {membership(kind, language) for language in lists_in}
    else:
        tags |= {region_listing(slug, language) for slug in regions for language in lists_in}
    return sorted(tags)
