"""The review state of each language version."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.kinds import ContentKind
from articles.languages import language_choices


class LanguageVersion(models.Model):
    """The review state of one language of one topic, region or notice."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=10, choices=ContentKind)
    key = models.SlugField(_("slug"))
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    # Four eyes: who last changed this language's text, and what the text was then.
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    last_edited_at = models.DateTimeField(_("last edited"), null=True, blank=True)
    edited_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # Four eyes: everyone who changed this language's text since its last approval.
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("contributors")
    )
    comment = models.TextField(_("last review comment"), blank=True)
    # For the queue, measured at submission (reviews.queue): what a row shows without
    # reading the item's text, and how many words changed against the live version.
    title = models.CharField(_("title"), max_length=300, blank=True)
    change_size = models.PositiveIntegerField(_("words changed"), null=True, blank=True)
    # The live version's next review date (none when nothing is live in this language),
    # kept here by every step that changes it (reviews.planning.refresh_review_due) so the
    # queue filters and orders by it from an index: computed per row through the
    # published versions, the queue of every status took 441 ms at 2,032 topics.
    review_due = models.DateField(_("review due"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["kind", "key", "language"]
        verbose_name = _("language version")
        verbose_name_plural = _("language versions")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "language"], name="one_state_per_language_version"
            )
        ]
        indexes = [
            # The queue: a status in a language, oldest submission first.
            models.Index(fields=["status", "language", "submitted_at"], name="queue_order"),
            # The queue's order (due date, then submission) within a status, and for
            # every status.
            models.Index(fields=["status", "review_due", "submitted_at"], name="queue_by_due"),
            models.Index(fields=["review_due", "submitted_at"], name="queue_all_by_due"),
        ]
        permissions = [
            ("submit_english", _("Can submit English versions for review")),
            ("submit_translation", _("Can submit translations for review")),
            ("approve_version", _("Can approve or request changes (medical review)")),
            ("withdraw_content", _("Can withdraw content from the public site")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} [{self.language}]"
