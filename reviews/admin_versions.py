"""Every published version of one item and language: view one as it was published,
compare any two, restore one as the new draft (reviews/versions.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from articles.languages import direction
from staff import roles

from . import previews, versions, workflow
from .admin_pages import page_context
from .admin_preview import preview_html
from .diff import compare
from .models import LanguageVersion


def versions_view(model_admin, request: HttpRequest, pk: int) -> HttpResponse:
    """Every published version of this item and language: view one as it was published,
    compare any two, restore one as the new draft (reviews/versions.py)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    version = get_object_or_404(LanguageVersion, pk=pk)
    published = list(versions.history(version.kind, version.key, version.language))
    by_pk = {str(item.pk): item for item in published}
    if request.method == "POST":
        chosen = by_pk.get(request.POST.get("published", ""))
        if chosen is None:
            messages.error(request, _("Choose a published version of this item to restore."))
        else:
            try:
                changed = versions.restore(chosen, by=request.user)
            except workflow.WorkflowError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "The text approved on %(date)s is the draft again. Submit it for "
                        "review as usual; you cannot approve it yourself."
                    )
                    % {"date": chosen.approved_at.date().isoformat()}
                    if changed
                    else _("The draft already holds that text; nothing changed."),
                )
                return redirect("admin:reviews_languageversion_review", pk=version.pk)
        return redirect("admin:reviews_languageversion_versions", pk=version.pk)
    shown = by_pk.get(request.GET.get("view", ""))
    first, second = by_pk.get(request.GET.get("a", "")), by_pk.get(request.GET.get("b", ""))
    renderer = previews.renderer_for(version.kind)
    view_html = None
    if shown is not None:
        view_html = (
            previews.main_content(renderer(request, shown))
            if renderer is not None
            else preview_html(shown.payload)
        )
    comparison = None
    if first is not None and second is not None:
        comparison = [change for change in compare(first.source, second.source) if change.changed]
    context = page_context(
        model_admin,
        request,
        _("Published versions: %(item)s") % {"item": version},
        version=version,
        published=published,
        shown=shown,
        view_html=view_html,
        first=first,
        second=second,
        comparison=comparison,
        preview_direction=direction(version.language),
        may_restore=roles.can_submit(request.user, version.language),
    )
    return TemplateResponse(request, "admin/reviews/versions.html", context)
