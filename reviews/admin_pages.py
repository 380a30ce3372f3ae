"""What every page of the review admin shares: the admin's context for a page."""

from __future__ import annotations


def page_context(model_admin, request, title: str, **extra) -> dict:
    """The admin site's context (sidebar, user links) with the page's title and values."""
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        **extra,
    }
