"""What happens when public content changes: invalidate exactly what changed, durably.

An approval or withdrawal calls `record()` inside its own transaction with the tags it
changed (reviews.cache_tags): one `Invalidation` row, the outbox. After the commit the
row is applied (`apply`) to the two caches that hold rendered public pages:

- the page cache in Django's shared cache (healthsite.page_cache): every tag has a token
  there (`tag:NAME`); a stored page keeps the tokens of its tags and is served only
  while they are unchanged. Applying a row gives its tags new random tokens (never a
  value used before, so a token can never come back), and changes the `pages:epoch`
  token that a page being rendered checks before it is stored;
- the HTTP caches in front (settings.FRONTEND_CACHE_URLS, Varnish with xkey): a `PURGE`
  naming the tags in `xkey-purge`, synchronously with a short timeout, and the same again
  FRONTEND_CACHE_REBAN_SECONDS later (a page rendered just before the change can reach the
  cache in front just after the first purge).

Grace. A re-approval replaces one approved version with another: until the page is rendered
again its previous copy is still approved text, so such a row (`grace`) lets a cache
serve the previous copy while one request renders the new one (no worker queues behind a
render, and no visitor waits): the page cache serves it only while another request holds
the render lock, and Varnish gets a soft purge (xkey.softpurge: objects expire and are
served within their grace while fetched again). A withdrawal, a site notice and
"everything" are hard: they also change the `pages:hard` token, and a stored copy older
than that token is never served again, in any state; Varnish gets a hard purge.

A row is done when both succeeded; until then it is pending: the admin lists it, and the
`apply_invalidations` command (a scheduler runs it every minute) applies it again. A
failed apply is logged and never fails the approval or withdrawal that made it.

A cache server that was unreachable during a change (Redis down or hung) may come back
with the data it had: pages and tokens from before the change. So the shared cache also
keeps `outbox:seen`, the newest row it has applied, and where the page cache is shared
between hosts every request first asks the database for rows newer than that or still
pending (one indexed query that returns nothing in the normal case,
PAGE_CACHE_OUTBOX_CHECK_SECONDS) and applies them before anything is read from the
cache. A cache that lost `outbox:seen` (restarted empty, or evicted) invalidates `all`.
The database is the source of truth; the cache only holds copies.

Alternatives measured or considered: one generation for the whole site (the previous
design: every approval emptied both caches, 0.04x throughput while publishing every 2 s);
per-tag counters (a restarted cache would count again from 1 and revive old pages);
Varnish bans on a tag header (work, but the ban list grows with every approval and the
ban lurker must walk it; xkey removes the objects at once).
"""

from __future__ import annotations

import functools
import logging
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from . import cache_tags
from .models import Invalidation

logger = logging.getLogger(__name__)

EPOCH_KEY = "pages:epoch"
# Changed by every invalidation without grace: copies stored before it are never served.
HARD_KEY = "pages:hard"
SEEN_KEY = "outbox:seen"
TAG_KEY = "tag:{}"
# A new token with every write of the keys above and of the catalogue generation
# (with_new_version): a worker that reads the same version may use what it read of them
# since (healthsite.page_cache.known).
VERSION_KEY = "pages:version"


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def new_token() -> str:
    # Never a value used before (unlike a counter that could restart from 1 after the
    # cache lost its keys): pages cached under an older token can never come back.
    return f"{time.time_ns():x}-{secrets.token_hex(4)}"


def tag_key(tag: str) -> str:
    return TAG_KEY.format(tag)


# -- recording ------------------------------------------------------------------------------


def record(tags: Iterable[str], *, reason: str, grace: bool = False) -> Invalidation | None:
    """In the transaction of a change: write the invalidation of `tags`, and apply it to
    the caches once the transaction commits (nothing happens if it rolls back). `grace`:
    the previous copies may be served while re-rendered (approvals only)."""
    tags = sorted(set(tags))
    if not tags:
        return None
    row = Invalidation.objects.create(tags=tags, reason=reason[:200], grace=grace)
    transaction.on_commit(lambda: apply([row.seq]))
    return row


ALL_PAGES = cache_tags.ALL


def changed(*, kind: str, key: str, tags: Iterable[str] | None = None) -> None:
    """Something outside the review workflow changed (by default the interface strings of
    language `key`): record its invalidation and apply it once committed."""
    if tags is None:
        tags = [cache_tags.whole_language(key)]
    with transaction.atomic():
        record(tags, reason=f"{kind} {key}")


# -- the page cache -------------------------------------------------------------------------


def invalidate_page_cache(tags: Iterable[str], *, grace: bool = False) -> None:
    """New tokens for `tags` and a new epoch, and without `grace` a new hard token
    (raises when the cache is unreachable)."""
    values = {tag_key(tag): new_token() for tag in tags}
    values[EPOCH_KEY] = new_token()
    if not grace:
        values[HARD_KEY] = new_token()
    _cache().set_many(with_new_version(values), None)


def with_new_version(values: dict) -> dict:
    """`values` of keys a page is checked against, and a new version written last, in
    the same call (Redis writes them at once; diskcache in this order)."""
    return {**values, VERSION_KEY: new_token()}


def _note_seen(seq: int) -> None:
    cache = _cache()
    seen = cache.get(SEEN_KEY)
    if seen is None or seen < seq:
        cache.set_many(with_new_version({SEEN_KEY: seq}), None)


def reset_seen() -> None:
    """The page cache has seen the newest row of this database's outbox (and no later)."""
    newest = Invalidation.objects.aggregate(newest=Max("seq"))["newest"] or 0
    _cache().set_many(with_new_version({SEEN_KEY: newest}), None)


