"""The headings and labels of a topic page, in one place, taken from the models: a
section's heading is its field's name, a relief group's heading is its kind's label, and
urgencies come in the order the model declares them. Views and templates use these and
retype none, so a new kind, urgency or section is labelled correctly everywhere."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ReliefMeasure, WarningSign
from reviews.registry import registry

Urgency = WarningSign.Urgency
Kind = ReliefMeasure.Kind

# The sentence each urgency group opens with, in the reader's words.
URGENCY_TEXT = {
    Urgency.EMERGENCY: (
        _("Emergency: call the emergency number now"),
        _("Call the emergency number now if:"),
    ),
    Urgency.URGENT: (_("Urgent: see a doctor today"), _("See a doctor today if:")),
    Urgency.ROUTINE: (
        _("Book an appointment with a doctor"),
        _("Book an appointment with a doctor if:"),
    ),
}
# Kinds of relief with a note under their heading.
KIND_NOTES = {
    Kind.MEDICINE: _(
        "Only as prescribed by a doctor. This list is not advice to take any medicine: a "
        "doctor decides whether a medicine is right for you and how much to take."
    ),
    Kind.TRADITIONAL: _(
        "Traditional remedies: there is little scientific evidence that they work. Do not "
        "use them instead of medical care."
    ),
}
KIND_TAGS = {
    Kind.MEDICINE: _("Only as prescribed by a doctor"),
    Kind.TRADITIONAL: _("Traditional remedy: little scientific evidence"),
}
# Exercises have a section of their own, after the other kinds of relief.
EXERCISE = Kind.EXERCISE


def topic_sections(payload: dict) -> list[dict]:
    return [
        {
            "key": name,
            "heading": capfirst(Article._meta.get_field(name).verbose_name),
            "html": payload.get(f"{name}_html", ""),
        }
        for name in registry.for_model(Article).sections
        if payload.get(f"{name}_html")
    ]


def warning_groups(payload: dict) -> list[dict]:
    signs = payload.get("warning_signs", [])
    groups = []
    for urgency in Urgency:
        found = [sign["text_html"] for sign in signs if sign["urgency"] == urgency]
        if found:
            heading, lead = URGENCY_TEXT[urgency]
            groups.append({"urgency": urgency.value, "heading": heading, "lead": lead,
                           "signs": found})  # fmt: skip
    return groups


def relief_groups(payload: dict) -> list[dict]:
    measures = payload.get("relief", [])
    groups = []
    for kind in Kind:
        if kind == EXERCISE:
            continue
        found = [measure for measure in measures if measure["kind"] == kind]
        if found:
            groups.append(
                {
                    "kind": kind.value,
                    "heading": kind.label,
                    "note": KIND_NOTES.get(kind),
                    "measures": found,
                }  # fmt: skip
            )
    return groups


def exercises(payload: dict) -> list[dict]:
    return [measure for measure in payload.get("relief", []) if measure["kind"] == EXERCISE]


# Headings of the topic page's own parts (the sections' headings are their fields' names).
HELP_HEADING = _("When to get help")
RELIEF_HEADING = _("What can help")
PREVENTION_HEADING = _("Prevention")
REFERENCES_HEADING = _("References")


def page_contents(payload: dict, sections: list[dict]) -> list[dict]:
    """The "page contents" list: each second-level heading of a topic page, in page
    order, with the id of the heading it links to (the ids the template gives them)."""
    contents = []
    if payload.get("warning_signs"):
        contents.append({"id": "help-heading", "heading": HELP_HEADING})
    contents += [{"id": f"section-{s['key']}", "heading": s["heading"]} for s in sections]
    if relief_groups(payload):
        contents.append({"id": "relief-heading", "heading": RELIEF_HEADING})
    if exercises(payload):
        contents.append({"id": "exercises-heading", "heading": EXERCISE.label})
    if payload.get("prevention"):
        contents.append({"id": "prevention-heading", "heading": PREVENTION_HEADING})
    if payload.get("references"):
        contents.append({"id": "sources-heading", "heading": REFERENCES_HEADING})
    return contents
