"""The append-only audit log every part writes: workflow actions, role and credit
changes, saved interface strings. The table keeps its first name
(`reviews_auditentry`): the model moved here from `reviews` without moving data."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.kinds import ContentKind

from .signals import announce


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        announce(self.model, created, using=self.db)
        return created


class AuditEntry(models.Model):
    """One workflow action. Append-only: never changed, never deleted."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted")
        APPROVE = "approve", _("Approved")
        REQUEST_CHANGES = "request_changes", _("Changes requested")
        WITHDRAW = "withdraw", _("Withdrawn")
        # Staff and interface records: `details` says what changed, from what to what.
        INTERFACE_STRING = "interface_string", _("Interface string changed")
        ROLES = "roles", _("Roles or languages changed")
        CREDIT = "credit", _("Public credit changed")
        # load_content --force replaced text someone had changed in the admin.
        LOAD_OVERRIDE = "load_override", _("Admin text overwritten from content files")
        # A password, second-factor device, recovery code or activation (staff.credentials).
        CREDENTIALS = "credentials", _("Credentials changed")
        # An earlier published version's text made the draft again (reviews.versions).
        RESTORE = "restore", _("Published version restored as a draft")

    action = models.CharField(_("action"), max_length=20, choices=Action)
    kind = models.CharField(_("kind"), max_length=10, choices=ContentKind, blank=True)
    key = models.SlugField(_("slug"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    fingerprint = models.CharField(_("text fingerprint"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        db_table = "reviews_auditentry"
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.kind} {self.key} [{self.language}]"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)
        announce(type(self), [self], using=self._state.db)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")
