"""XLIFF 1.2 export and import of translations, for CAT tools (OmegaT, Trados, memoQ...).

One file per language, one `<file>` per item (`original="topic/night-cramps"`), one
`<trans-unit>` per translated field and list item (`id="warning_signs[2].text"`, the paths
of reviews.diff.flatten):

- `<source>` is the approved English (the live English snapshot), never the draft;
- `<target>` is the current translation in the editable rows; its `state` comes from the
  review status: `signed-off` (approved and current), `translated` (written, not yet
  approved), `needs-review-translation` (the English changed since the translation was
  approved: the previous English is in a note), `needs-translation` (empty);
- `<note from="glossary">` carries the glossary terms whose English occurs in the source,
  with the preferred translation and the renderings to avoid;
- `<alt-trans origin="site translation memory">` offers an approved translation of the
  same English elsewhere on the site (reviews.memory); a match is never put in `<target>`,
  so it is never saved unless the translator takes it.

Import (`import_xliff`) is all or nothing. It refuses a file for another language, a
person who may not translate it, an item that does not exist, a segment whose source is no
longer the approved English (one message per segment), and a file exported before the
translation was changed in the site (the `hs:translation` fingerprint of each `<file>`).
It writes only the segments whose target differs from the site's text, runs the model
validation the admin runs (lengths, invisible characters) and the glossary warning, and
records the importer as a contributor (workflow.record_edits), so four-eyes holds.

translate-toolkit reads and writes the files: it is the toolkit behind Pootle and Weblate's
format support, handles XLIFF's namespaces, notes, alt-trans and states, and keeps the
XML well-formed; only the 1.2 namespace and version are set here (its own default is 1.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from lxml import etree
from translate.storage import xliff as toolkit

from articles.hashing import fingerprint
from articles.languages import SOURCE_LANGUAGE, language_codes
from staff import roles

from . import terms, workflow
from .diff import flatten
from .english_changes import english_changes
from .memory import Memory
from .models import LanguageVersion, PublishedVersion
from .registry import ReviewedKind, registry

Status = LanguageVersion.Status
NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
OWN = "urn:healthsite:xliff"  # this site's attributes: ignored by CAT tools, kept by them
MEMORY_ORIGIN = "site translation memory"


class XliffFile(toolkit.xlifffile):
    """translate-toolkit's XLIFF store, writing version 1.2."""

    XMLskeleton = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<xliff version="1.2" xmlns="{NAMESPACE}" xmlns:hs="{OWN}">\n'
        # The toolkit starts from one file (removed once the real ones are added).
        f'<file original="NoName" source-language="{SOURCE_LANGUAGE}" datatype="plaintext">'
        "<body/></file>\n"
        "</xliff>"
    )
    namespace = NAMESPACE


@dataclass(frozen=True)
class Segment:
    path: str  # "title", "warning_signs[0].text"
    model_field: str  # "title", "text"
    part: str | None  # None for the item's own fields
    index: int | None


def segments(adapter: ReviewedKind, english: dict) -> list[Segment]:
    """The translatable segments of an item, in the order of its approved English."""
    found = [Segment(name, name, None, None) for name in adapter.shape.text_fields]
    for part in adapter.parts:
        for index, _item in enumerate(english.get(part.name, [])):
            found += [
                Segment(f"{part.name}[{index}].{name}", name, part.name, index)
                for name in part.shape.text_fields
            ]
    return found


def item_name(kind: str, key: str) -> str:
    return f"{kind}/{key}"


# -- export ------------------------------------------------------------------------------


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


def export_xliff(language: str, items: Iterable[tuple[str, str]]) -> bytes:
    """The XLIFF 1.2 file of `items` (kind, key) for translators into `language`."""
    if language == SOURCE_LANGUAGE or language not in language_codes():
        raise ExportRefused(_("Choose a language to translate into."))
    items = list(items)
    if not items:
        raise ExportRefused(_("Nothing to export: no topic matches."))
    store = XliffFile(sourcelanguage=SOURCE_LANGUAGE, targetlanguage=language)
    memory = Memory(language)
    glossary = terms.Glossary(language)
    for kind, key in items:
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
                target_node.set(
                    "state", _state(target, approved_flat, segment, english_field, status)
                )
            for term in glossary.found_in(source):
                unit.addnote(term.note(), origin="glossary")
            if english_field is not None and english_field.changed:
                unit.addnote(
                    _("The English changed since the approved translation. Before: %(text)s")
                    % {"text": english_field.basis},
                    origin="english-change",
                )
            place = (kind, key, segment.path)
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
                    lang=language,
                    sourcetxt=match.english,
                    matchquality="100",
                )
    store.removedefaultfile()
    return bytes(store)


def _state(target, approved_flat, segment, english_field, status) -> str:
    if english_field is not None and english_field.changed:
        return "needs-review-translation"
    if approved_flat.get(segment.path) == target and status == Status.APPROVED:
        return "signed-off"
    return "translated"


# -- import ------------------------------------------------------------------------------


