"""A public page is rendered once per change of what it shows: the shared page cache.

Middleware placed right after WhiteNoise (like Django's cache middleware). Public pages
are the same for every visitor of a URL, so the first anonymous GET or HEAD of a URL
renders it, and every later one, from any worker on any host that shares the cache
(diskcache on one host by default, Redis for several), gets the stored response without
running a query.

Tags, not generations. While a page renders, the readers note what it shows
(reviews.cache_tags: its item in its language, the lists it reads); the stored entry
keeps the current token of each tag, and a hit is served only while every token is
unchanged. An approval or withdrawal gives new tokens to exactly the tags it changed
(reviews.publication), so the rest of the site stays cached. The same tags go to the
HTTP cache in front in the `xkey` header, which the site purges by tag.

Keys name the URL (scheme, host, language, path and the query parameters a page reads:
PAGE_CACHE_QUERY_PARAMETERS; other parameters such as utm_source are left out of the key,
and a response to them is served from the cache but never stored) and the interface-
string catalogues the worker has loaded. A re-rendered page replaces its entry.

No daily cliff: a page is kept PAGE_CACHE_SECONDS, or until the day something it shows
changes (a review falls due: cache_tags.changes_on), whichever comes first; the HTTP
cache in front is told the same (Surrogate-Control: max-age, at most SURROGATE_MAX_AGE).

One render per cold page: the first request takes a short lock (PAGE_CACHE_LOCK_SECONDS)
and renders; others wait up to PAGE_CACHE_WAIT_SECONDS for its entry, then render
themselves. Serving while re-rendering: when the page is stale only because of re-approvals
(reviews.publication: invalidations with grace, no withdrawal or other hard change since
it was stored), every request gets the previous copy at once (`X-Page-Cache: stale`, kept
by the cache in front for PAGE_CACHE_STALE_SURROGATE_SECONDS) instead of waiting; once
that copy is sent, the page is queued for the page renderer (renderer.py: a process
beside the workers, started by gunicorn's master), which renders and stores the new
one, so no request worker spends a render on it, then soft-purges the page's own tag in
the cache in front; without a live renderer, the first request renders it. A background
fetch of the cache in front (no visitor waits for it) that finds such a page renders it
itself, so the cache in front gets the new page in one fetch. A render of such a page
that fails (answers 5xx) is answered with the previous copy. A page rendered while an
invalidation of what it shows was applied may show either state: it is sent with
Surrogate-Control: no-store and not kept. For a page rendered again, that is known from
the tokens its previous copy's tags had before the render (policy.Before), so approvals
of other pages do not stop it being stored; for a new page, from the `pages:epoch` token,
which every invalidation changes.

When the cache is unreachable (its client has connect and read timeouts of a fraction of
a second: settings), the page is rendered without it, and this worker leaves the cache
alone for PAGE_CACHE_RETRY_SECONDS, twice as long after each further failure in a row (at
most PAGE_CACHE_RETRY_MAX_SECONDS), so a hung Redis costs a worker one timeout every few
seconds, not one per request. Where the cache is shared between hosts, each request first
applies any invalidation the cache has not seen (reviews.publication.catch_up): a cache
that comes back with old data never serves a page from before a change.

What is stored: 200 responses whose Cache-Control says `public` (the views opt in), that
set no cookie and do not vary on Cookie (or on anything but the language of an unprefixed
URL). What is never looked up: /admin/ (and other PAGE_CACHE_EXCLUDED prefixes), requests
other than GET/HEAD, and requests carrying a session or CSRF cookie or credentials. Hits
keep the stored ETag and Cache-Control, and answer If-None-Match with 304; a miss renders
the whole page, stores it, then answers the same way (policy.unconditional).

The same middleware keeps each worker's interface strings current
(strings.sharing), reading the catalogue generation with the tokens.

A hit on a page a worker holds in memory reads one key while nothing changed: every write
of a token (an approval's, or the first one a miss makes), the outbox record or the
catalogue generation comes with a new `pages:version` (known.py).
"""

from .middleware import HEADER, PublicPageCache
from .policy import TAGS_HEADER, canonical_query, lifetime, request_is_cacheable, response_is_public

__all__ = [
    "HEADER",
    "TAGS_HEADER",
    "PublicPageCache",
    "canonical_query",
    "lifetime",
    "request_is_cacheable",
    "response_is_public",
]
