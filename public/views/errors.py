"""Error pages: 410 Gone for what was withdrawn, 404, and a 500 that never fails, plain
text being its last resort."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .. import readers
from .common import language_links

logger = logging.getLogger("public.views")


def _error_context(request: HttpRequest) -> dict:
    """Notices and language links for an error page; plain UI-string fallbacks when the
    database cannot be read (the templates show them when `notices` is None)."""
    try:
        notices = readers.site_notices(translation.get_language())
    except DatabaseError:
        logger.exception("Site notices unavailable for an error page")
        notices = None
    return {"notices": notices, **language_links(request), "alternates": []}


def gone_or_not_found(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """410 Gone for a withdrawn topic or region, naming the date and the regions to look
    in instead (never the withdrawn text); 404 for an address that never was published."""
    language = translation.get_language()
    withdrawn = readers.withdrawal(kind, slug, language)
    if withdrawn is None:
        raise Http404("Nothing was published here")
    regions = readers.regions_by_slug(withdrawn.regions, language)
    context = {
        **_error_context(request),
        "withdrawn_at": withdrawn.withdrawn_at,
        "regions": [
            {"shown": regions[key], "url": reverse("public:region", kwargs={"slug": key})}
            for key in withdrawn.regions
            if key in regions
        ],
    }
    return render(request, "410.html", context, status=410)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", _error_context(request), status=404)


# Last resort when even the 500 template cannot render: no database, no template engine.
# Its own text is English, whatever the site's languages.
FALLBACK_500 = """<!doctype html>
<html lang=en dir=ltr><head><meta charset="utf-8"><title>Server error</title></head>
<body><main><h1>Sorry, something went wrong</h1>
<p>Please try again in a few minutes.</p></main>
<p><strong>In an emergency, call your local emergency number now.</strong></p>
<p>This site gives general health information. It is not a diagnosis and not a substitute
for a doctor.</p></body></html>"""


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        context = _error_context(request)
    except Exception:  # an error page must not fail
        logger.exception("Error page context failed")
        context = {"notices": None}
    try:
        return HttpResponseServerError(render_to_string("500.html", context, request=request))
    except Exception:
        logger.exception("The 500 template failed to render")
        return HttpResponseServerError(FALLBACK_500)
