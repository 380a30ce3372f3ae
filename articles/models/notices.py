"""Reviewed text on every page (site notices) and the emergency numbers listed with it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import (
    content_hash_field,
    loaded_text_field,
    long_text,
    short_text,
)


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
