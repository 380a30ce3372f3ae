"""What partners need beyond the content (issue 25): a feed of every change and the
verification of approval receipts (the receipts and licence on every item are
`public.receipts`; clinical-code look-ups, the HL7 infobutton, `public.infobutton`).

A router of its own, added to the content API by `public.api`, which imports this
module; this module imports only what operations share (`public.api_conventions`). The
changes feed and the verify answers are read from the published snapshots themselves:
every approval is a snapshot (`approved_at`), every withdrawal is recorded on the
snapshots it took down (`withdrawn_at`), and snapshots are never deleted, so the feed
reaches back to the first approval and needs no second record that could disagree.

Freshness: these answers say `Cache-Control: no-cache` (a partner may keep a copy but
asks again, cheaply, with its ETag), so no shared cache can hold a "current" after a
withdrawal.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal

from django.db import connection
from django.db.models import CharField, Exists, F, Max, OuterRef, Subquery, Value
from django.http import HttpRequest
from django.urls import reverse
from django.utils.cache import patch_cache_control
from ninja import Path, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import Field

from reviews.models import ContentKind, PublishedVersion

from .api_conventions import ERRORS, MAX_PAGE_SIZE, LangPath, Language, public_api

router = Router(tags=["partners"])

FINGERPRINT = r"^[0-9a-f]{64}$"
FEED_KINDS = (ContentKind.TOPIC, ContentKind.REGION)
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
SINCE = Query(
    None,
    description="ISO 8601 time with its zone; changes at or after it (inclusive: keep the "
    "last `time` you saw and skip the ids you have already seen).",
)


def fresh(view):
    """Partner answers are revalidated on every use (see the module's docstring)."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers.pop("Cache-Control", None)
        patch_cache_control(response, no_cache=True, public=True)
        return response

    wrapped.__name__ = view.__name__
    return wrapped


# -- schemas ----------------------------------------------------------------------------


class Change(Schema):
    id: str = Field(description="Stable per event: a partner recognises one seen before.")
    time: datetime
    change: Literal["approved", "re-approved", "withdrawn"]
    kind: Literal["topic", "region"]
    slug: str
    language: str
    fingerprint: str
    api_url: str | None = Field(description="Where the item is now; None once withdrawn.")


class ChangePage(Schema):
    since: datetime | None
    count: int
    page: int
    page_size: int
    next: str | None
    items: list[Change]


class Verified(Schema):
    status: Literal["current", "superseded", "withdrawn"]
    kind: str
    slug: str
    language: str
    approved: datetime
    reviewed_by: str
    current_fingerprint: str | None = Field(
        description="When superseded: the fingerprint of the version live now."
    )
    withdrawn: datetime | None
    api_url: str | None


# -- the changes feed -------------------------------------------------------------------


EVENT_COLUMNS = ("pk", "kind", "key", "language", "fingerprint", "time", "event", "is_current")


def _events(language: str, since: datetime | None, columns=EVENT_COLUMNS, first: int = 0):
    """This language's approvals and withdrawals (at or after `since`), unordered: what
    orders, counts and pages them. Whether an approval replaced a live version is asked
    of the page's rows only (`_with_history`): asked in this query, it was asked of every
    event before the sort picked a page, 290 of 320 ms a page at +10,000 topics on
    PostgreSQL. `first`: only the first so many of each kind of event (in the feed's
    order), read from their index; the events up to the end of a page are among them."""
    # .order_by(): no default ordering inside the union (SQLite refuses it there).
    versions = PublishedVersion.objects.filter(language=language, kind__in=FEED_KINDS).order_by()
    approvals = versions.annotate(
        time=F("approved_at"), event=Value("approved", output_field=CharField())
    )
    withdrawals = versions.filter(withdrawn_at__isnull=False).annotate(
        time=F("withdrawn_at"), event=Value("withdrawn", output_field=CharField())
    )
    if since is not None:
        approvals = approvals.filter(approved_at__gte=since)
        withdrawals = withdrawals.filter(withdrawn_at__gte=since)
    approvals, withdrawals = approvals.values(*columns), withdrawals.values(*columns)
    # PostgreSQL sorted all of them to take a page: it plans a union's arms apart, so
    # neither came in its index's order. Each arm is cut to its own first events; SQLite
    # merges the arms in order as they are (and refuses a LIMIT in them).
    if first and connection.features.supports_slicing_ordering_in_compound:
        approvals = approvals.order_by("approved_at", "pk")[:first]
        withdrawals = withdrawals.order_by("withdrawn_at", "pk")[:first]
    return approvals.union(withdrawals, all=True)


def _with_history(rows: list[dict]) -> list[dict]:
    """The page's approvals with what came before each (one query): `had_previous`, an
    earlier version of the same item and language, and `previous_withdrawn_at`, when the
    one just before it was withdrawn (None: it was live until this approval replaced it,
    a re-approval)."""
    same = {"kind": OuterRef("kind"), "key": OuterRef("key"), "language": OuterRef("language")}
    earlier = PublishedVersion.objects.filter(**same, approved_at__lt=OuterRef("approved_at"))
    approved = [row["pk"] for row in rows if row["event"] == "approved"]
    history = {
        pk: (had_previous, withdrawn_at)
        for pk, had_previous, withdrawn_at in PublishedVersion.objects.filter(pk__in=approved)
        .annotate(
            had_previous=Exists(earlier),
            previous_withdrawn_at=Subquery(
                earlier.order_by("-approved_at").values("withdrawn_at")[:1]
            ),
        )
        .values_list("pk", "had_previous", "previous_withdrawn_at")
    }
    for row in rows:
        # (Snapshots are never deleted; a row gone since the page was read is labelled
        # as a first approval rather than failing the page.)
        approval = row["event"] == "approved"
        row["had_previous"], row["previous_withdrawn_at"] = (
            history.get(row["pk"], (False, None)) if approval else (False, None)
        )
    return rows


def _change(request: HttpRequest, row: dict) -> dict:
    if row["event"] == "withdrawn":
        change = "withdrawn"
    elif row["had_previous"] and row["previous_withdrawn_at"] is None:
        change = "re-approved"
    else:
        change = "approved"
    api_url = None
    if row["is_current"]:
        api_url = request.build_absolute_uri(
            reverse(f"api:{row['kind']}", kwargs={"lang": row["language"], "slug": row["key"]})
        )
    return {
        "id": f"{row['event']}-{row['pk']}",
        "time": row["time"],
        "change": change,
        "kind": row["kind"],
        "slug": row["key"],
        "language": row["language"],
        "fingerprint": row["fingerprint"],
        "api_url": api_url,
    }


@router.get(
    "/{lang}/changes/",
    response={200: ChangePage, **ERRORS},
    url_name="changes",
)
@decorate_view(fresh, public_api)
def list_changes(
    request: HttpRequest,
    lang: Language = LangPath,
    since: datetime | None = SINCE,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    """Every approval, re-approval and withdrawal of this language's topics and regions,
    oldest first. Follow `next` to the end, then poll again with `since`."""
    language = Language(lang).value
    raw = request.GET.get("since", "")
    if since is not None and not ISO_TIME.match(raw):
        return Status(400, {"detail": "Invalid since: an ISO 8601 time, e.g. 2026-12-01T00:00Z."})
    if since is not None and since.tzinfo is None:
        return Status(400, {"detail": "Invalid since: give a time zone (e.g. Z or +00:00)."})
    if since is not None:
        # Compare in UTC: PostgreSQL refuses a literal with an offset past ±15:59 (any
        # ISO offset is valid here), and a time near year 1 or 9999 may leave the
        # calendar in UTC, which is the client's error, not ours.
        try:
            since = since.astimezone(UTC)
        except OverflowError:
            detail = "Invalid since: the time is outside years 1 to 9999 in UTC."
            return Status(400, {"detail": detail})
    start = (page - 1) * page_size
    end = start + page_size + 1  # one more: is there a next page?
    rows = list(_events(language, since, first=end).order_by("time", "event", "pk")[start:end])
    # Counted on the events' ids alone: read from the indexes, not from every row.
    count = _events(language, since, columns=["pk"]).count()
    more = len(rows) > page_size
    base = request.build_absolute_uri(reverse("api:changes", kwargs={"lang": language}))
    query = f"&since={since.isoformat().replace('+', '%2B')}" if since else ""
    return {
        "since": since,
        "count": count,
        "page": page,
        "page_size": page_size,
        "next": f"{base}?page={page + 1}&page_size={page_size}{query}" if more else None,
        "items": [_change(request, row) for row in _with_history(rows[:page_size])],
    }


# -- verify -----------------------------------------------------------------------------


@router.get(
    "/verify/{fingerprint}",
    response={200: Verified, **ERRORS},
    url_name="verify",
)
@decorate_view(fresh, public_api)
def verify(request: HttpRequest, fingerprint: str = Path(..., pattern=FINGERPRINT)):
    """Is the text with this fingerprint the approved version now? `current`,
    `superseded` (with the current version's fingerprint) or `withdrawn`."""
    version = (
        PublishedVersion.objects.filter(fingerprint=fingerprint)
        .order_by("-approved_at")
        .only(*VERIFY_FIELDS)
        .first()
    )
    if version is None:
        return Status(404, {"detail": "No approved version has this fingerprint."})
    live = None
    if not version.is_current:
        live = (
            PublishedVersion.objects.live(version.language, version.kind)
            .filter(key=version.key)
            .only("fingerprint")
            .first()
        )
    if version.is_current:
        status = "current"
    elif live is not None:
        status = "superseded"
    else:
        status = "withdrawn"
    current = version if version.is_current else live
    api_url = None
    if current is not None and version.kind in FEED_KINDS:
        api_url = request.build_absolute_uri(
            reverse(f"api:{version.kind}", kwargs={"lang": version.language, "slug": version.key})
        )
    return {
        "status": status,
        "kind": version.kind,
        "slug": version.key,
        "language": version.language,
        "approved": version.approved_at,
        "reviewed_by": version.reviewer_credit,
        "current_fingerprint": live.fingerprint if live is not None else None,
        "withdrawn": _withdrawn_at(version) if status == "withdrawn" else None,
        "api_url": api_url,
    }


def _withdrawn_at(version) -> datetime | None:
    """When the item went off the site in this language (a superseded version's own row
    has no date: the withdrawal is recorded on the version it took down)."""
    return PublishedVersion.objects.filter(
        kind=version.kind, key=version.key, language=version.language
    ).aggregate(latest=Max("withdrawn_at"))["latest"]


VERIFY_FIELDS = (
    "kind",
    "key",
    "language",
    "fingerprint",
    "approved_at",
    "reviewer_credit",
    "is_current",
    "withdrawn_at",
)
