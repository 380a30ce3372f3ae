"""XLIFF export (reviews.xliff): which topics to send translators, and their file."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from articles.hashing import fingerprint
from articles.languages import SOURCE_LANGUAGE, language_codes

from . import terms
from .diff import flatten
from .english_changes import english_changes
from .memory import Memory
from .models import LanguageVersion, PublishedVersion
from .registry import registry
from .xliff_format import (
    MEMORY_ORIGIN,
    NAMESPACE,
    OWN,
    Status,
    XliffFile,
    item_name,
    segments,
)


def selection(language: str, *, keys: Sequence[str] = (), which: str = "") -> list[tuple]:
    """(kind, key) of the topics to export: the named ones, or every topic of `which`:
    "outdated" (English changed since approval, held ones included), "held" (red flags
    changed), "unapproved" (approved English, no approved translation), "all"."""
    kind = "topic"
    if keys:
        return [(kind, key) for key in dict.fromkeys(keys)]
    english = set(PublishedVersion.objects.topics(SOURCE_LANGUAGE).values_list("key", flat=True))
    if which == "all":
        chosen = english
    elif which == "held":
        chosen = set(
            PublishedVersion.objects.filter(kind=kind, language=language, held=True).values_list(
                "key", flat=True
            )
        )
    elif which == "outdated":
        chosen = set(
            PublishedVersion.objects.topics(language)
            .filter(outdated=True)
            .values_list("key", flat=True)
        ) | set(
            PublishedVersion.objects.filter(kind=kind, language=language, held=True).values_list(
                "key", flat=True
            )
        )
    elif which == "unapproved":
        approved = set(PublishedVersion.objects.topics(language).values_list("key", flat=True))
        held = set(
            PublishedVersion.objects.filter(kind=kind, language=language, held=True).values_list(
                "key", flat=True
            )
        )
        chosen = english - approved - held
    else:
        raise ValueError(which)
    return [(kind, key) for key in sorted(chosen & english)]


class ExportRefused(Exception):
    pass


def _approved_english(kind: str, key: str, language: str):
    """The item's adapter, its editable object and its English changes, or refused."""
    adapter = registry[kind]
    try:
        obj = adapter.get(key)
    except ObjectDoesNotExist:
        raise ExportRefused(_("No such item: %(item)s") % {"item": key}) from None
    changes = english_changes(kind, key, language, draft=None)
    if changes.approved is None:
        raise ExportRefused(
            _("%(item)s: the English is not approved yet, so there is nothing to translate.")
            % {"item": key}
        )
    return adapter, obj, changes


def export_xliff(language: str, items: Iterable[tuple[str, str]]) -> bytes:
    """The XLIFF 1.2 file of `items` (kind, key) for translators into `language`."""
    if language == SOURCE_LANGUAGE or language not in language_codes():
        raise ExportRefused(_("Choose a language to translate into."))
    items = list(items)
    if not items:
        raise ExportRefused(_("Nothing to export: no topic matches."))
    store = XliffFile(sourcelanguage=SOURCE_LANGUAGE, targetlanguage=language)
    helpers = _Helpers(language, Memory(language), terms.Glossary(language))
    for kind, key in items:
        _add_item(store, helpers, kind, key)
    store.removedefaultfile()
    return bytes(store)


@dataclass(frozen=True)
class _Helpers:
    language: str
    memory: Memory
    glossary: terms.Glossary


def _add_item(store: XliffFile, helpers: _Helpers, kind: str, key: str) -> None:
    """One `<file>`: the item's segments, with its translation's fingerprint."""
    language = helpers.language
    adapter, obj, changes = _approved_english(kind, key, language)
    english = changes.approved.source
    english_flat = flatten(english)
    current = adapter.source_text(obj, language)
    current_flat = flatten(current)
    approved_flat = flatten(changes.translation.source) if changes.translation else {}
    version = LanguageVersion.objects.filter(kind=kind, key=key, language=language).first()
    status = version.status if version else Status.DRAFT
    name = item_name(kind, key)
    store.switchfile(name, createifmissing=True)
    filenode = store.getfilenode(name)
    filenode.set(f"{{{OWN}}}translation", fingerprint(current))
    for segment in segments(adapter, english):
        source = english_flat.get(segment.path, "")
        if not source:
            continue  # nothing to translate (an optional field left empty in English)
        unit = store.addsourceunit(source, filename=name, createifmissing=True)
        unit.setid(segment.path)
        target = current_flat.get(segment.path, "")
        english_field = changes.field(segment.path)
        if target:
            unit.target = target
            target_node = unit.xmlelement.find(f"{{{NAMESPACE}}}target")
            target_node.set("state", _state(target, approved_flat, segment, english_field, status))
        _add_notes(unit, helpers.glossary, source, english_field)
        _add_memory_matches(unit, helpers, (kind, key, segment.path), source, target)


def _add_notes(unit, glossary: terms.Glossary, source: str, english_field) -> None:
    """The glossary terms found in the source; the previous English if it changed."""
    for term in glossary.found_in(source):
        unit.addnote(term.note(), origin="glossary")
    if english_field is not None and english_field.changed:
        unit.addnote(
            _("The English changed since the approved translation. Before: %(text)s")
            % {"text": english_field.basis},
            origin="english-change",
        )


def _add_memory_matches(unit, helpers: _Helpers, place: tuple, source: str, target: str) -> None:
    """Approved translations of the same English elsewhere, as `<alt-trans>`."""
    memory = helpers.memory
    whole = memory.match(source, exclude=place)
    # The whole field's match, else one per sentence that has one (its source is
    # the sentence: a CAT tool shows which part it covers).
    matches = [whole] if whole else memory.sentence_matches(source, exclude=place)
    for match in matches:
        if match.translation in target:
            continue
        unit.addalttrans(
            match.translation,
            origin=MEMORY_ORIGIN,
            lang=helpers.language,
            sourcetxt=match.english,
            matchquality="100",
        )


def _state(target, approved_flat, segment, english_field, status) -> str:
    if english_field is not None and english_field.changed:
        return "needs-review-translation"
    if approved_flat.get(segment.path) == target and status == Status.APPROVED:
        return "signed-off"
    return "translated"
