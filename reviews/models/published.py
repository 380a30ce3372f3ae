"""The frozen published snapshots the public reads."""

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


class TextAsWrittenEncoder(DjangoJSONEncoder):
    """JSON with every character as itself, not as a \\u escape: Cyrillic and Arabic text
    stored in UTF-8 takes a third of the room (SQLite stores the JSON text as given;
    PostgreSQL's jsonb is the same either way). The values are unchanged."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


def codes_text(payload: dict) -> str:
    """A snapshot's clinical codes as one searchable column (" ICD10:R25.2 SNOMED:1 "),
    so the infobutton finds topics by code from an index, never by reading payloads."""
    codes = payload.get("clinical_codes") or []
    return f" {' '.join(codes)} " if codes else ""


def shown_title(payload: dict, key: str) -> str:
    """The title a snapshot is shown under: its title, else its name, else its key
    (migration reviews 0022 writes the same in SQL for the versions before it)."""
    return str(payload.get("title") or payload.get("name") or key)


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
    # The title as lists show it (the payload's, as `title` reads it), so that a list of
    # every live topic (the A–Z page) reads it without decoding each snapshot: at +10,000
    # topics on PostgreSQL, reading it from the payloads took 670 of the A–Z page's
    # 1,050 ms. Empty (NULL) for a version approved before migration reviews 0022 filled
    # it: the readers then take it from the payload.
    shown_title = models.TextField(editable=False, null=True)  # noqa: DJ001
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
            # Region pages' candidates, read from the index alone (the id too): at
            # +10,000 topics on PostgreSQL the Russian region's query 57 -> 37 ms, at
            # +3,000 11 -> 8.5 ms (after VACUUM, which index-only scans need).
            models.Index(
                fields=["kind", "language", "sort_title", "key", "is_current", "id"],
                condition=models.Q(is_current=True),
                name="live_titles_with_ids",
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
            # The partners' changes feed (public.partners): a language's approvals read in
            # time order, merged with its withdrawals (few, found in the second index and
            # sorted), a page at a time; both counted from these alone. Without them every
            # event of the language was sorted for each page, and its withdrawals found
            # in the rows. The second has the key before the time: SQLite, which has no
            # statistics, took an index by (language, time of withdrawal) for a topic's
            # history (`with_first_published`), which then read every later withdrawal;
            # this one it takes too, for the item's own rows.
            models.Index(
                fields=["language", "approved_at", "id", "kind"], name="versions_by_approval"
            ),
            models.Index(
                fields=["language", "kind", "key", "withdrawn_at", "id"],
                name="withdrawals_by_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} [{self.language}] {self.approved_at:%Y-%m-%d}"

    @property
    def title(self) -> str:
        return shown_title(self.payload, self.key)

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
