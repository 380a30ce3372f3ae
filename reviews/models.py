"""The review promise's records: the state of each language version and the frozen
published snapshots the public reads. Staff profiles live in `staff`, the audit log in
`audit`, search entries in `search`. `ContentKind` and `language_choices` are imported
here from `articles` (earlier migrations name `reviews.models.language_choices`)."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from articles.kinds import ContentKind
from articles.languages import direction, language_choices

__all__ = [
    "ContentKind",
    "LanguageVersion",
    "Placement",
    "PublishedVersion",
    "RelatedLink",
    "language_choices",
]


class TextAsWrittenEncoder(DjangoJSONEncoder):
    """JSON with every character as itself, not as a \\u escape: Cyrillic and Arabic text
    stored in UTF-8 takes a third of the room (SQLite stores the JSON text as given;
    PostgreSQL's jsonb is the same either way). The values are unchanged."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


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


def codes_text(payload: dict) -> str:
    """A snapshot's clinical codes as one searchable column (" ICD10:R25.2 SNOMED:1 "),
    so the infobutton finds topics by code from an index, never by reading payloads."""
    codes = payload.get("clinical_codes") or []
    return f" {' '.join(codes)} " if codes else ""


class PublishedVersionQuerySet(models.QuerySet):
    def live(self, language: str | None = None, kind: str | None = None):
        """What the public may see: the current approved snapshot, never withdrawn."""
        versions = self.filter(is_current=True)
        if language is not None:
            versions = versions.filter(language=language)
        if kind is not None:
            versions = versions.filter(kind=kind)
        return versions

    def topics(self, language: str | None = None):
        return self.live(language, ContentKind.TOPIC)

    def with_first_published(self):
        """Annotate `first_published`: when this language version was first approved since
        it was last withdrawn (re-reviews keep the date; a withdrawal starts it anew)."""
        same = {"kind": OuterRef("kind"), "key": OuterRef("key"), "language": OuterRef("language")}
        withdrawn_since = self.model.objects.filter(
            **same, withdrawn_at__gte=OuterRef("approved_at")
        )
        first = (
            self.model.objects.filter(**same)
            .exclude(Exists(withdrawn_since))
            .order_by("approved_at")
            .values("approved_at")[:1]
        )
        return self.annotate(first_published=Subquery(first))

    def overdue(self, today=None):
        return self.live().filter(next_review_due__lt=today or timezone.localdate())


class PublishedVersion(models.Model):
    """A frozen, approved language version: sanitized HTML exactly as approved."""

    kind = models.CharField(_("kind"), max_length=10, choices=ContentKind)
    key = models.SlugField(_("slug"))
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    payload = models.JSONField(_("published content"), encoder=TextAsWrittenEncoder)
    source = models.JSONField(_("source text as approved"), encoder=TextAsWrittenEncoder)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    english_version = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("checked against English version"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    reviewer_credit = models.CharField(_("reviewer credit"), max_length=200)
    # The credit's own language: the version's, or the source language where the
    # reviewer has no credit written in the version's language.
    reviewer_credit_language = models.CharField(
        _("reviewer credit language"), max_length=10, choices=language_choices
    )
    approved_at = models.DateTimeField(_("approved"))
    next_review_due = models.DateField(_("next review due"))
    is_current = models.BooleanField(_("current"), default=True)
    outdated = models.BooleanField(
        _("outdated"),
        default=False,
        help_text=_("The English version changed after this translation was approved."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # A translation taken off the public because an English approval changed the red
    # flags (warning signs) it was checked against: not current (readers of its language
    # get the approved English page) until its language is approved again, which clears
    # the hold. See reviews.english_changes.
    held = models.BooleanField(
        _("held: red flags changed"),
        default=False,
        help_text=_(
            "The English warning signs changed after this translation was approved: readers "
            "get the English page until the translation is approved again."
        ),
    )
    held_at = models.DateTimeField(_("held since"), null=True, blank=True)
    # The title folded (search.folding.fold), so that lists sort and page in the database
    # without reading every payload.
    sort_title = models.TextField(editable=False, blank=True)
    # The payload's clinical codes, space-separated and space-framed (codes_text),
    # for the infobutton's look-up by code.
    codes = models.TextField(editable=False, blank=True, default="")

    objects = PublishedVersionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "key", "language", "-approved_at"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            # Two concurrent approvals can never both become the live version.
            models.UniqueConstraint(
                fields=["kind", "key", "language"],
                condition=models.Q(is_current=True),
                name="one_live_version_per_language",
            )
        ]
        indexes = [
            models.Index(fields=["language", "kind", "is_current"]),
            # Lists and sitemaps of live versions read only these indexes, never the rows:
            # SQLite keeps the columns after the payload and source (is_current,
            # approved_at) beyond their overflow pages, which made every row read cost the
            # whole snapshot.
            models.Index(
                fields=["kind", "key", "language", "approved_at", "is_current"],
                condition=models.Q(is_current=True),
                name="live_versions_by_key",
            ),
            models.Index(
                fields=["kind", "language", "sort_title", "key", "is_current"],
                condition=models.Q(is_current=True),
                name="live_versions_by_title",
            ),
            # Feeds: the newest live versions of a language, read in this order.
            models.Index(
                fields=["kind", "language", "approved_at", "is_current"],
                condition=models.Q(is_current=True),
                name="live_versions_by_date",
            ),
            # The infobutton: live topics of a language by code, read from the index alone.
            models.Index(
                fields=["kind", "language", "codes", "key", "is_current"],
                condition=models.Q(is_current=True),
                name="live_versions_by_code",
            ),
            # The history of one language version (`with_first_published`, on every topic
            # page): without it, SQLite walked every version of the language (103 ms per
            # topic page at 10,000 topics, 11 ms with it).
            models.Index(
                fields=["kind", "key", "language", "approved_at", "withdrawn_at"],
                name="versions_of_an_item",
            ),
            # Planning and the reviewer's own list: live versions falling due, by date.
            models.Index(
                fields=["language", "next_review_due", "is_current"],
                condition=models.Q(is_current=True),
                name="live_versions_by_due_date",
            ),
            # The queue's figures per language: outdated live translations and held ones.
            # Without them both counts read every snapshot (on SQLite through the payload's
            # overflow pages): 45 and 79 ms of the queue page at 10,000 topics.
            models.Index(
                fields=["language"],
                condition=models.Q(is_current=True, outdated=True),
                name="live_outdated_versions",
            ),
            models.Index(fields=["language"], condition=models.Q(held=True), name="held_versions"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} [{self.language}] {self.approved_at:%Y-%m-%d}"

    @property
    def title(self) -> str:
        return self.payload.get("title") or self.payload.get("name") or self.key

    @property
    def reviewer_credit_html(self) -> SafeString:
        """The credit marked with its language, so a page never mixes languages unmarked."""
        return format_html(
            '<span lang="{}" dir="{}">{}</span>',
            self.reviewer_credit_language,
            direction(self.reviewer_credit_language),
            self.reviewer_credit,
        )

    @property
    def review_overdue(self) -> bool:
        return self.next_review_due < timezone.localdate()


class Placement(models.Model):
    """Part of a frozen topic snapshot: a region it was approved under, by slug, so that
    editing or deleting a region row never changes what a published topic lists."""

    version = models.ForeignKey(
        PublishedVersion, on_delete=models.CASCADE, related_name="placements"
    )
    region = models.SlugField(_("region"))

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(fields=["version", "region"], name="one_placement_per_region")
        ]
        indexes = [models.Index(fields=["region", "version"])]

    def __str__(self) -> str:
        return f"{self.version_id} in {self.region}"


class RelatedLink(models.Model):
    """Part of a frozen topic snapshot, like a Placement: a related topic it was approved
    with, by slug. The page shows it while that topic is live; this index answers which
    live topics link to a topic (what withdrawing it changes)."""

    version = models.ForeignKey(
        PublishedVersion, on_delete=models.CASCADE, related_name="related_links"
    )
    topic = models.SlugField(_("related topic"))

    class Meta:
        verbose_name = _("related topic link")
        verbose_name_plural = _("related topic links")
        constraints = [
            models.UniqueConstraint(fields=["version", "topic"], name="one_link_per_related_topic")
        ]
        indexes = [models.Index(fields=["topic", "version"])]

    def __str__(self) -> str:
        return f"{self.version_id} links to {self.topic}"


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


class InvalidationQuerySet(models.QuerySet):
    def pending(self):
        """Not yet applied to the page cache or not yet to every HTTP cache in front."""
        return self.filter(
            models.Q(page_cache_done_at__isnull=True) | models.Q(frontends_done_at__isnull=True)
        )


class Invalidation(models.Model):
    """The outbox of cache invalidations (reviews.publication): written in the transaction
    of the approval or withdrawal that makes it necessary, applied after the commit to the
    shared page cache and to every HTTP cache in front, and retried until both succeed."""

    seq = models.BigAutoField(primary_key=True)
    tags = models.JSONField(_("tags"))
    reason = models.CharField(_("reason"), max_length=200)
    # An approval (the pages showed an approved version before it and show one after):
    # while a page is rendered again, its previous copy may be served. Never for a
    # withdrawal, a site notice or "everything" (reviews.publication).
    grace = models.BooleanField(_("previous copies may be served while re-rendered"), default=False)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    page_cache_done_at = models.DateTimeField(_("page cache invalidated"), null=True, blank=True)
    frontends_done_at = models.DateTimeField(_("HTTP caches purged"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = InvalidationQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("cache invalidation")
        verbose_name_plural = _("cache invalidations")
        indexes = [
            # The pending ones are read on every request where the page cache is shared.
            models.Index(
                fields=["seq"],
                name="invalidation_pending",
                condition=models.Q(page_cache_done_at__isnull=True)
                | models.Q(frontends_done_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.reason}"

    @property
    def pending(self) -> bool:
        return self.page_cache_done_at is None or self.frontends_done_at is None
