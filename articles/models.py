"""The editable content: regions, topics and their parts, site notices.

These rows are what editors and translators change. The public never reads them
directly; it reads published snapshots made at approval (see `reviews.workflow`).

A kind of content made of parts (a topic's warning signs, measures, tips, references)
declares them once in `content_parts`: {name in files and snapshots: related name}. Text
fields that are one plain line, not Markdown, are listed in `plain_text_fields`. The
loader, the review registry and the admin read these declarations and
django-modeltranslation's registry (`translation.py`), never lists of their own.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import (
    MAX_ALSO_CALLED,
    MAX_SHORT_DESCRIPTION,
    ReaderText,
    validate_clinical_codes,
)

# Every reader-facing text field carries these, so the admin refuses what the loader refuses.
# (one deconstructible validator: a new rule needs no migration of every language column).
TEXT_CHECKS = [ReaderText()]
LONG_TEXT_CHECKS = [ReaderText(long=True)]


class WebAddressField(models.URLField):
    """A URL whose form reads an address typed without a scheme as https:// (Django 6's
    default; Django 5.2 assumes http:// and warns). Migrations see a plain URLField."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.URLField", args, kwargs


def short_text(verbose_name, max_length=200, **options):
    return models.CharField(verbose_name, max_length=max_length, validators=TEXT_CHECKS, **options)


def long_text(verbose_name, **options):
    return models.TextField(verbose_name, validators=LONG_TEXT_CHECKS, **options)


def loaded_text_field():
    return models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text=_("This entry as load_content last wrote it (see articles/stored_state.py)."),
    )


def content_hash_field():
    return models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Hash of this entry in content/ at the last load_content run."),
    )


