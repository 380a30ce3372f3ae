"""The review admin's own pages: the queue, translation coverage, and one language
version's review page with its actions. Mounted by `LanguageVersionAdmin.get_urls`."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles.languages import SOURCE_LANGUAGE, direction
from articles.validators import reject_invisible_characters
from audit.models import AuditEntry
from staff import roles
from staff import security as staff_security
from staff.models import StaffProfile

from . import batch, content_rules, planning, previews, queue, rendering, versions, workflow
from .coverage import coverage
from .diff import compare
from .english_changes import english_changes
from .models import Invalidation, LanguageVersion, PublishedVersion
from .registry import registry

Status = LanguageVersion.Status


class ReviewForm(forms.Form):
    """The actions one person may take on one language version, and a comment."""

    ACTIONS = {
        "submit": gettext_lazy("Submit for review"),
        "approve": gettext_lazy("Approve and publish"),
        "request_changes": gettext_lazy("Request changes"),
        "withdraw": gettext_lazy("Withdraw from the public site (all languages)"),
    }

    action = forms.ChoiceField(label=gettext_lazy("Action"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=gettext_lazy("Comment (required to request changes or withdraw)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # What the page showed: an approval names exactly that text (workflow.ShownText).
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    english_fingerprint = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    # Set on the confirmation step of a withdrawal, once its effects were shown.
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)
    # The queue (its filters, as a query string) the reviewer came from: "approve and
    # open next" opens the next item of that queue.
    queue = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    # Approving a version with a new blocking content finding (reviews.content_rules)
    # needs a reason, kept in the audit log with the findings.
    override_reason = forms.CharField(
        label=gettext_lazy("Reason to approve despite the blocking findings"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # English approvals only (the field is removed otherwise): see workflow.approve_many.
    translations_unaffected = forms.BooleanField(
        label=gettext_lazy(
            "This change does not affect translations (a typo, a link): they stay current"
        ),
        required=False,
    )

    def __init__(
        self,
        data=None,
        *args,
        user,
        version: LanguageVersion,
        shown=None,
        findings=(),
        current=None,
        **kwargs,
    ):
        if data is not None and data.get("approve_next"):
            # The "Approve and open next" button is the approve action.
            data = data.copy()
            data["action"] = "approve"
        initial = kwargs.pop("initial", {})
        if shown is not None:
            initial |= {
                "fingerprint": shown.fingerprint,
                "english_fingerprint": shown.english_fingerprint,
            }
        super().__init__(data, *args, initial=initial, **kwargs)
        self.user, self.version = user, version
        self.open_next = bool(data is not None and data.get("approve_next"))
        self.blocking = [shown for shown in findings if shown.blocking and shown.new]
        self.current = current  # workflow.ShownText of the text as it is now
        if not self.blocking:
            del self.fields["override_reason"]
        allowed = self.allowed_actions(user, version.language)
        self.fields["action"].choices = [(name, self.ACTIONS[name]) for name in allowed]
        if version.language != SOURCE_LANGUAGE or "approve" not in allowed:
            del self.fields["translations_unaffected"]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("action") == "approve"
            and self.blocking
            and not cleaned.get("override_reason", "").strip()
            # A page shown before the text changed is refused as stale by the workflow.
            and self.current is not None
            and cleaned.get("fingerprint") == self.current.fingerprint
            and cleaned.get("english_fingerprint") == self.current.english_fingerprint
        ):
            self.add_error(
                "override_reason",
                _(
                    "This version has blocking findings in the content checks: type why "
                    "you approve it anyway, or request changes."
                ),
            )
        return cleaned

    @property
    def needs_confirmation(self) -> bool:
        return self.cleaned_data["action"] == "withdraw" and not self.cleaned_data["confirmed"]

    @staticmethod
    def allowed_actions(user, language: str) -> list[str]:
        allowed = []
        if roles.can_submit(user, language):
            allowed.append("submit")
        if roles.can_review(user, language):
            allowed += ["approve", "request_changes"]
        if user.has_perm("reviews.withdraw_content"):
            allowed.append("withdraw")
        return allowed

    def act(self) -> str:
        """Carry out the chosen action; returns the success message. Raises WorkflowError."""
        action, comment = self.cleaned_data["action"], self.cleaned_data["comment"]
        version, user = self.version, self.user
        if action == "submit":
            workflow.submit(version, by=user, comment=comment)
            return _("Submitted for medical review.")
        if action == "approve":
            shown = workflow.ShownText(
                self.cleaned_data["fingerprint"], self.cleaned_data["english_fingerprint"]
            )
            details = {}
            if self.blocking:
                details = {
                    "blocking_findings": [str(shown.finding) for shown in self.blocking],
                    "override_reason": self.cleaned_data.get("override_reason", "").strip(),
                }
            workflow.approve(
                version,
                reviewer=user,
                shown=shown,
                comment=comment,
                details=details,
                translations_unaffected=self.cleaned_data.get("translations_unaffected", False),
            )
            return _("Approved: this version is now public.")
        if action == "request_changes":
            workflow.request_changes(version, reviewer=user, comment=comment)
            return _("Changes requested.")
        count = workflow.withdraw(version.kind, version.key, by=user, reason=comment)
        return _("Withdrawn from the public site (%(count)s published versions).") % {
            "count": count
        }


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


def _context(model_admin, request, title: str, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        **extra,
    }


def queue_view(model_admin, request: HttpRequest) -> HttpResponse:
    """The review queue: one page of language versions, filtered, overdue first; and the
    figures per language (waiting, overdue, outdated). A fixed number of queries."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    filter_form = queue.QueueFilter(_queue_params(request.GET))
    filters = filter_form.filters()
    page = queue.page_of(request.user, filters, request.GET.get("page"))
    today = timezone.localdate()
    context = _context(
        model_admin,
        request,
        _("Review queue"),
        rows=_language_rows(),
        filter_form=filter_form,
        page=page,
        rows_of_page=[
            {
                "version": version,
                "age": (today - version.submitted_at.date()).days if version.submitted_at else None,
                "overdue": version.review_due is not None and version.review_due < today,
            }
            for version in page.object_list
        ],
        queue_query=_queue_query(filters),
        reviewable=queue.reviewable_languages(request.user),
    )
    return TemplateResponse(request, "admin/reviews/queue.html", context)


