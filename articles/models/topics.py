"""Topics and their parts: relief measures, prevention tips, warning signs, references."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..validators import (
    MAX_ALSO_CALLED,
    MAX_SHORT_DESCRIPTION,
    validate_clinical_codes,
)
from .fields import (
    TEXT_CHECKS,
    WebAddressField,
    content_hash_field,
    loaded_text_field,
    long_text,
    short_text,
)
from .regions import BodyRegion


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
