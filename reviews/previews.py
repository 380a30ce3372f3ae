"""The review page's preview: a version rendered by the public site's own templates,
before its approval, exactly as the public will read it.

The public app renders pages and imports `reviews`; `reviews` never imports `public`
(DESIGN.md, Layout). So the public app registers one renderer per reviewed kind here when
it starts (`public.apps`), and the review admin asks for it by kind. A kind without a
public page of its own (site notices) has no renderer: the review page shows its fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from .models import PublishedVersion

# kind -> render(request, unsaved published version) -> the public page's whole HTML
Renderer = Callable[[HttpRequest, PublishedVersion], str]
_renderers: dict[str, Renderer] = {}


def register(kind: str, renderer: Renderer) -> None:
    _renderers[kind] = renderer


def renderer_for(kind: str) -> Renderer | None:
    return _renderers.get(kind)


# base.html has exactly one <main>: what the page shows of its own content.
_MAIN = re.compile(r"<main\b[^>]*>(?P<content>.*)</main>", re.DOTALL)


def main_content(page_html: str) -> SafeString:
    """The public page's own content (its <main>), for showing inside the review page:
    the header and footer around it are the site's, the same on every page."""
    found = _MAIN.search(page_html)
    return mark_safe(found["content"] if found else page_html)  # noqa: S308 - rendered by the public templates, which escape everything