class BodyRegion(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = short_text(_("name"), max_length=100)
    description = short_text(
        _("short description"),
        max_length=MAX_SHORT_DESCRIPTION,
        blank=True,
        help_text=_("At most 160 characters, for lists, search results and the API."),
    )
    notice = long_text(
        _("region notice"),
        blank=True,
        help_text=_(
            "Shown on the region page and its topics, e.g. chest pain can be a heart attack."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    content_hash = content_hash_field()
    loaded_text = loaded_text_field()

    content_parts: dict[str, str] = {}
    plain_text_fields = ("name", "description")

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("body region")
        verbose_name_plural = _("body regions")

    def __str__(self) -> str:
        return self.name or self.slug


class Article(models.Model):
    """A topic, such as "Leg and calf cramps"."""

    class Audience(models.TextChoices):
        ALL = "all", _("Everyone")
        ADULTS = "adults", _("Adults")
        CHILDREN = "children", _("Children")

    slug = models.SlugField(_("slug"), unique=True)
    regions = models.ManyToManyField(BodyRegion, related_name="articles", verbose_name=_("regions"))
    # Reviewed like the text (shared by every language): the topics its page links to as
    # "Related topics", frozen in each approved snapshot (payload["related"]); a related
    # topic that is not live in the reader's language or English is not shown.
    related = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="related_from",
        verbose_name=_("related topics"),
        help_text=_("Other topics readers of this one may need."),
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience, default=Audience.ALL
    )
    title = short_text(_("title"))
    # Lay terms and synonyms readers search with ("charley horse"): reviewed text, part
    # of the snapshot and matched by search like the title.
    also_called = short_text(
        _("also called"),
        max_length=MAX_ALSO_CALLED,
        blank=True,
        help_text=_("Other names readers use, separated by commas, e.g. charley horse."),
    )
    summary = long_text(_("summary"))
    description = short_text(
        _("short description"),
        max_length=MAX_SHORT_DESCRIPTION,
        blank=True,
        help_text=_("At most 160 characters, for search results, lists and the API."),
    )
    # Shown right after "When to get help": the first things a reader can do.
    do_now = long_text(
        _("what you can do now"),
        blank=True,
        help_text=_("Markdown: a list of 2 to 4 short points."),
    )
    what_it_is = long_text(_("what it is"), blank=True, help_text=_("Markdown."))
    symptoms = long_text(_("symptoms"), blank=True, help_text=_("Markdown."))
    causes = long_text(_("causes"), blank=True, help_text=_("Markdown."))
    risk_factors = long_text(_("risk factors"), blank=True, help_text=_("Markdown."))
    # Reviewed like the text (shared by every language): what patient portals and health
    # records link to this topic by (the HL7 infobutton, public/partners.py).
    clinical_codes = models.JSONField(
        _("clinical codes"),
        default=list,
        blank=True,
        validators=[validate_clinical_codes],
        help_text=_("ICD-10 and SNOMED CT codes of the conditions covered, e.g. ICD10:R25.2."),
    )
    # The seed documents a topic was written from: traceability for editors, never public.
    provenance = models.JSONField(_("provenance"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    content_hash = content_hash_field()
    loaded_text = loaded_text_field()

    content_parts = {
        "warning_signs": "warning_signs",
        "relief": "relief_measures",
        "prevention": "prevention_tips",
        "references": "references",
    }
    plain_text_fields = ("title", "also_called", "summary", "description")
    # Markdown texts shown in a place of their own, not among the body sections.
    not_sections = ("do_now",)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.title or self.slug


class ReliefMeasure(models.Model):
    class Kind(models.TextChoices):
        # The labels are the section headings of the public topic page.
        SELF_CARE = "self_care", _("Self-care")
        EXERCISE = "exercise", _("Exercises")
        PROFESSIONAL = "professional", _("Professional treatment")
        MEDICINE = "medicine", _("Medicines a doctor may prescribe")
        TRADITIONAL = "traditional", _("Traditional remedies")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="relief_measures", verbose_name=_("topic")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    title = short_text(_("title"))
    how_to = long_text(_("how to"), blank=True, help_text=_("Markdown."))
    caution = long_text(_("caution"), blank=True, help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    plain_text_fields = ("title",)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("relief measure")
        verbose_name_plural = _("relief measures")

    def __str__(self) -> str:
        return self.title


class PreventionTip(models.Model):
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="prevention_tips",
        null=True,
        blank=True,
        verbose_name=_("topic"),
    )
    region = models.ForeignKey(
        BodyRegion,
        on_delete=models.CASCADE,
        related_name="prevention_tips",
        null=True,
        blank=True,
        verbose_name=_("region"),
    )
    title = short_text(_("title"))
    text = long_text(_("text"), blank=True, help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    plain_text_fields = ("title",)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("prevention tip")
        verbose_name_plural = _("prevention tips")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(article__isnull=False, region__isnull=True)
                | models.Q(article__isnull=True, region__isnull=False),
                name="prevention_tip_belongs_to_article_or_region",
            )
        ]

    def __str__(self) -> str:
        return self.title


class WarningSign(models.Model):
    """A "when to get help" item."""

    class Urgency(models.TextChoices):
        # Most urgent first: pages show them in this order. These labels are for editors;
        # the page's headings are reviewed notices (public.frame).
        EMERGENCY = "emergency", _("Emergency (call the emergency number)")
        URGENT = "urgent", _("Urgent (see a doctor the same day)")
        ROUTINE = "routine", _("Routine (book an appointment)")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="warning_signs", verbose_name=_("topic")
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency)
    text = long_text(_("text"), help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("warning sign")
        verbose_name_plural = _("warning signs")

    def __str__(self) -> str:
        return f"{self.get_urgency_display()}: {self.text[:60]}"


class Reference(models.Model):
    """A checkable source readers see: one real page, cited as it is (not translated)."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="references", verbose_name=_("topic")
    )
    publisher = models.CharField(_("publisher"), max_length=200, validators=TEXT_CHECKS)
    title = models.CharField(_("title"), max_length=300, validators=TEXT_CHECKS)
    url = WebAddressField(_("address (URL)"), max_length=500)
    language = models.CharField(
        _("language of the page"), max_length=10, help_text=_("e.g. en, es")
    )
    checked = models.DateField(_("last checked"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("reference")
        verbose_name_plural = _("references")

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title}"


class SiteNotice(models.Model):
    """Reviewed text on every page: disclaimers, and every sentence of the page frame that
    tells a reader what to do about their health (urgency headings, medicine notes...).
    Reviewed content, not interface strings."""

    class Key(models.TextChoices):
        DISCLAIMER = "disclaimer", _("Medical disclaimer")
        EMERGENCY = "emergency", _("Emergency notice")
        HELP_EMERGENCY_HEADING = "help_emergency_heading", _("Emergency signs: heading")
        HELP_EMERGENCY_LEAD = "help_emergency_lead", _("Emergency signs: lead-in")
        HELP_URGENT_HEADING = "help_urgent_heading", _("Urgent signs: heading")
        HELP_URGENT_LEAD = "help_urgent_lead", _("Urgent signs: lead-in")
        HELP_ROUTINE_HEADING = "help_routine_heading", _("Routine signs: heading")
        HELP_ROUTINE_LEAD = "help_routine_lead", _("Routine signs: lead-in")
        MEDICINE_NOTE = "medicine_note", _("Medicines: note")
        MEDICINE_TAG = "medicine_tag", _("Medicines: label")
        TRADITIONAL_NOTE = "traditional_note", _("Traditional remedies: note")
        TRADITIONAL_TAG = "traditional_tag", _("Traditional remedies: label")
        CHILDREN_NOTE = "children_note", _("Topics about children: note")
        CAUTION_LABEL = "caution_label", _("Caution: label")
        REVIEWED_BY = "reviewed_by", _("Medical review line")
        REVIEW_OVERDUE = "review_overdue", _("Review overdue notice")
        TRANSLATION_OUTDATED = "translation_outdated", _("Outdated translation notice")
        NOT_TRANSLATED = "not_translated", _("Not yet translated notice")

    # Notices written as Markdown paragraphs; every other one is a single plain line.
    MARKDOWN_KEYS = frozenset({Key.DISCLAIMER, Key.EMERGENCY})
    # Values the page fills in: each translation must keep exactly these placeholders.
    PLACEHOLDERS = {
        Key.REVIEWED_BY: ("credit", "approved", "due"),
        Key.NOT_TRANSLATED: ("language",),
    }

    key = models.SlugField(_("key"), unique=True, choices=Key)
    text = long_text(_("text"))
    content_hash = content_hash_field()
    loaded_text = loaded_text_field()

    content_parts = {"numbers": "emergency_numbers"}

    class Meta:
        ordering = ["key"]
        verbose_name = _("site notice")
        verbose_name_plural = _("site notices")

    def __str__(self) -> str:
        return self.get_key_display()

    @property
    def plain_text_fields(self) -> tuple[str, ...]:
        return () if self.key in self.MARKDOWN_KEYS else ("text",)


class EmergencyNumber(models.Model):
    """A number to call, listed under the emergency notice; reviewed with it."""

    class Service(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency (all services)")
        AMBULANCE = "ambulance", _("Ambulance")
        URGENT_ADVICE = "urgent_advice", _("Urgent medical advice")

    notice = models.ForeignKey(
        SiteNotice,
        on_delete=models.CASCADE,
        related_name="emergency_numbers",
        verbose_name=_("notice"),
    )
    country = models.CharField(
        _("country code"), max_length=2, help_text=_("ISO 3166 code, or EU for the whole EU.")
    )
    country_name = short_text(_("country"), max_length=100)
    service = models.CharField(_("service"), max_length=20, choices=Service)
    number = models.CharField(_("number"), max_length=20)
    # Numbers are reviewed content: each names the public page a reader can check it on.
    source = models.URLField(
        _("source"), max_length=500, blank=True, help_text=_("The public page giving this number.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    plain_text_fields = ("country_name",)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("emergency number")
        verbose_name_plural = _("emergency numbers")

    def __str__(self) -> str:
        return f"{self.country} {self.number}"
