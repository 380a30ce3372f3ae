"""What every operation of the content API (/api/v1/) shares, wherever it is declared:
the answer's headers (public for a minute, readable from any origin), the language and
slug path parameters, page sizes and the error body. `public.api` and the partner
routers (`public.partners`, `public.infobutton`) import it; it imports neither.
"""

from __future__ import annotations

from enum import Enum
from functools import wraps

from django.views.decorators.cache import cache_control
from ninja import Path, Schema
from ninja.renderers import JSONRenderer

from articles.languages import language_codes

from . import readers

API_VERSION = "1"
MAX_AGE = 60  # as the pages: an approval or a withdrawal reaches everyone within a minute
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SLUG = r"^[-a-zA-Z0-9_]+$"

Language = Enum("Language", {code: code for code in language_codes()}, type=str)
LangPath = Path(..., description="en, ru, es or ar: the language wanted.")
SlugPath = Path(..., pattern=SLUG, max_length=readers.MAX_SLUG_LENGTH)


def public_api(view):
    """Cache-Control, CORS and cross-origin reading for every answer of an operation."""

    @cache_control(public=True, max_age=MAX_AGE)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if kwargs.get("lang") in language_codes():
            # The language asked for (LocaleMiddleware would name the browser's); each
            # item still says its own language, English where it stands in.
            response["Content-Language"] = kwargs["lang"]
        response["Access-Control-Allow-Origin"] = "*"
        # Other sites' scripts may read the API (the pages stay same-origin).
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    return wrapped


class ReadableJSON(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Arabic and Russian as text, not \\u escapes


class Error(Schema):
    detail: str


ERRORS = {400: Error, 404: Error}
