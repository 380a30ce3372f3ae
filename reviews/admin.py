from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.languages import language_codes

from . import roles, snapshots, staff_security, workflow
from .coverage import coverage
from .diff import compare
from .models import AuditEntry, LanguageVersion, PublishedVersion, StaffProfile

Status = LanguageVersion.Status


def _of_this_version(published):
    """Published versions (a queryset) of the language version in the outer query."""
    return published.filter(
        kind=OuterRef("kind"), key=OuterRef("key"), language=OuterRef("language")
    )


class OutdatedFilter(admin.SimpleListFilter):
    title = gettext_lazy("translation outdated")
    parameter_name = "outdated"

    def lookups(self, request, model_admin):
        return [("yes", _("Outdated: English changed since approval"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            outdated = PublishedVersion.objects.live().filter(outdated=True)
            return queryset.filter(Exists(_of_this_version(outdated)))
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("review overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Next review date has passed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(Exists(_of_this_version(PublishedVersion.objects.overdue())))
        return queryset


class ReviewActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("submit", gettext_lazy("Submit for review")),
            ("approve", gettext_lazy("Approve and publish")),
            ("request_changes", gettext_lazy("Request changes")),
            ("withdraw", gettext_lazy("Withdraw from the public site (all languages)")),
        ]
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (required to request changes or withdraw)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@admin.register(LanguageVersion)
class LanguageVersionAdmin(admin.ModelAdmin):
    """The review queue: one row per language of each topic, region and notice."""

    list_display = [
        "key",
        "kind",
        "language",
        "status",
        "last_edited_by",
        "submitted_at",
        "is_outdated",
    ]
    list_filter = ["status", "language", "kind", OutdatedFilter, OverdueFilter]
    search_fields = ["key"]
    ordering = ["-submitted_at", "kind", "key", "language"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("last_edited_by")
            .annotate(
                outdated=Exists(
                    _of_this_version(PublishedVersion.objects.live().filter(outdated=True))
                )
            )
        )

    @admin.display(description=gettext_lazy("outdated"), boolean=True)
    def is_outdated(self, version):
        return version.outdated

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "queue/",
                self.admin_site.admin_view(self.queue_view),
                name="{}_{}_queue".format(*info),
            ),
            path(
                "coverage/",
                self.admin_site.admin_view(self.coverage_view),
                name="{}_{}_coverage".format(*info),
            ),
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="{}_{}_review".format(*info),
            ),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:reviews_languageversion_review", pk=object_id)

    def queue_view(self, request):
        """What awaits review per language, overdue reviews, outdated translations."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        languages = settings.LANGUAGES
        waiting = dict(
            LanguageVersion.objects.filter(status=Status.SUBMITTED)
            .values_list("language")
            .annotate(Count("pk"))
        )
        live = PublishedVersion.objects.live()
        overdue = dict(
            PublishedVersion.objects.overdue().values_list("language").annotate(Count("pk"))
        )
        outdated = dict(live.filter(outdated=True).values_list("language").annotate(Count("pk")))
        changelist = reverse("admin:reviews_languageversion_changelist")
        rows = [
            {
                "code": code,
                "name": name,
                "waiting": waiting.get(code, 0),
                "overdue": overdue.get(code, 0),
                "outdated": outdated.get(code, 0),
                "waiting_url": f"{changelist}?status=submitted&language={code}",
                "overdue_url": f"{changelist}?overdue=yes&language={code}",
                "outdated_url": f"{changelist}?outdated=yes&language={code}",
            }
            for code, name in languages
        ]
        submitted = (
            LanguageVersion.objects.filter(status=Status.SUBMITTED)
            .select_related("submitted_by", "last_edited_by")
            .order_by("submitted_at")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Review queue"),
            "rows": rows,
            "submitted": submitted,
            "reviewable": [
                code for code, _name in languages if roles.can_review(request.user, code)
            ],
        }
        return TemplateResponse(request, "admin/reviews/queue.html", context)

    def coverage_view(self, request):
        """The translation dashboard: per language, strings and topics."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Translation coverage"),
            "rows": coverage(),
        }
        return TemplateResponse(request, "admin/reviews/coverage.html", context)

    def review_view(self, request, pk):
        """One language version: its text against the live version, and the actions."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        version = get_object_or_404(LanguageVersion, pk=pk)
        try:
            obj = snapshots.get_object(version.kind, version.key)
        except ObjectDoesNotExist:
            raise Http404(_("The content of this version no longer exists.")) from None
        if request.method == "POST":
            form = ReviewActionForm(request.POST)
            if form.is_valid():
                return self._act(request, version, form.cleaned_data)
        else:
            form = ReviewActionForm()
        live = (
            PublishedVersion.objects.live(version.language)
            .filter(kind=version.kind, key=version.key)
            .select_related("approved_by")
            .first()
        )
        english = None
        if version.language != snapshots.SOURCE_LANGUAGE:
            english = snapshots.source_text(obj, snapshots.SOURCE_LANGUAGE)
        current = snapshots.source_text(obj, version.language)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Review: %(item)s") % {"item": version},
            "version": version,
            "live": live,
            "changes": compare(live.source if live else None, current, english),
            "is_translation": english is not None,
            "source_language": snapshots.SOURCE_LANGUAGE,
            "missing": snapshots.missing_texts(obj, version.language),
            "edit_url": reverse(
                f"admin:articles_{type(obj)._meta.model_name}_change", args=[obj.pk]
            ),
            "form": form,
            "can_submit": roles.can_submit(request.user, version.language),
            "can_review": roles.can_review(request.user, version.language),
            "can_withdraw": request.user.has_perm("reviews.withdraw_content"),
            "history": AuditEntry.objects.filter(kind=version.kind, key=version.key)
            .filter(Q(language=version.language) | Q(language=""))
            .select_related("actor")[:20],
        }
        return TemplateResponse(request, "admin/reviews/review.html", context)

    def _act(self, request, version, data):
        action, comment, user = data["action"], data["comment"], request.user
        if action in ("approve", "withdraw"):
            stale = staff_security.require_fresh_sign_in(request)
            if stale is not None:
                return stale
        try:
            if action == "submit":
                workflow.submit(version, by=user, comment=comment)
                messages.success(request, _("Submitted for medical review."))
            elif action == "approve":
                workflow.approve(version, reviewer=user, comment=comment)
                messages.success(request, _("Approved: this version is now public."))
            elif action == "request_changes":
                workflow.request_changes(version, reviewer=user, comment=comment)
                messages.success(request, _("Changes requested."))
            elif action == "withdraw":
                count = workflow.withdraw(version.kind, version.key, by=user, reason=comment)
                messages.success(
                    request,
                    _("Withdrawn from the public site (%(count)s published versions).")
                    % {"count": count},
                )
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
        return redirect("admin:reviews_languageversion_review", pk=version.pk)


@admin.register(PublishedVersion)
class PublishedVersionAdmin(admin.ModelAdmin):
    list_display = [
        "key",
        "kind",
        "language",
        "approved_at",
        "reviewer_credit",
        "next_review_due",
        "outdated",
        "is_current",
    ]
    list_filter = ["is_current", "outdated", "language", "kind"]
    search_fields = ["key"]
    exclude = ["search_text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the log is append-only."""

    list_display = ["at", "action", "kind", "key", "language", "actor", "comment"]
    list_filter = ["action", "language", "kind"]
    search_fields = ["key", "comment", "actor__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    extra = 0
    max_num = 1


class StaffProfileForm(forms.ModelForm):
    translation_languages = forms.MultipleChoiceField(
        label=gettext_lazy("translates into"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    review_languages = forms.MultipleChoiceField(
        label=gettext_lazy("qualified to review"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = StaffProfile
        fields = [
            "translation_languages",
            "review_languages",
            *(f"public_credit_{code}" for code in language_codes()),
        ]


StaffProfileInline.form = StaffProfileForm

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "get_full_name", "is_staff", "role_names"]
    list_filter = ["groups", "is_staff", "is_active"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=gettext_lazy("roles"))
    def role_names(self, user):
        return ", ".join(group.name for group in user.groups.all())
