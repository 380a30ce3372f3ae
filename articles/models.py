"""The editable content: regions, topics and their parts.

These rows are what editors and translators change. The public never reads them
directly; it reads published snapshots made at approval (see `articles.workflow`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BodyRegion(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    notice = models.TextField(
        _("region notice"),
        blank=True,
        help_text=_(
            "Shown on the region page and its topics, e.g. chest pain can be a heart attack."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    content_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Hash of this entry in content/ at the last load_content run."),
    )

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("body region")
        verbose_name_plural = _("body regions")

    def __str__(self) -> str:
        return self.name or self.slug


class Source(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    reference = models.TextField(
        _("reference"), blank=True, help_text=_("Full citation or where the file is kept.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """A topic, such as "Leg and calf cramps"."""

    class Audience(models.TextChoices):
        ALL = "all", _("Everyone")
        ADULTS = "adults", _("Adults")
        CHILDREN = "children", _("Children")

    slug = models.SlugField(_("slug"), unique=True)
    regions = models.ManyToManyField(BodyRegion, related_name="articles", verbose_name=_("regions"))
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience, default=Audience.ALL
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    what_it_is = models.TextField(_("what it is"), blank=True, help_text=_("Markdown."))
    symptoms = models.TextField(_("symptoms"), blank=True, help_text=_("Markdown."))
    causes = models.TextField(_("causes"), blank=True, help_text=_("Markdown."))
    risk_factors = models.TextField(_("risk factors"), blank=True, help_text=_("Markdown."))
    sources = models.ManyToManyField(
        Source, related_name="articles", blank=True, verbose_name=_("sources")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    content_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Hash of this entry in content/ at the last load_content run."),
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.title or self.slug


class ReliefMeasure(models.Model):
    class Kind(models.TextChoices):
        SELF_CARE = "self_care", _("Self-care")
        EXERCISE = "exercise", _("Exercise")
        PROFESSIONAL = "professional", _("Professional therapy")
        MEDICINE = "medicine", _("Medicine a doctor may prescribe")
        TRADITIONAL = "traditional", _("Traditional remedy")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="relief_measures", verbose_name=_("topic")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    title = models.CharField(_("title"), max_length=200)
    how_to = models.TextField(_("how to"), blank=True, help_text=_("Markdown."))
    caution = models.TextField(_("caution"), blank=True, help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

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
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

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
        EMERGENCY = "emergency", _("Emergency: call the emergency number now")
        URGENT = "urgent", _("Urgent: see a doctor today")
        ROUTINE = "routine", _("Routine: book an appointment")

    # Most urgent first, whatever order the editor typed them in.
    URGENCY_RANK = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="warning_signs", verbose_name=_("topic")
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency)
    text = models.TextField(_("text"), help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("warning sign")
        verbose_name_plural = _("warning signs")

    def __str__(self) -> str:
        return f"{self.get_urgency_display()}: {self.text[:60]}"


class SiteNotice(models.Model):
    """Disclaimers shown on every page. Reviewed content, not interface strings."""

    class Key(models.TextChoices):
        DISCLAIMER = "disclaimer", _("Medical disclaimer")
        EMERGENCY = "emergency", _("Emergency notice")

    key = models.SlugField(_("key"), unique=True, choices=Key)
    text = models.TextField(_("text"), help_text=_("Markdown."))
    content_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Hash of this entry in content/ at the last load_content run."),
    )

    class Meta:
        ordering = ["key"]
        verbose_name = _("site notice")
        verbose_name_plural = _("site notices")

    def __str__(self) -> str:
        return self.get_key_display()
