"""The review admin: the review queue (one row per language version), published versions,
all read-only here: every change goes through `reviews.workflow`.

The pages of the queue, coverage and review live in `admin_views`; the admin of the
editable content in `admin_content`; staff accounts in `staff.admin`, the audit log in
`audit.admin`.
"""

from functools import partial

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy

from audit.admin import ReadOnlyAdminMixin

from . import admin_content, admin_views, admin_xliff  # noqa: F401 - registers their admins
from .models import Invalidation, LanguageVersion, PublishedVersion


def _of_this_version(published):
    """Published versions (a queryset) of the language version in the outer query."""
    return published.filter(
        kind=OuterRef("kind"), key=OuterRef("key"), language=OuterRef("language")
    )


class PublishedFilter(admin.SimpleListFilter):
    """Language versions whose live version matches `published` (a queryset)."""

    choice: str

    def lookups(self, request, model_admin):
        return [("yes", self.choice)]

    def published(self):
        raise NotImplementedError

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(Exists(_of_this_version(self.published())))
        return queryset


class OutdatedFilter(PublishedFilter):
    title = gettext_lazy("translation outdated")
    parameter_name = "outdated"
    choice = gettext_lazy("Outdated: English changed since approval")

    def published(self):
        return PublishedVersion.objects.live().filter(outdated=True)


class HeldFilter(PublishedFilter):
    title = gettext_lazy("red flags changed")
    parameter_name = "held"
    choice = gettext_lazy("Held: red flags changed in English, readers get the English page")

    def published(self):
        return PublishedVersion.objects.filter(held=True)


class OverdueFilter(PublishedFilter):
    title = gettext_lazy("review overdue")
    parameter_name = "overdue"
    choice = gettext_lazy("Next review date has passed")

    def published(self):
        return PublishedVersion.objects.overdue()


@admin.register(LanguageVersion)
class LanguageVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
    list_filter = ["status", "language", "kind", OutdatedFilter, HeldFilter, OverdueFilter]
    search_fields = ["key"]
    ordering = ["-submitted_at", "kind", "key", "language"]

    def get_queryset(self, request):
        outdated = PublishedVersion.objects.live().filter(outdated=True)
        return (
            super()
            .get_queryset(request)
            .select_related("last_edited_by")
            .annotate(outdated=Exists(_of_this_version(outdated)))
        )

    @admin.display(description=gettext_lazy("outdated"), boolean=True)
    def is_outdated(self, version):
        return version.outdated

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(partial(function, self))

        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("queue/", view(admin_views.queue_view), name=f"{name}_queue"),
            path("coverage/", view(admin_views.coverage_view), name=f"{name}_coverage"),
            path("<int:pk>/review/", view(admin_views.review_view), name=f"{name}_review"),
            path("<int:pk>/versions/", view(admin_views.versions_view), name=f"{name}_versions"),
            path(
                "<int:pk>/preview/<str:fingerprint>/",
                view(admin_views.preview_view),
                name=f"{name}_preview",
            ),
            path("planning/", view(admin_views.planning_view), name=f"{name}_planning"),
            path("my-reviews-due/", view(admin_views.my_due_view), name=f"{name}_my_due"),
            path("my-credit/", view(admin_views.credit_view), name=f"{name}_credit"),
            path("my-notices/", view(admin_views.notices_view), name=f"{name}_notices"),
            path("xliff/", view(admin_xliff.xliff_view), name=f"{name}_xliff"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:reviews_languageversion_review", pk=object_id)


@admin.register(PublishedVersion)
class PublishedVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "key",
        "kind",
        "language",
        "approved_at",
        "reviewer_credit",
        "next_review_due",
        "outdated",
        "held",
        "is_current",
    ]
    list_filter = ["is_current", "outdated", "held", "language", "kind"]
    search_fields = ["key"]
    exclude = ["sort_title", "codes"]


class PendingFilter(admin.SimpleListFilter):
    title = gettext_lazy("state")
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Pending: a cache not yet invalidated"))]

    def queryset(self, request, queryset):
        return queryset.pending() if self.value() == "yes" else queryset


@admin.register(Invalidation)
class InvalidationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The outbox of cache invalidations (reviews.publication): what each approval and
    withdrawal invalidated, and whether a cache is still to be purged."""

    list_display = [
        "seq",
        "reason",
        "created_at",
        "state",
        "page_cache_done_at",
        "frontends_done_at",
        "attempts",
    ]
    list_filter = [PendingFilter]
    fields = [
        "seq",
        "reason",
        "tags",
        "created_at",
        "page_cache_done_at",
        "frontends_done_at",
        "attempts",
        "last_error",
    ]

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj: Invalidation) -> str:
        if obj.pending:
            return gettext_lazy("pending: retried until it succeeds")
        return gettext_lazy("done")