_QUEUE_PARAMS = ("mine", "language", "kind", "status", "due")


def _queue_params(params) -> QueryDict | None:
    """The queue's filters from a query string; "mine" of submitted items when none."""
    if not any(name in params for name in _QUEUE_PARAMS):
        return QueryDict("mine=on&status=submitted")
    return params


def _queue_query(filters: dict) -> str:
    query = QueryDict(mutable=True)
    for name in _QUEUE_PARAMS:
        value = filters.get(name)
        if value:
            query[name] = "on" if value is True else value
    return query.urlencode() or "status="


def _language_rows() -> list[dict]:
    """Per language: how many versions wait for review, are overdue or outdated."""
    submitted = LanguageVersion.objects.filter(status=Status.SUBMITTED)
    waiting = dict(submitted.values_list("language").annotate(Count("pk")))
    overdue = dict(PublishedVersion.objects.overdue().values_list("language").annotate(Count("pk")))
    outdated = dict(
        PublishedVersion.objects.live()
        .filter(outdated=True)
        .values_list("language")
        .annotate(Count("pk"))
    )
    held = dict(
        PublishedVersion.objects.filter(held=True).values_list("language").annotate(Count("pk"))
    )
    changelist = reverse("admin:reviews_languageversion_changelist")
    return [
        {
            "code": code,
            "name": name,
            "waiting": waiting.get(code, 0),
            "overdue": overdue.get(code, 0),
            "outdated": outdated.get(code, 0),
            "held": held.get(code, 0),
            "held_url": f"{changelist}?held=yes&language={code}",
            "waiting_url": f"{changelist}?status=submitted&language={code}",
            "overdue_url": f"{changelist}?overdue=yes&language={code}",
            "outdated_url": f"{changelist}?outdated=yes&language={code}",
        }
        for code, name in settings.LANGUAGES
    ]


