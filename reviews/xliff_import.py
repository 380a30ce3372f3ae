"""XLIFF import (reviews.xliff): all or nothing, one message per refused segment."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from lxml import etree

from articles.hashing import fingerprint
from articles.languages import SOURCE_LANGUAGE
from staff import roles

from . import terms, workflow
from .diff import flatten
from .english_changes import english_changes
from .registry import ReviewedKind, registry
from .xliff_format import NAMESPACE, OWN, Segment, XliffFile, segments


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
    reading = _Reading(language, terms.Glossary(language))
    for filenode in root.iterchildren(f"{{{NAMESPACE}}}file"):
        _read_file(reading, filenode)
    if reading.errors:
        raise ImportRefused(reading.errors)
    with transaction.atomic():
        for _name, obj, rows in reading.pending:
            for row in rows:
                row.save()
            workflow.record_edits(registry.of(obj).get(registry.of(obj).key_of(obj)), by=by)
    return reading.result


@dataclass
class _Reading:
    """What reading a file found: its errors, its warnings and the rows to save."""

    language: str
    glossary: terms.Glossary
    errors: list[str] = field(default_factory=list)
    result: ImportResult = field(default_factory=ImportResult)
    pending: list[tuple[str, Model, list[Model]]] = field(default_factory=list)


def _item(reading: _Reading, filenode, name: str):
    """The item a `<file>` names, its English changes and its current text; None (with
    the error noted) when it cannot be imported."""
    language = reading.language
    if filenode.get("target-language") != language:
        reading.errors.append(
            _("%(item)s: the file is for %(found)s, not %(language)s.")
            % {
                "item": name,
                "found": filenode.get("target-language") or "?",
                "language": language,
            }  # fmt: skip
        )
        return None
    kind, _sep, key = name.partition("/")
    try:
        adapter = registry[kind]
        obj = adapter.get(key)
    except (KeyError, ValueError, ObjectDoesNotExist):
        reading.errors.append(_("%(item)s: no such item on the site.") % {"item": name})
        return None
    changes = english_changes(kind, key, language, draft=None)
    if changes.approved is None:
        reading.errors.append(_("%(item)s: the English is not approved.") % {"item": name})
        return None
    current = adapter.source_text(obj, language)
    exported = filenode.get(f"{{{OWN}}}translation")
    if exported and exported != fingerprint(current):
        reading.errors.append(
            _(
                "%(item)s: the %(language)s text was changed on the site after this file "
                "was exported; export it again and redo your changes there."
            )
            % {"item": name, "language": roles.language_name(language)}
        )
        return None
    return adapter, obj, changes, current


def _read_file(reading: _Reading, filenode) -> None:
    """One `<file>`: its changed targets set on the item's rows, which are validated."""
    name = filenode.get("original", "")
    item = _item(reading, filenode, name)
    if item is None:
        return
    adapter, obj, changes, current = item
    english_flat = flatten(changes.approved.source)
    current_flat = flatten(current)
    known = {segment.path: segment for segment in segments(adapter, changes.approved.source)}
    rows: dict[tuple, Model] = {}
    written: list[str] = []
    for node in filenode.iter(f"{{{NAMESPACE}}}trans-unit"):
        path = node.get("id", "")
        segment = known.get(path)
        target = _checked_target(reading, name, node, segment, english_flat.get(path, ""))
        if target is None or target == current_flat.get(path, ""):
            continue
        place = (segment.part, segment.index)
        row = rows[place] = rows.get(place) or _row(adapter, obj, segment)
        setattr(row, f"{segment.model_field}_{reading.language}", target)
        written.append(path)
        for warning in reading.glossary.avoided_in(target):
            reading.result.warnings.append(f"{name}, {path}: {warning}")
    for row in rows.values():
        try:
            row.full_clean()
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                for message in messages:
                    reading.errors.append(f"{name}, {field_name}: {message}")
    if written:
        reading.result.changed[name] = written
        reading.pending.append((name, obj, list(rows.values())))


def _checked_target(reading: _Reading, name: str, node, segment, english: str) -> str | None:
    """A unit's target, None when it has none or (error noted) its segment is unknown or
    its source is no longer the approved English."""
    path = node.get("id", "")
    if segment is None:
        reading.errors.append(
            _("%(item)s, %(path)s: no such segment.") % {"item": name, "path": path}
        )
        return None
    source = _text(node, "source")
    if (source or "") != english:
        reading.errors.append(
            _(
                "%(item)s, %(path)s: the source is no longer the approved English "
                "(now: %(english)s). Export the file again."
            )
            % {"item": name, "path": path, "english": english}
        )
        return None
    return _text(node, "target")


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