@dataclass
class ImportResult:
    changed: dict[str, list[str]] = field(default_factory=dict)  # item -> paths written
    warnings: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(paths) for paths in self.changed.values())


class ImportRefused(Exception):
    """The file was not imported; `errors` says why, one message per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _parse(data: bytes) -> XliffFile:
    try:
        store = XliffFile.parsestring(data)
    except (etree.XMLSyntaxError, ValueError, AssertionError, StopIteration) as error:
        raise ImportRefused(
            [_("This is not an XLIFF 1.2 file: %(error)s") % {"error": error}]
        ) from None
    return store


def import_xliff(data: bytes, *, language: str, by: AbstractBaseUser) -> ImportResult:
    """Write the translations of an XLIFF file into the editable rows of `language`."""
    if not roles.can_submit(by, language) or language == SOURCE_LANGUAGE:
        raise ImportRefused(
            [
                _("You may not translate into %(language)s.")
                % {"language": roles.language_name(language)}
            ]
        )
    store = _parse(data)
    root = store.document.getroot()
    if root.get("version") != "1.2":
        raise ImportRefused([_("This is not an XLIFF 1.2 file exported by this site.")])
    errors: list[str] = []
    result = ImportResult()
    glossary = terms.Glossary(language)
    pending: list[tuple[str, Model, list[Model]]] = []  # item name, item, rows to save
    for filenode in root.iterchildren(f"{{{NAMESPACE}}}file"):
        name = filenode.get("original", "")
        if filenode.get("target-language") != language:
            errors.append(
                _("%(item)s: the file is for %(found)s, not %(language)s.")
                % {
                    "item": name,
                    "found": filenode.get("target-language") or "?",
                    "language": language,
                }  # fmt: skip
            )
            continue
        kind, _sep, key = name.partition("/")
        try:
            adapter = registry[kind]
            obj = adapter.get(key)
        except (KeyError, ValueError, ObjectDoesNotExist):
            errors.append(_("%(item)s: no such item on the site.") % {"item": name})
            continue
        changes = english_changes(kind, key, language, draft=None)
        if changes.approved is None:
            errors.append(_("%(item)s: the English is not approved.") % {"item": name})
            continue
        current = adapter.source_text(obj, language)
        exported = filenode.get(f"{{{OWN}}}translation")
        if exported and exported != fingerprint(current):
            errors.append(
                _(
                    "%(item)s: the %(language)s text was changed on the site after this file "
                    "was exported; export it again and redo your changes there."
                )
                % {"item": name, "language": roles.language_name(language)}
            )
            continue
        english_flat = flatten(changes.approved.source)
        current_flat = flatten(current)
        known = {segment.path: segment for segment in segments(adapter, changes.approved.source)}
        rows: dict[tuple, Model] = {}
        written: list[str] = []
        for node in filenode.iter(f"{{{NAMESPACE}}}trans-unit"):
            path = node.get("id", "")
            segment = known.get(path)
            if segment is None:
                errors.append(
                    _("%(item)s, %(path)s: no such segment.") % {"item": name, "path": path}
                )
                continue
            source = _text(node, "source")
            if (source or "") != english_flat.get(path, ""):
                errors.append(
                    _(
                        "%(item)s, %(path)s: the source is no longer the approved English "
                        "(now: %(english)s). Export the file again."
                    )
                    % {"item": name, "path": path, "english": english_flat.get(path, "")}
                )
                continue
            target = _text(node, "target")
            if target is None:
                continue
            if target == current_flat.get(path, ""):
                continue
            place = (segment.part, segment.index)
            row = rows[place] = rows.get(place) or _row(adapter, obj, segment)
            setattr(row, f"{segment.model_field}_{language}", target)
            written.append(path)
            for warning in glossary.avoided_in(target):
                result.warnings.append(f"{name}, {path}: {warning}")
        for row in rows.values():
            try:
                row.full_clean()
            except ValidationError as error:
                for field_name, messages in error.message_dict.items():
                    for message in messages:
                        errors.append(f"{name}, {field_name}: {message}")
        if written:
            result.changed[name] = written
            pending.append((name, obj, list(rows.values())))
    if errors:
        raise ImportRefused(errors)
    with transaction.atomic():
        for _name, obj, rows in pending:
            for row in rows:
                row.save()
            workflow.record_edits(registry.of(obj).get(registry.of(obj).key_of(obj)), by=by)
    return result


def _text(node, name: str) -> str | None:
    """The text of a unit's <source> or <target> (None when there is none). Only its
    direct child counts: an <alt-trans> holds a <target> of its own (a match)."""
    child = node.find(f"{{{NAMESPACE}}}{name}")
    if child is None:
        return None
    return "".join(child.itertext())


def _row(adapter: ReviewedKind, obj: Model, segment: Segment) -> Model:
    if segment.part is None:
        return obj
    part = next(part for part in adapter.parts if part.name == segment.part)
    return list(getattr(obj, part.related_name).all())[segment.index]