def coverage_view(model_admin, request: HttpRequest) -> HttpResponse:
    """The translation dashboard: per language, strings and topics."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    context = _context(model_admin, request, _("Translation coverage"), rows=coverage())
    return TemplateResponse(request, "admin/reviews/coverage.html", context)


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


def review_view(model_admin, request: HttpRequest, pk: int) -> HttpResponse:
    """One language version: the actions first, then its page as the public will read it
    (rendered by the public templates), then the word diff of the fields that changed
    against the live version (a translation beside the approved English)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    version = get_object_or_404(LanguageVersion, pk=pk)
    adapter = registry[version.kind]
    try:
        obj = adapter.get(version.key)
    except ObjectDoesNotExist:
        raise Http404(_("The content of this version no longer exists.")) from None
    live = _live(version, version.language)
    is_translation = version.language != SOURCE_LANGUAGE
    # A translation is checked against the approved English, never the English draft.
    english = _live(version, SOURCE_LANGUAGE) if is_translation else None
    current = adapter.source_text(obj, version.language)
    # The fingerprints the approval will name are those of the text on this page (not a
    # second read, which an edit saved meanwhile could make differ from it).
    shown = workflow.shown_text(current, english)
    findings = content_rules.for_review(
        version.kind, version.key, version.language, current, english
    )
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data, user=request.user, version=version, findings=findings, current=shown)
    if request.method == "POST" and form.is_valid():
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
    english_draft = current if not is_translation else adapter.source_text(obj, SOURCE_LANGUAGE)
    changes_in_english = (
        english_changes(
            version.kind, version.key, version.language, draft=english_draft, approved=english
        )
        if is_translation
        else None
    )
    compared = live or (changes_in_english.translation if changes_in_english else None)
    # English under review beside live English: would approving it hold the translations?
    red_flags_change = (
        not is_translation
        and live is not None
        and adapter.red_flags(live.source) != adapter.red_flags(current)
    )
    # A held translation is compared with its held text: still this language's last
    # approved words, though readers get the English meanwhile.
    changes = compare(
        compared.source if compared else None,
        current,
        english.source if english else None,
        kind=version.kind,
    )
    queue_query = request.GET.get("queue", "") if request.method == "GET" else ""
    if request.method == "POST":
        queue_query = form.data.get("queue", "")
    context = _context(
        model_admin,
        request,
        _("Review: %(item)s") % {"item": version},
        version=version,
        live=live,
        english=english,
        changed=[change for change in changes if change.changed],
        unchanged=[change for change in changes if not change.changed],
        changes_in_english=changes_in_english,
        red_flags_change=red_flags_change,
        preview=_preview(request, version, current, english, shown),
        preview_url=reverse(
            "admin:reviews_languageversion_preview", args=[version.pk, shown.fingerprint]
        ),
        preview_direction=direction(version.language),
        is_translation=is_translation,
        source_language=SOURCE_LANGUAGE,
        missing=adapter.missing_texts(obj, version.language),
        edit_url=adapter.admin_change_url(obj),
        form=form
        if request.method == "POST"
        else ReviewForm(
            user=request.user,
            version=version,
            shown=shown,
            findings=findings,
            current=shown,
            initial={"queue": queue_query, **_pending_choice(request)},
        ),
        findings=findings,
        queue_url=reverse("admin:reviews_languageversion_queue") + f"?{queue_query}"
        if queue_query
        else reverse("admin:reviews_languageversion_queue"),
        contributors=version.contributors.all(),
        history=AuditEntry.objects.filter(kind=version.kind, key=version.key)
        .filter(Q(language=version.language) | Q(language=""))
        .select_related("actor")[:20],
    )
    return TemplateResponse(request, "admin/reviews/review.html", context)


def _review_url(version: LanguageVersion, queue_query: str) -> str:
    url = reverse("admin:reviews_languageversion_review", args=[version.pk])
    return f"{url}?{urlencode({'queue': queue_query})}" if queue_query else url


def _review_redirect(version: LanguageVersion, queue_query: str) -> HttpResponse:
    return redirect(_review_url(version, queue_query))


def _open_next(request: HttpRequest, version: LanguageVersion, queue_query: str) -> HttpResponse:
    """After "approve and open next": the next item of the reviewer's queue, in its order."""
    filters = queue.QueueFilter(_queue_params(QueryDict(queue_query))).filters()
    following = queue.next_in_queue(request.user, filters, after=version)
    if following is None:
        messages.info(request, _("Nothing else in this queue is waiting for you."))
        url = reverse("admin:reviews_languageversion_queue")
        return redirect(f"{url}?{queue_query}" if queue_query else url)
    return redirect(_review_url(following, queue_query))


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


