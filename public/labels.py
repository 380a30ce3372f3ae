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

# The reviewed notices (public.frame) that head each urgency group and relief kind.
URGENCY_NOTICES = {
    urgency: (f"help_{urgency}_heading", f"help_{urgency}_lead") for urgency in Urgency.values
}
KIND_NOTICES = {Kind.MEDICINE: ("medicine_note", "medicine_tag"),
                Kind.TRADITIONAL: ("traditional_note", "traditional_tag")}  # fmt: skip
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


def warning_groups(payload: dict, frame) -> list[dict]:
    signs = payload.get("warning_signs", [])
    groups = []
    for urgency in Urgency:
        found = [sign["text_html"] for sign in signs if sign["urgency"] == urgency]
        if found:
            heading, lead = URGENCY_NOTICES[urgency]
            groups.append({"urgency": urgency.value, "heading": frame[heading],
                           "lead": frame[lead], "signs": found})  # fmt: skip
    return groups


def relief_groups(payload: dict, frame) -> list[dict]:
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
                    "note": frame[KIND_NOTICES[kind][0]] if kind in KIND_NOTICES else None,
                    "measures": found,
                }
            )
    return groups


def kind_tags(frame) -> dict[str, object]:
    """The label each medicine or traditional measure carries, by kind."""
    return {kind.value: frame[tag] for kind, (_note, tag) in KIND_NOTICES.items()}


def exercises(payload: dict) -> list[dict]:
    return [measure for measure in payload.get("relief", []) if measure["kind"] == EXERCISE]


# Headings of the topic page's own parts (the sections' headings are their fields' names).
HELP_HEADING = _("When to get help")
RELIEF_HEADING = _("What can help")
DO_NOW_HEADING = _("What you can do now")
PREVENTION_HEADING = _("Prevention")
REFERENCES_HEADING = _("References")


def page_contents(payload: dict, sections: list[dict]) -> list[dict]:
    """The "page contents" list: each second-level heading of a topic page below the
    list, in page order, with the id of the heading it links to (the ids the template
    gives them)."""
    # "When to get help" and "What you can do now" come before the list (help first).
    contents = []
    contents += [{"id": f"section-{s['key']}", "heading": s["heading"]} for s in sections]
    if any(measure["kind"] != EXERCISE for measure in payload.get("relief", [])):
        contents.append({"id": "relief-heading", "heading": RELIEF_HEADING})
    if exercises(payload):
        contents.append({"id": "exercises-heading", "heading": EXERCISE.label})
    if payload.get("prevention"):
        contents.append({"id": "prevention-heading", "heading": PREVENTION_HEADING})
    if payload.get("references"):
        contents.append({"id": "sources-heading", "heading": REFERENCES_HEADING})
    return contents
