"""The licence and the approval receipt every API item carries (issue 25): what a partner
keeps to prove its copy is the approved text, and `GET /api/v1/verify/{fingerprint}`
(`public.partners`) to check it later. Shared by the content answers (`public.api`) and
the partner routers, so neither imports the other.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Schema
from pydantic import Field

from reviews.models import PublishedVersion


class Licence(Schema):
    name: str = Field(description="The licence of the text, e.g. CC BY-ND 4.0.")
    url: str
    copyright_holder: str
    attribution: str = Field(description="The credit line to show beside the text.")


class ServedLanguage(Schema):
    language: str = Field(description="The language of the content returned.")
    fallback: bool = Field(description="True when this is English standing in for it.")
    licence: Licence = Field(description="The terms on which the text may be republished.")


class Receipt(Schema):
    """What a partner keeps to prove that its copy is the approved text."""

    fingerprint: str = Field(description="SHA-256 of the approved source text.")
    language: str
    approved: datetime
    reviewed_by: str
    english_fingerprint: str | None = Field(
        description="The approved English this translation was checked against (none for "
        "English itself)."
    )
    status: str = Field(
        description="`current`, or `outdated` when the English changed since this "
        "translation was approved."
    )
    verify_url: str = Field(description="GET it to learn whether this is still current.")


def licence() -> dict:
    return dict(settings.CONTENT_LICENCE)


def english_fingerprints(shown_items) -> dict[int, str]:
    """One query for a page of items: the fingerprint of each translation's English basis.
    Always exactly one (an id list of [0] when all are English), so an answer's query
    count does not depend on which languages its items happen to be in."""
    ids = {shown.version.english_version_id for shown in shown_items} - {None}
    rows = PublishedVersion.objects.filter(pk__in=sorted(ids) or [0])
    return dict(rows.values_list("pk", "fingerprint"))


def receipt(request: HttpRequest, version, english: dict[int, str] | None) -> dict:
    if english is None:
        english = english_fingerprints([SimpleNamespace(version=version)])
    return {
        "fingerprint": version.fingerprint,
        "language": version.language,
        "approved": version.approved_at,
        "reviewed_by": version.reviewer_credit,
        "english_fingerprint": english.get(version.english_version_id),
        "status": "outdated" if version.outdated else "current",
        "verify_url": request.build_absolute_uri(
            reverse("api:verify", kwargs={"fingerprint": version.fingerprint})
        ),
    }