def _preview(request, version: LanguageVersion, text: dict, english, shown) -> SafeString:
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
    english = None if version.language == SOURCE_LANGUAGE else _live(version, SOURCE_LANGUAGE)
    text = adapter.source_text(obj, version.language)
    shown = workflow.shown_text(text, english)
    if renderer is None or shown.fingerprint != fingerprint:
        context = _context(
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


def _live(version: LanguageVersion, language: str) -> PublishedVersion | None:
    return (
        PublishedVersion.objects.live(language)
        .filter(kind=version.kind, key=version.key)
        .select_related("approved_by")
        .first()
    )


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
    context = _context(
        model_admin,
        request,
        _("Withdraw %(item)s?") % {"item": version.key},
        version=version,
        effects=effects,
        form=confirm,
    )
    return TemplateResponse(request, "admin/reviews/confirm_withdrawal.html", context)


class CreditForm(forms.Form):
    """A reviewer's own public credit, per language: saving it confirms it."""

    def __init__(self, *args, profile, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[code] = forms.CharField(
                label=_(name),
                required=False,
                max_length=200,
                initial=getattr(profile, f"public_credit_{code}", "") or "",
                validators=[reject_invisible_characters],
            )


def credit_view(model_admin, request: HttpRequest) -> HttpResponse:
    """My public credit: the name and role printed under every page I approve."""
    profile = StaffProfile.objects.filter(user=request.user).first()
    if profile is None or not request.user.is_staff:
        raise PermissionDenied
    form = CreditForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        new = {code: " ".join(text.split()) for code, text in form.cleaned_data.items()}
        roles.set_credits(profile, new, by=request.user)
        messages.success(request, _("Your public credit is saved and confirmed."))
        return redirect("admin:reviews_languageversion_credit")
    context = _context(
        model_admin,
        request,
        _("My public credit"),
        form=form,
        confirmed=roles.credit_is_confirmed(request.user),
    )
    return TemplateResponse(request, "admin/reviews/credit.html", context)


PLANNING_WEEKS = 13


def planning_view(model_admin, request: HttpRequest) -> HttpResponse:
    """Per language and week: the versions falling due and the reviewers qualified."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    today = timezone.localdate()
    plan = planning.weeks(start=today, count=PLANNING_WEEKS)
    reviewers = planning.reviewers_by_language()
    overdue = dict(
        PublishedVersion.objects.overdue(today).values_list("language").annotate(Count("pk"))
    )
    languages = [
        {
            "code": code,
            "name": _(name),
            "weeks": plan[code],
            "reviewers": reviewers[code],
            "overdue": overdue.get(code, 0),
        }
        for code, name in settings.LANGUAGES
    ]
    context = _context(
        model_admin,
        request,
        _("Review planning"),
        languages=languages,
        week_starts=[week.start for week in plan[SOURCE_LANGUAGE]],
        interval=planning.interval_days(),
    )
    return TemplateResponse(request, "admin/reviews/planning.html", context)


def my_due_view(model_admin, request: HttpRequest) -> HttpResponse:
    """What falls due for review in the next 30 days in the languages I may approve."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    today = timezone.localdate()
    page = Paginator(planning.due_for(request.user, today=today), 100).get_page(
        request.GET.get("page")
    )
    versions = {
        (version.kind, version.key, version.language): version.pk
        for version in LanguageVersion.objects.filter(
            batch.items_filter((row.kind, row.key) for row in page.object_list)
        ).only("pk", "kind", "key", "language")
    }
    rows = [
        {
            "published": row,
            "overdue": row.next_review_due < today,
            "version_pk": versions.get((row.kind, row.key, row.language)),
        }
        for row in page.object_list
    ]
    context = _context(
        model_admin, request, _("My reviews due in the next 30 days"), page=page, rows=rows
    )
    return TemplateResponse(request, "admin/reviews/my_due.html", context)


class NoticesForm(forms.ModelForm):
    class Meta:
        model = StaffProfile
        fields = ["mail", "interface_language"]
        widgets = {"mail": forms.RadioSelect}


def notices_view(model_admin, request: HttpRequest) -> HttpResponse:
    """My review notices: at once or in a daily digest, and in which language."""
    profile = StaffProfile.objects.filter(user=request.user).first()
    if profile is None or not request.user.is_staff:
        raise PermissionDenied
    form = NoticesForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your choice of review notices is saved."))
        return redirect("admin:reviews_languageversion_notices")
    context = _context(
        model_admin, request, _("My review notices"), form=form, email=request.user.email
    )
    return TemplateResponse(request, "admin/reviews/notices.html", context)


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
    context = _context(
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
