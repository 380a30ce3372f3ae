"""One language version's review page and its actions: the actions first, the preview,
the changed fields, the content findings and the history; a withdrawal's confirmation
step; "approve and open next" in the reviewer's queue order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.languages import SOURCE_LANGUAGE, direction
from audit.models import AuditEntry
from staff import security as staff_security

from . import content_rules, queue, workflow
from .admin_pages import page_context
from .admin_preview import live_version, public_preview
from .admin_queue import queue_params
from .admin_review_form import ReviewForm
from .diff import compare
from .english_changes import english_changes
from .models import Invalidation, LanguageVersion
from .registry import registry


def _warn_of_pending_purges(request: HttpRequest) -> None:
    """Say so when a cache could not be invalidated (reviews.publication retries it)."""
    pending = Invalidation.objects.pending().count()
    if pending:
        messages.warning(
            request,
            ngettext(
                "%(count)d cache invalidation is still pending: a cache was unreachable. "
                "It is retried until it succeeds; see Cache invalidations.",
                "%(count)d cache invalidations are still pending: a cache was unreachable. "
                "They are retried until they succeed; see Cache invalidations.",
                pending,
            )
            % {"count": pending},
        )


def _pending_choice(request: HttpRequest) -> dict[str, str]:
    """The action and comment the reviewer chose before signing in again, to fill in
    (the fingerprints stay those of the text shown now); a message says what is next."""
    pending = staff_security.pending_action(request) if request.method == "GET" else None
    if not pending:
        return {}
    action = (pending.get("action") or [""])[0]
    if pending.get("approve_next"):
        action = "approve"
    choice = {"action": action, "comment": (pending.get("comment") or [""])[0]}
    label = ReviewForm.ACTIONS.get(action)
    if label:
        messages.info(
            request,
            _(
                "You are signed in again. Your choice (%(action)s) and your comment are "
                "filled in below; nothing has been done yet. Check the text, then press "
                "Confirm to carry it out."
            )
            % {"action": label},
        )
    return choice


@dataclass(frozen=True)
class _Subject:
    """What the review page is about: the version, its content and the texts compared."""

    version: LanguageVersion
    adapter: Any
    obj: Any
    live: Any  # this language's live version, or None
    english: Any  # for a translation, the approved English it is checked against
    current: dict  # the text under review
    shown: Any  # the text on this page and its fingerprints (workflow.shown_text)
    findings: Any

    @property
    def is_translation(self) -> bool:
        return self.version.language != SOURCE_LANGUAGE


def _subject(version: LanguageVersion) -> _Subject:
    adapter = registry[version.kind]
    try:
        obj = adapter.get(version.key)
    except ObjectDoesNotExist:
        raise Http404(_("The content of this version no longer exists.")) from None
    live = live_version(version, version.language)
    is_translation = version.language != SOURCE_LANGUAGE
    # A translation is checked against the approved English, never the English draft.
    english = live_version(version, SOURCE_LANGUAGE) if is_translation else None
    current = adapter.source_text(obj, version.language)
    # The fingerprints the approval will name are those of the text on this page (not a
    # second read, which an edit saved meanwhile could make differ from it).
    shown = workflow.shown_text(current, english)
    findings = content_rules.for_review(
        version.kind, version.key, version.language, current, english
    )
    return _Subject(version, adapter, obj, live, english, current, shown, findings)


def _act(model_admin, request: HttpRequest, version: LanguageVersion, form) -> HttpResponse:
    """Carry out the reviewer's valid choice; where to go next."""
    if form.cleaned_data["action"] in ("approve", "withdraw"):
        stale = staff_security.require_fresh_sign_in(request)
        if stale is not None:
            return stale
    if form.needs_confirmation:
        return _confirm_withdrawal(model_admin, request, version, form)
    try:
        messages.success(request, form.act())
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        _warn_of_pending_purges(request)
        if form.open_next:
            return _open_next(request, version, form.cleaned_data["queue"])
    return _review_redirect(version, form.cleaned_data["queue"])


def _comparison(subject: _Subject) -> dict:
    """The changed and unchanged fields against the live version (or, for a translation
    with none, the held one), what changed in English meanwhile, and whether English under
    review changes the red flags."""
    version, adapter, english = subject.version, subject.adapter, subject.english
    is_translation = subject.is_translation
    english_draft = (
        subject.current if not is_translation else adapter.source_text(subject.obj, SOURCE_LANGUAGE)
    )
    changes_in_english = (
        english_changes(
            version.kind, version.key, version.language, draft=english_draft, approved=english
        )
        if is_translation
        else None
    )
    live = subject.live
    compared = live or (changes_in_english.translation if changes_in_english else None)
    # English under review beside live English: would approving it hold the translations?
    red_flags_change = (
        not is_translation
        and live is not None
        and adapter.red_flags(live.source) != adapter.red_flags(subject.current)
    )
    # A held translation is compared with its held text: still this language's last
    # approved words, though readers get the English meanwhile.
    changes = compare(
        compared.source if compared else None,
        subject.current,
        english.source if english else None,
        kind=version.kind,
    )
    return {
        "changed": [change for change in changes if change.changed],
        "unchanged": [change for change in changes if not change.changed],
        "changes_in_english": changes_in_english,
        "red_flags_change": red_flags_change,
    }


