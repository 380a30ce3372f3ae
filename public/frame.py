"""The reviewed sentences of the page frame: urgency headings, the medicine and
traditional-remedy notes, the children's note, "Caution", the medical review line and the
overdue, outdated and not-translated notices. They tell a reader what to do about their
health, so they are site notices approved per language (articles.SiteNotice.Key), never
interface strings a translator can change unreviewed.

Each comes in the language asked for, else in approved English marked as English; only if
no version was ever approved (a fresh install) the English original below is shown, also
marked as English. Translators cannot change it: it changes only with the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe

from articles.languages import SOURCE_LANGUAGE, direction
from articles.models import SiteNotice

from .readers import ServedVersion

Key = SiteNotice.Key

# The English originals, for a site whose notices no reviewer approved yet.
ORIGINALS = {
    Key.DISCLAIMER: "This site gives general health information. It is not a diagnosis and "
    "not a substitute for a doctor.",
    Key.EMERGENCY: "In an emergency, call your local emergency number now.",
    Key.HELP_EMERGENCY_HEADING: "Emergency: call the emergency number now",
    Key.HELP_EMERGENCY_LEAD: "Call the emergency number now if:",
    Key.HELP_URGENT_HEADING: "Urgent: see a doctor today",
    Key.HELP_URGENT_LEAD: "See a doctor today if:",
    Key.HELP_ROUTINE_HEADING: "Book an appointment with a doctor",
    Key.HELP_ROUTINE_LEAD: "Book an appointment with a doctor if:",
    Key.MEDICINE_NOTE: "Only as prescribed by a doctor. This list is not advice to take any "
    "medicine: a doctor decides whether a medicine is right for you and how much to take.",
    Key.MEDICINE_TAG: "Only as prescribed by a doctor",
    Key.TRADITIONAL_NOTE: "Traditional remedies: there is little scientific evidence that "
    "they work. Do not use them instead of medical care.",
    Key.TRADITIONAL_TAG: "Traditional remedy: little scientific evidence",
    Key.CHILDREN_NOTE: "About children. Never give a child medicine without a doctor's advice.",
    Key.CAUTION_LABEL: "Caution",
    Key.REVIEWED_BY: "Medically reviewed by {credit} on {approved}, next review due {due}.",
    Key.REVIEW_OVERDUE: "Review overdue. This page is past its review date and is waiting "
    "to be checked again. If you are unsure, ask a doctor.",
    Key.TRANSLATION_OUTDATED: "The English original of this topic has changed since this "
    "translation was reviewed. The translation is being updated.",
    Key.NOT_TRANSLATED: "This topic is not yet available in {language}. Below is the "
    "medically reviewed English version.",
}
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Line:
    """One frame text, with the language it is written in."""

    text: str
    language: str

    @property
    def lang_attrs(self) -> SafeString:
        return format_html('lang="{}" dir="{}"', self.language, direction(self.language))

    def __str__(self) -> str:
        return self.text

    def fill(self, **values) -> SafeString:
        """The text with its placeholders replaced by `values` (escaped unless safe)."""
        names = SiteNotice.PLACEHOLDERS.get(self._key, ())

        def value(match):
            name = match[1]
            return str(conditional_escape(values[name])) if name in names else match[0]

        return mark_safe(PLACEHOLDER.sub(value, str(escape(self.text))))  # noqa: S308 - the text is escaped; values are escaped or already safe

    _key: str = ""


class Frame:
    """`frame[key]` -> Line, for the notices in one language (see module docstring)."""

    def __init__(self, shown: dict[str, ServedVersion]):
        self._shown = shown

    def __getitem__(self, key: str) -> Line:
        notice = self._shown.get(key)
        if notice is None:
            return Line(ORIGINALS[Key(key)], SOURCE_LANGUAGE, key)
        payload = notice.payload
        text = payload.get("text") or payload.get("text_html", "")
        return Line(text, notice.language, key)
