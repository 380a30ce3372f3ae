"""What readers tell us about a topic page ("Is this page useful?", issue 23).

Never published: no public page, feed or API reads this table; the review page of the
topic's language version lists it (feedback.templatetags) and the review queue counts it
per language. Deleted after RETENTION_DAYS (`manage.py delete_old_feedback`, run daily by
deploy/systemd/healthsite-housekeeping.service; the README states the period).
"""

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.languages import language_choices

# Kept this long, then deleted (README "Reader feedback").
RETENTION_DAYS = 90
MAX_COMMENT_LENGTH = 1000


class ReaderFeedbackQuerySet(models.QuerySet):
    def expired(self, now=None):
        """What the retention period no longer allows us to keep."""
        return self.filter(created_at__lt=(now or timezone.now()) - timedelta(RETENTION_DAYS))


class ReaderFeedback(models.Model):
    """One answer to "Is this page useful?" on one topic in one language."""

    topic = models.SlugField(_("topic"))
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    useful = models.BooleanField(_("useful"))
    comment = models.TextField(_("comment"), blank=True, max_length=MAX_COMMENT_LENGTH)
    # The published version the page showed (its id, from the form's signed token), so a
    # reviewer knows which text the reader answered about. Not a foreign key: snapshots
    # belong to the review app, which reads this one.
    version_id = models.PositiveBigIntegerField(_("published version read"), null=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    # A keyed hash of the reader's address (never the address itself), only to limit
    # how often one address may send when the shared cache is unavailable (feedback.guard);
    # deleted with the row.
    address = models.CharField(max_length=64, editable=False, blank=True)

    objects = ReaderFeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reader feedback")
        verbose_name_plural = _("reader feedback")
        indexes = [
            models.Index(fields=["topic", "language", "created_at"], name="feedback_of_a_page"),
            models.Index(fields=["language", "useful"], name="feedback_per_language"),
            models.Index(fields=["created_at"], name="feedback_by_age"),
            models.Index(fields=["address", "created_at"], name="feedback_by_address"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} [{self.language}] {'yes' if self.useful else 'no'}"
