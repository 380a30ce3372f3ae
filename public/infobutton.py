"""The HL7 infobutton (context-aware knowledge retrieval) by clinical code, as MedlinePlus
Connect answers it: live topics carrying a reviewed ICD-10 or SNOMED CT code
(`Article.clinical_codes`, the indexed `PublishedVersion.codes` column), in every
language of the site, English marked `fallback`; JSON or an Atom feed.

A router of its own, added to the content API by `public.api`; it reuses the partners'
freshness rule (`public.partners.fresh`). Its operation keeps the id it was published
with (`public_partners_infobutton`) so the committed OpenAPI document did not change
when it moved here.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Literal

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from articles.languages import SOURCE_LANGUAGE
from reviews.models import ContentKind, PublishedVersion

from .api_conventions import ERRORS, public_api
from .partners import fresh
from .receipts import english_fingerprints, licence, receipt

router = Router(tags=["partners"])


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
                "receipt": receipt(request, version, english),
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


@router.get(
    "/infobutton",
    response={200: InfobuttonFeed, **ERRORS},
    url_name="infobutton",
    operation_id="public_partners_infobutton",
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
