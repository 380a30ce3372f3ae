"""What partners need beyond the content (issue 25): a feed of every change, approval
receipts they can verify, the licence, and clinical-code look-ups (the HL7 infobutton).

Registered on the content API (`public.api.api`), which imports this module last. The
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
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Literal

from django.conf import settings
from django.db.models import CharField, Exists, F, Max, OuterRef, Q, Subquery, Value
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import override
from ninja import Path, Query, Schema, Status
from ninja.decorators import decorate_view
from pydantic import Field

from articles.languages import SOURCE_LANGUAGE
from reviews.models import ContentKind, PublishedVersion

from .api import (
    ERRORS,
    MAX_PAGE_SIZE,
    LangPath,
    Language,
    _receipt,
    api,
    english_fingerprints,
    licence,
    public_api,
)

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


def _events(language: str, since: datetime | None):
    # .order_by(): no default ordering inside the union (SQLite refuses it there).
    versions = PublishedVersion.objects.filter(language=language, kind__in=FEED_KINDS).order_by()
    same = {"kind": OuterRef("kind"), "key": OuterRef("key"), "language": OuterRef("language")}
    earlier = PublishedVersion.objects.filter(**same, approved_at__lt=OuterRef("approved_at"))
    # A re-approval replaced a live version: the one just before it was never withdrawn.
    previous_withdrawn = Subquery(earlier.order_by("-approved_at").values("withdrawn_at")[:1])
    approvals = versions.annotate(
        time=F("approved_at"),
        event=Value("approved", output_field=CharField()),
        had_previous=Exists(earlier),
        previous_withdrawn_at=previous_withdrawn,
    )
    withdrawals = versions.exclude(withdrawn_at=None).annotate(
        time=F("withdrawn_at"),
        event=Value("withdrawn", output_field=CharField()),
        had_previous=Value(False),
        previous_withdrawn_at=F("withdrawn_at"),
    )
    if since is not None:
        approvals = approvals.filter(approved_at__gte=since)
        withdrawals = withdrawals.filter(withdrawn_at__gte=since)
    columns = ["pk", "kind", "key", "language", "fingerprint", "time", "event"]
    columns += ["had_previous", "previous_withdrawn_at", "is_current"]
    return approvals.values(*columns).union(withdrawals.values(*columns), all=True)


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


@api.get(
    "/{lang}/changes/",
    response={200: ChangePage, **ERRORS},
    url_name="changes",
    tags=["partners"],
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
        # Compare in UTC: PostgreSQL refuses offsets past ±15:59 and a far offset on
        # 0001-01-01 leaves the calendar, so both are a client's error, not ours.
        try:
            if abs(since.utcoffset()) > timedelta(hours=14):
                raise OverflowError
            since = since.astimezone(UTC)
        except OverflowError:
            detail = "Invalid since: a time zone offset within ±14:00, a year from 1 to 9999."
            return Status(400, {"detail": detail})
    events = _events(language, since).order_by("time", "event", "pk")
    start = (page - 1) * page_size
    rows = list(events[start : start + page_size + 1])
    count = _events(language, since).count()
    more = len(rows) > page_size
    base = request.build_absolute_uri(reverse("api:changes", kwargs={"lang": language}))
    query = f"&since={since.isoformat().replace('+', '%2B')}" if since else ""
    return {
        "since": since,
        "count": count,
        "page": page,
        "page_size": page_size,
        "next": f"{base}?page={page + 1}&page_size={page_size}{query}" if more else None,
        "items": [_change(request, row) for row in rows[:page_size]],
    }


# -- verify -----------------------------------------------------------------------------


@api.get(
    "/verify/{fingerprint}",
    response={200: Verified, **ERRORS},
    url_name="verify",
    tags=["partners"],
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


# -- clinical codes: the HL7 infobutton -------------------------------------------------

# Code systems by the OID an infobutton request names (HL7 context-aware knowledge
# retrieval, as MedlinePlus Connect takes them). ICD-10-CM codes are matched by their WHO
# ICD-10 stem: G25.81 asks for G25.81, then G25.8, then G25.
CODE_SYSTEM_OIDS = {
    "2.16.840.1.113883.6.3": "ICD10",  # ICD-10 (WHO)
    "2.16.840.1.113883.6.90": "ICD10",  # ICD-10-CM
    "2.16.840.1.113883.6.96": "SNOMED",  # SNOMED CT
}
CODING_SYSTEM_NAMES = {"ICD10": "ICD-10", "SNOMED": "SNOMED CT"}
# MedlinePlus Connect's own spelling of Spanish ("sp") is accepted beside ISO 639-1.
LANGUAGE_ALIASES = {"sp": "es"}
INFOBUTTON_LIMIT = 10


class InfobuttonEntry(Schema):
    title: str
    summary: str
    url: str = Field(description="The topic's page.")
    api_url: str
    language: str = Field(description="The language of this entry's text.")
    fallback: bool = Field(description="English standing in: no approved translation yet.")
    codes: list[str]
    receipt: dict


class InfobuttonFeed(Schema):
    title: str
    updated: datetime
    language: str = Field(description="The language asked for.")
    code: str
    code_system: str
    licence: dict
    entries: list[InfobuttonEntry]


def _candidates(system: str, code: str) -> list[str]:
    """The codes to look for, most specific first."""
    wanted = [f"{system}:{code}"]
    if system == "ICD10":
        stem = code
        while "." in stem and len(stem.split(".", 1)[1]) > 1:
            stem = stem[:-1]
            wanted.append(f"{system}:{stem}")
        wanted.append(f"{system}:{code.split('.', 1)[0]}")
    return list(dict.fromkeys(wanted))


def topics_for_code(system: str, code: str, language: str):
    """Live topics carrying the most specific matching code: (snapshot, fallback) each,
    in `language` where approved there, else English. Two queries, on the code index."""
    for wanted in _candidates(system, code.upper()):
        live = PublishedVersion.objects.live(kind=ContentKind.TOPIC).filter(
            Q(language=language) | Q(language=SOURCE_LANGUAGE),
            codes__contains=f" {wanted} ",
        )
        keys = sorted(set(live.values_list("key", flat=True)))[:INFOBUTTON_LIMIT]
        if keys:
            versions = live.filter(key__in=keys)
            by_key: dict[str, dict[str, PublishedVersion]] = {}
            for version in versions:
                by_key.setdefault(version.key, {})[version.language] = version
            found = []
            for key in keys:
                here = by_key[key].get(language)
                found.append((here or by_key[key][SOURCE_LANGUAGE], here is None))
            return found
    return []


def _infobutton_feed(request: HttpRequest, system_oid: str, code: str, language: str) -> dict:
    system = CODE_SYSTEM_OIDS[system_oid]
    found = topics_for_code(system, code, language)
    english = english_fingerprints([SimpleNamespace(version=v) for v, _fallback in found])
    entries = []
    for version, fallback in found:
        with override(version.language):
            page = reverse("public:topic", kwargs={"slug": version.key})
        entries.append(
            {
                "title": version.payload.get("title", ""),
                "summary": version.payload.get("summary", ""),
                "url": request.build_absolute_uri(page),
                "api_url": request.build_absolute_uri(
                    reverse("api:topic", kwargs={"lang": language, "slug": version.key})
                ),
                "language": version.language,
                "fallback": fallback,
                "codes": version.payload.get("clinical_codes", []),
                "receipt": _receipt(request, version, english),
            }
        )
    updated = max((version.approved_at for version, _f in found), default=None)
    return {
        "title": f"{settings.CONTENT_LICENCE['copyright_holder']}: {system} {code}",
        "updated": updated or timezone.now(),
        "language": language,
        "code": code,
        "code_system": system_oid,
        "licence": licence(),
        "entries": entries,
    }


CODE = Query(
    ...,
    alias="mainSearchCriteria.v.c",
    min_length=1,
    max_length=20,
    pattern=r"^[0-9A-Za-z.]+$",
    description="The clinical code, e.g. R25.2.",
)
CODE_SYSTEM = Query(
    ...,
    alias="mainSearchCriteria.v.cs",
    description="The code system's OID: ICD-10 2.16.840.1.113883.6.3, ICD-10-CM "
    "2.16.840.1.113883.6.90, SNOMED CT 2.16.840.1.113883.6.96.",
)
RECIPIENT_LANGUAGE = Query(
    "en",
    alias="informationRecipient.languageCode.c",
    description="en, ru, es or ar (MedlinePlus Connect's sp for Spanish too).",
)
RESPONSE_TYPE = Query(
    "application/json",
    alias="knowledgeResponseType",
    description="application/json, or text/xml for an Atom feed.",
)


@api.get(
    "/infobutton",
    response={200: InfobuttonFeed, **ERRORS},
    url_name="infobutton",
    tags=["partners"],
    openapi_extra={
        "responses": {200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}}}
    },
)
@decorate_view(fresh, public_api)
def infobutton(
    request: HttpRequest,
    code: str = CODE,
    system_oid: Literal[
        "2.16.840.1.113883.6.3", "2.16.840.1.113883.6.90", "2.16.840.1.113883.6.96"
    ] = CODE_SYSTEM,
    language: Literal["en", "ru", "es", "ar", "sp"] = RECIPIENT_LANGUAGE,
    response_type: Literal["application/json", "text/xml"] = RESPONSE_TYPE,
):
    """HL7 infobutton (context-aware knowledge retrieval) by clinical code, as MedlinePlus
    Connect answers it, in every language of the site. Topics with no approved
    translation come in English, marked `fallback`."""
    language = LANGUAGE_ALIASES.get(language, language)
    feed = _infobutton_feed(request, system_oid, code, language)
    if response_type == "text/xml":
        return HttpResponse(atom(feed), content_type="application/atom+xml; charset=utf-8")
    return feed


def atom(feed: dict) -> bytes:
    """The same answer as an Atom feed (RFC 4287), as MedlinePlus Connect's XML."""
    from xml.etree.ElementTree import Element, SubElement, tostring

    ns = "http://www.w3.org/2005/Atom"
    root = Element("feed", {"xmlns": ns, "xml:lang": feed["language"]})
    SubElement(root, "title").text = feed["title"]
    SubElement(root, "updated").text = feed["updated"].isoformat()
    SubElement(root, "id").text = f"urn:healthsite:infobutton:{feed['code_system']}:{feed['code']}"
    SubElement(root, "rights").text = feed["licence"]["attribution"]
    for entry in feed["entries"]:
        item = SubElement(root, "entry", {"xml:lang": entry["language"]})
        SubElement(item, "title").text = entry["title"]
        SubElement(item, "link", {"href": entry["url"], "rel": "alternate"})
        SubElement(item, "id").text = entry["url"]
        SubElement(item, "summary").text = entry["summary"]
        SubElement(item, "updated").text = entry["receipt"]["approved"].isoformat()
        for code in entry["codes"]:
            system, _sep, value = code.partition(":")
            SubElement(item, "category", {"term": value, "scheme": CODING_SYSTEM_NAMES[system]})
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root, encoding="utf-8")
