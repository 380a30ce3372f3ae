"""Public pages of a version that is not published yet, for the review page's preview
(`reviews.previews`): the same context builders and templates as the live pages, with
the to-be-approved payload in an unsaved `PublishedVersion`, in the version's language.

Language links and notices are those live now; the page is the one the public would get
at the moment of approval, in the version's own language and direction.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation

from articles.languages import language_codes
from reviews.models import ContentKind, PublishedVersion

from . import readers, views


def _published_in(version: PublishedVersion) -> list[str]:
    """The languages the page would be published in once `version` is approved."""
    live = set(
        PublishedVersion.objects.live(kind=version.kind)
        .filter(key=version.key)
        .values_list("language", flat=True)
    )
    live.add(version.language)
    return [code for code in language_codes() if code in live]


def topic(request: HttpRequest, version: PublishedVersion) -> str:
    with translation.override(version.language):
        shown = readers.ServedVersion(version, version.language)
        context = views.topic_context(request, shown, _published_in(version))
        return render_to_string("public/topic.html", context, request=request)


def region(request: HttpRequest, version: PublishedVersion) -> str:
    with translation.override(version.language):
        shown = readers.ServedVersion(version, version.language)
        context = views.region_context(request, shown, _published_in(version))
        return render_to_string("public/region.html", context, request=request)


RENDERERS = {ContentKind.TOPIC: topic, ContentKind.REGION: region}