def _queue_query(request: HttpRequest, form: ReviewForm) -> str:
    """The reviewer's queue filters, kept from page to page."""
    if request.method == "POST":
        return form.data.get("queue", "")
    return request.GET.get("queue", "") if request.method == "GET" else ""


def _form_shown(request: HttpRequest, subject: _Subject, form, queue_query: str) -> ReviewForm:
    """The form as sent (with its errors), or a new one with any choice pending a fresh
    sign-in filled in."""
    if request.method == "POST":
        return form
    return ReviewForm(
        user=request.user,
        version=subject.version,
        shown=subject.shown,
        findings=subject.findings,
        current=subject.shown,
        initial={"queue": queue_query, **_pending_choice(request)},
    )


def _history(version: LanguageVersion):
    """The last 20 audit entries of this version's content, in this language or all."""
    return (
        AuditEntry.objects.filter(kind=version.kind, key=version.key)
        .filter(Q(language=version.language) | Q(language=""))
        .select_related("actor")[:20]
    )


def review_view(model_admin, request: HttpRequest, pk: int) -> HttpResponse:
    """One language version: the actions first, then its page as the public will read it
    (rendered by the public templates), then the word diff of the fields that changed
    against the live version (a translation beside the approved English)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    version = get_object_or_404(LanguageVersion, pk=pk)
    subject = _subject(version)
    shown, findings = subject.shown, subject.findings
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data, user=request.user, version=version, findings=findings, current=shown)
    if request.method == "POST" and form.is_valid():
        return _act(model_admin, request, version, form)
    comparison = _comparison(subject)
    queue_query = _queue_query(request, form)
    queue_url = reverse("admin:reviews_languageversion_queue")
    context = page_context(
        model_admin,
        request,
        _("Review: %(item)s") % {"item": version},
        version=version,
        live=subject.live,
        english=subject.english,
        **comparison,
        preview=public_preview(request, version, subject.current, subject.english, shown),
        preview_url=reverse(
            "admin:reviews_languageversion_preview", args=[version.pk, shown.fingerprint]
        ),
        preview_direction=direction(version.language),
        is_translation=subject.is_translation,
        source_language=SOURCE_LANGUAGE,
        missing=subject.adapter.missing_texts(subject.obj, version.language),
        edit_url=subject.adapter.admin_change_url(subject.obj),
        form=_form_shown(request, subject, form, queue_query),
        findings=findings,
        queue_url=f"{queue_url}?{queue_query}" if queue_query else queue_url,
        contributors=version.contributors.all(),
        history=_history(version),
    )
    return TemplateResponse(request, "admin/reviews/review.html", context)


def _review_url(version: LanguageVersion, queue_query: str) -> str:
    url = reverse("admin:reviews_languageversion_review", args=[version.pk])
    return f"{url}?{urlencode({'queue': queue_query})}" if queue_query else url


def _review_redirect(version: LanguageVersion, queue_query: str) -> HttpResponse:
    return redirect(_review_url(version, queue_query))


def _open_next(request: HttpRequest, version: LanguageVersion, queue_query: str) -> HttpResponse:
    """After "approve and open next": the next item of the reviewer's queue, in its order."""
    filters = queue.QueueFilter(queue_params(QueryDict(queue_query))).filters()
    following = queue.next_in_queue(request.user, filters, after=version)
    if following is None:
        messages.info(request, _("Nothing else in this queue is waiting for you."))
        url = reverse("admin:reviews_languageversion_queue")
        return redirect(f"{url}?{queue_query}" if queue_query else url)
    return redirect(_review_url(following, queue_query))


def _confirm_withdrawal(model_admin, request, version, form) -> HttpResponse:
    """The step before a withdrawal: what else changes on the public site."""
    try:
        effects = workflow.withdrawal_effects(version.kind, version.key)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        return redirect("admin:reviews_languageversion_review", pk=version.pk)
    confirm = ReviewForm(
        initial={"action": "withdraw", "comment": form.cleaned_data["comment"], "confirmed": True},
        user=request.user,
        version=version,
    )
    context = page_context(
        model_admin,
        request,
        _("Withdraw %(item)s?") % {"item": version.key},
        version=version,
        effects=effects,
        form=confirm,
    )
    return TemplateResponse(request, "admin/reviews/confirm_withdrawal.html", context)
