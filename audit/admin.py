"""The audit log in the admin: readable by all staff, changed or deleted by nobody."""

from django.contrib import admin

from .models import AuditEntry


class ReadOnlyAdminMixin:
    """Viewable, never added, changed or deleted in the admin, by anyone."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: the log is append-only."""

    list_display = ["at", "action", "kind", "key", "language", "actor", "comment"]
    list_filter = ["action", "language", "kind"]
    search_fields = ["key", "comment", "actor__username"]
    date_hierarchy = "at"
