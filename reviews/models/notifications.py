"""Review notices waiting to be mailed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.kinds import ContentKind


class Notification(models.Model):
    """One thing a person should hear about, by e-mail (reviews.notifications): sent at
    once or in their daily digest. Unsent rows are retried by the digest run."""

    class Event(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        ENGLISH_CHANGED = "english_changed", _("The English version changed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REVIEW_DUE = "review_due", _("Review due")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField(_("event"), max_length=20, choices=Event)
    kind = models.CharField(_("kind"), max_length=10, choices=ContentKind)
    key = models.SlugField(_("slug"))
    language = models.CharField(_("language"), max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    due = models.DateField(_("review due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["sent_at", "recipient"], name="unsent_notifications"),
            models.Index(fields=["event", "kind", "key", "language", "due"], name="notices_of"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.kind} {self.key} [{self.language}] to {self.recipient_id}"
