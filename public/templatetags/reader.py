"""The reader's country on a page: the emergency line's numbers and links that keep
`?country=XX` (public.emergency)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import translation

from public import emergency

register = template.Library()


def _country(context) -> str:
    request = context.get("request")
    return emergency.requested_country(request) if request is not None else ""


@register.simple_tag(takes_context=True)
def emergency_line(context) -> list[dict]:
    """The countries whose numbers the page's emergency line names."""
    notices = context.get("notices")
    notice = notices.emergency if notices else None
    numbers = notice.payload.get("numbers", []) if notice else []
    return emergency.line(numbers, translation.get_language(), _country(context))


@register.simple_tag(takes_context=True)
def site_url(context, view_name: str, **kwargs) -> str:
    """`{% url %}` for the public site, keeping the reader's country."""
    return with_country(reverse(view_name, kwargs=kwargs or None), _country(context))


@register.filter
def with_country(url: str, country: str) -> str:
    """`url` with `country=XX` added to its query (none when `country` is empty)."""
    if not country:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'country': country})}"


@register.simple_tag(takes_context=True)
def reader_country(context) -> str:
    return _country(context)
