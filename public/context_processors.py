from django.utils.html import format_html

from articles.languages import SOURCE_LANGUAGE, direction

from .emergency import requested_country
from .frame import ORIGINALS, Key


def frame_originals(request):
    """The English originals of the disclaimer and emergency notice, for pages whose
    notices cannot be read (no approved version yet, or the database is down)."""
    return {
        "original_disclaimer": ORIGINALS[Key.DISCLAIMER],
        "original_emergency": ORIGINALS[Key.EMERGENCY],
        "original_lang_attrs": format_html(
            'lang="{}" dir="{}"', SOURCE_LANGUAGE, direction(SOURCE_LANGUAGE)
        ),
    }


def reader_country(request):
    """The reader's country from the URL (`?country=XX`, public.emergency), for the links
    that carry it."""
    return {"reader_country": requested_country(request)}
