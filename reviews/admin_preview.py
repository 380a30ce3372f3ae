"""A version under review as the public will read it: rendered by the public templates
where its kind has a page (`preview_view` shows the whole page), else its parts in order,
with where its links lead. Nothing approved is rendered again: stored HTML is shown as it
is."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from articles.languages import SOURCE_LANGUAGE
from staff import roles

from . import planning, previews, rendering, workflow
from .admin_pages import page_context
from .models import LanguageVersion, PublishedVersion
from .registry import registry


def _html_texts(value) -> list[str]:
    """Every rendered (`*_html`) text of a payload, parts included, in order."""
    if isinstance(value, dict):
        return [
            text
            for name, item in value.items()
            for text in ([item] if name.endswith("_html") else _html_texts(item))
        ]
    if isinstance(value, list):
        return [text for item in value for text in _html_texts(item)]
    return []


def _link_targets(payload: dict) -> SafeString:
    """Where each link of the version leads, spelled out under the preview: a reviewer
    approves the targets too, which the rendered page itself does not show."""
    found = [link for text in _html_texts(payload) for link in rendering.links(text)]
    if not found:
        return mark_safe("")  # noqa: S308 - empty
    items = format_html_join(
        "",
        '<li>{} → <code class="link-target">{}</code></li>',
        ((text, target) for text, target in found),
    )
    return format_html(
        '<ul class="link-targets" aria-label="{}">{}</ul>', _("Where the links lead"), items
    )


def preview_html(value) -> SafeString:
    """The payload as the public will read it: its stored, sanitized HTML as it is, its
    plain texts escaped, every part in order. Nothing is rendered again here."""
    if isinstance(value, dict):
        rows = []
        for name, item in value.items():
            label = name.removesuffix("_html")
            if name.endswith("_html"):
                # Sanitized at approval time: exactly what the public page inserts.
                stored = mark_safe(item)  # noqa: S308
                rows.append(format_html("<dt>{}</dt><dd>{}</dd>", label, stored))
            else:
                rows.append(format_html("<dt>{}</dt><dd>{}</dd>", label, preview_html(item)))
        return format_html('<dl class="preview-fields">{}</dl>', mark_safe("".join(rows)))  # noqa: S308 - built from format_html pieces
    if isinstance(value, list):
        items = "".join(format_html("<li>{}</li>", preview_html(item)) for item in value)
        return format_html("<ol>{}</ol>", mark_safe(items))  # noqa: S308 - built from format_html pieces
    return format_html("{}", "" if value is None else value)


def _unpublished_version(
    request: HttpRequest, version: LanguageVersion, text: dict, english, shown: workflow.ShownText
) -> PublishedVersion:
    """What approving `text` now would publish, not saved: for the preview."""
    adapter = registry[version.kind]
    payload = adapter.render(version.key, text)
    credit = roles.public_credit(request.user, version.language)
    credit_text, credit_language = credit or (_("(your public credit)"), version.language)
    now = timezone.now()
    return PublishedVersion(
        kind=version.kind,
        key=version.key,
        language=version.language,
        payload=payload,
        source=text,
        fingerprint=shown.fingerprint,
        english_version=english,
        approved_by=request.user,
        reviewer_credit=credit_text,
        reviewer_credit_language=credit_language,
        approved_at=now,
        next_review_due=planning.planned_due(now),
    )


def public_preview(request, version: LanguageVersion, text: dict, english, shown) -> SafeString:
    """The version as the public will read it: the public page's content rendered by the
    public templates where the kind has a page, else its parts in order."""
    unpublished = _unpublished_version(request, version, text, english, shown)
    renderer = previews.renderer_for(version.kind)
    targets = _link_targets(unpublished.payload)
    if renderer is None:
        return format_html("{}{}", preview_html(unpublished.payload), targets)
    return format_html("{}{}", previews.main_content(renderer(request, unpublished)), targets)


def preview_view(model_admin, request: HttpRequest, pk: int, fingerprint: str) -> HttpResponse:
    """The whole public page of a version under review (header, notices, footer), with
    the public stylesheet: opened from the review page. It shows the text the review page
    showed (named by its fingerprint) or says that the text changed since."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    version = get_object_or_404(LanguageVersion, pk=pk)
    adapter = registry[version.kind]
    renderer = previews.renderer_for(version.kind)
    try:
        obj = adapter.get(version.key)
    except ObjectDoesNotExist:
        raise Http404(_("The content of this version no longer exists.")) from None
    english = (
        None if version.language == SOURCE_LANGUAGE else live_version(version, SOURCE_LANGUAGE)
    )
    text = adapter.source_text(obj, version.language)
    shown = workflow.shown_text(text, english)
    if renderer is None or shown.fingerprint != fingerprint:
        context = page_context(
            model_admin,
            request,
            _("Preview: %(item)s") % {"item": version},
            version=version,
            changed_since=renderer is not None,
        )
        return TemplateResponse(
            request, "admin/reviews/preview_unavailable.html", context, status=409
        )
    unpublished = _unpublished_version(request, version, text, english, shown)
    return HttpResponse(renderer(request, unpublished))


def live_version(version: LanguageVersion, language: str) -> PublishedVersion | None:
    return (
        PublishedVersion.objects.live(language)
        .filter(kind=version.kind, key=version.key)
        .select_related("approved_by")
        .first()
    )