def catch_up(seen: int | None) -> bool:
    """Apply to the page cache every row it has not seen (newer than `seen`, the cache's
    `outbox:seen`) or that is still pending. Runs before a request reads the cache where
    the cache is shared; raises when the cache is unreachable (the page is then rendered
    without it). Returns whether anything was applied."""
    if seen is None:
        # A cache that lost its record (restarted empty, or the key was evicted) may
        # still hold pages from before changes it never saw.
        invalidate_page_cache([cache_tags.ALL])
        reset_seen()
        logger.warning("Page cache had no outbox record: everything invalidated")
        return True
    rows = list(
        Invalidation.objects.filter(Q(seq__gt=seen) | Q(page_cache_done_at__isnull=True))
        .order_by("seq")
        .values_list("seq", "tags", "grace")
    )
    if not rows:
        return False
    invalidate_page_cache(
        {tag for _seq, tags, _grace in rows for tag in tags},
        grace=all(grace for _seq, _tags, grace in rows),
    )
    _note_seen(rows[-1][0])
    Invalidation.objects.filter(
        seq__in=[seq for seq, _tags, _grace in rows], page_cache_done_at__isnull=True
    ).update(page_cache_done_at=timezone.now())
    return True


# -- the HTTP caches in front -----------------------------------------------------------------


def purge_frontends(
    tags: list[str],
    urls: list[str] | None = None,
    *,
    grace: bool = False,
    timeout: float | None = None,
) -> list[str]:
    """Purge the objects tagged with any of `tags` from each HTTP cache in front
    (settings.FRONTEND_CACHE_URLS unless `urls` are given); returns the URLs that failed.
    With `grace` the purge is soft (`xkey-soft: 1`): the objects expire but may be served
    within their grace while fetched again. `timeout`: FRONTEND_CACHE_TIMEOUT unless
    given."""
    failed = []
    headers = {"xkey-purge": " ".join(tags)}
    if grace:
        headers["xkey-soft"] = "1"
    for url in getattr(settings, "FRONTEND_CACHE_URLS", []) if urls is None else urls:
        request = urllib.request.Request(  # noqa: S310 - operator-configured URL
            url.rstrip("/") + "/", method="PURGE", headers=headers
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=timeout or settings.FRONTEND_CACHE_TIMEOUT
            ) as response:
                if response.status != 200:
                    raise urllib.error.HTTPError(url, response.status, "unexpected", {}, None)
        except (OSError, urllib.error.HTTPError) as error:
            failed.append(url)
            logger.error("Frontend cache purge failed for %s: %s", url, error)
        else:
            logger.info("Frontend cache purged: %s (%s)", url, " ".join(tags))
    return failed


def start_timer(delay: float, function: Callable[..., object], *args: object) -> None:
    """Call function(*args) on a daemon thread `delay` seconds from now."""
    timer = threading.Timer(delay, function, args=args)
    timer.daemon = True
    timer.start()


# How the repeated purge is scheduled: schedule_later(delay, function, *args). A timer on
# the real clock here; tests put a recorder in its place and run what was scheduled
# themselves, so no test waits for the delay (tests/test_page_cache.py).
schedule_later: Callable[..., None] = start_timer


def _purge_again_later(tags: list[str], urls: list[str], grace: bool) -> None:
    delay = getattr(settings, "FRONTEND_CACHE_REBAN_SECONDS", 0)
    if delay and urls:
        # The same caches again (not whatever the settings name when the timer fires).
        schedule_later(delay, functools.partial(purge_frontends, grace=grace), tags, urls)


# -- applying the outbox ----------------------------------------------------------------------


def apply(seqs: list[int] | None = None) -> int:
    """Apply the named rows (every pending row when None) to the page cache, then to the
    HTTP caches in front; returns how many rows are still pending afterwards."""
    rows = Invalidation.objects.pending().order_by("seq")
    if seqs is not None:
        rows = rows.filter(seq__in=seqs)
    rows = list(rows)
    if not rows:
        return 0
    now = timezone.now()
    errors: dict[int, list[str]] = {row.seq: [] for row in rows}
    waiting = [row for row in rows if row.page_cache_done_at is None]
    if waiting:
        try:
            # Before the HTTP caches, so a cache in front that fetches again at once
            # gets a freshly rendered page, never the previous one from the page cache.
            invalidate_page_cache(
                {tag for row in waiting for tag in row.tags},
                grace=all(row.grace for row in waiting),
            )
            _note_seen(max(row.seq for row in waiting))
        except Exception as error:
            logger.exception("Page cache not invalidated for %s", [r.seq for r in waiting])
            for row in waiting:
                errors[row.seq].append(f"page cache: {error}")
        else:
            for row in waiting:
                row.page_cache_done_at = now
    urls = list(getattr(settings, "FRONTEND_CACHE_URLS", []))
    for row in rows:
        if row.frontends_done_at is not None:
            continue
        failed = purge_frontends(row.tags, urls, grace=row.grace)
        if failed:
            errors[row.seq].append("HTTP cache purge failed: " + ", ".join(failed))
        else:
            row.frontends_done_at = now
            _purge_again_later(row.tags, urls, row.grace)
    for row in rows:
        row.attempts += 1
        row.last_error = "\n".join(errors[row.seq])
    Invalidation.objects.bulk_update(
        rows, ["page_cache_done_at", "frontends_done_at", "attempts", "last_error"]
    )
    return sum(1 for row in rows if row.pending)


def prune(*, days: int) -> int:
    """Delete applied rows older than `days` (longer than any page is kept: a cache that
    comes back with older data holds no page older than its rows)."""
    before = timezone.now() - timedelta(days=days)
    deleted, _ = (
        Invalidation.objects.filter(created_at__lt=before)
        .exclude(page_cache_done_at__isnull=True)
        .exclude(frontends_done_at__isnull=True)
        .delete()
    )
    return deleted
