"""Write the human-editable content files (content/, see content/FORMAT.md) into the
editable rows; reading and checking them is `articles.file_reader`, the problems an
editor is shown `articles.file_problems`.

Every file is read and checked against the declared schema (`articles.schema`), and
only a run with no problems at all leaves anything written: the load is one transaction,
undone if any file has a problem. Topic files are read, checked and written one at a
time (`load_files`), so a folder of 10,000 topics is loaded in bounded memory. An entry
is written only when it changed since the last load (a hash is kept on the row), so
re-running the loader is harmless and never undoes edits made in the admin to content
whose file did not change. The rows written are handed back, so the review workflow can
record them as edits (`reviews` calls this).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction

from . import content_checks
from .file_problems import ContentError, Problem
from .file_reader import ContentBundle, TopicChecker, check_files, read_content, start_reading
from .hashing import fingerprint
from .languages import language_codes
from .models import Article, BodyRegion, SiteNotice
from .schema import entry_model
from .stored_state import changed_fields, stored_text
from .text import normalise_text

# The loader's public names, where its callers have always found them.
__all__ = [
    "LOAD_BATCH",
    "ContentBundle",
    "ContentError",
    "LoadReport",
    "Problem",
    "check_files",
    "load_files",
    "read_content",
    "write_topic",
]

LOAD_BATCH = 200  # topic files written between two progress reports (`load_files`)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # The rows this load created or changed, for the review workflow to record as edits.
    written: list[models.Model] = field(default_factory=list)
    # What the content rules (articles.content_checks) find in the topics written:
    # reported, never refused here (approval asks for a reason where a finding blocks).
    findings: list[str] = field(default_factory=list)
    # Entries changed in the admin since the last load: refused (not written), or with
    # `force`, overwritten. Each: (label, entry object, changed field paths).
    conflicts: list[tuple[str, models.Model, list[str]]] = field(default_factory=list)
    overridden: list[tuple[str, models.Model, list[str]]] = field(default_factory=list)
    force: bool = False


def load_files(
    path: Path | None = None,
    *,
    batch: int | None = None,
    on_batch: Callable[[LoadReport, int, int], None] | None = None,
    content_rules: bool = True,
    force: bool = False,
) -> LoadReport:
    """Read, check and write the content in one transaction: a run with any problem
    writes nothing (ContentError lists every problem of every file). Call it inside the
    caller's transaction to add work to the same one.

    Topic files are read, checked and written one at a time, so memory holds one batch,
    not the corpus. With `on_batch`, it is called after the regions and notices and after
    every `batch` (LOAD_BATCH) topic files as on_batch(report, files done, files in all), inside the
    transaction, and `report.written` is emptied after each call (the caller records
    those rows); without it, `report.written` collects every row written.

    With `content_rules`, each topic written is checked by articles.content_checks and
    what they find is listed in `report.findings` (about 80 ms a topic on a busy machine,
    so a 10,000-file load may skip them and check afterwards)."""
    batch = batch or LOAD_BATCH
    topic_files, bundle, problems = start_reading(Path(path or settings.CONTENT_DIR))
    report = LoadReport(force=force)
    folder = Path(path or settings.CONTENT_DIR)
    rules = content_checks.load_rules(
        folder if (folder / "glossary").is_dir() else Path(settings.CONTENT_DIR)
    )

    def done(count: int) -> None:
        if on_batch is not None and not problems:
            on_batch(report, count, len(topic_files))
            report.written.clear()

    with transaction.atomic():
        if not problems:  # else only check the topic files, to report every problem
            for slug, entry in bundle.regions.items():
                _upsert(BodyRegion, {"slug": slug}, entry, report, f"region {slug}")
            for key, entry in bundle.notices.items():
                _upsert(SiteNotice, {"key": key}, entry, report, f"notice {key}")
        done(0)
        checker = TopicChecker(bundle, problems)
        for count, topic_file in enumerate(topic_files, 1):
            checked = checker.check(topic_file)
            if checked is not None and not problems:  # after a problem: check, never write
                written = len(report.written)
                _upsert(Article, {"slug": checked[0]}, checked[1], report, f"topic {checked[0]}")
                if content_rules and len(report.written) > written:
                    report.findings += [
                        f"topic {checked[0]}: {finding}"
                        for finding in content_checks.check_topic(_as_written(checked[1]), rules)
                    ]
            if count % batch == 0 or count == len(topic_files):
                done(count)
        if problems:
            raise ContentError(problems)  # and the transaction undoes what was written
    return report


def _as_written(value: Any) -> Any:
    """A validated entry as its file has it (the rules read files): the schema's empty
    values (a language left out is None) left out again."""
    if isinstance(value, dict):
        return {key: _as_written(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_as_written(item) for item in value]
    return value


def write_topic(slug: str, entry: dict[str, Any], report: LoadReport) -> None:
    """Write one checked topic entry (as `read_content` gives it) under `slug`, as
    `load_files` does; for callers that write many topics in batches of their own."""
    _upsert(Article, {"slug": slug}, entry, report, f"topic {slug}")


def _assign(obj: models.Model, entry: dict[str, Any]) -> dict[str, list]:
    """Set the entry's texts (every language) and plain values on `obj`; return the
    many-to-many values, which can only be set once it is saved."""
    schema = entry_model(type(obj))
    many: dict[str, list] = {}
    parts = getattr(obj, "content_parts", {})
    columns = {model_field.name for model_field in obj._meta.get_fields()}
    for name, value in entry.items():
        if name in parts or name not in columns or name not in {*schema.model_fields, "order"}:
            continue
        if obj._meta.get_field(name).many_to_many:
            many[name] = value
        elif isinstance(value, dict):
            for code in language_codes():
                setattr(obj, f"{name}_{code}", normalise_text(value.get(code) or ""))
        else:
            if isinstance(value, str):
                value = normalise_text(value)
            setattr(obj, name, value if value is not None else "")
    return many


def _upsert(model, lookup: dict, entry: dict, report: LoadReport, label: str) -> None:
    """Create or update one entry and replace its parts, unless its file is unchanged."""
    digest = fingerprint(entry)
    obj = model.objects.filter(**lookup).first()
    if obj is not None and obj.content_hash == digest:
        report.unchanged.append(label)
        return
    if obj is not None and obj.loaded_text:
        changed = changed_fields(obj.loaded_text, stored_text(obj))
        if changed and not report.force:
            report.conflicts.append((label, obj, changed))  # the admin's work stays
            return
        if changed:
            report.overridden.append((label, obj, changed))
    created = obj is None
    obj = obj or model(**lookup)
    many = _assign(obj, entry)
    obj.content_hash = digest
    obj.save()
    for name, slugs in many.items():
        related = model._meta.get_field(name).related_model
        getattr(obj, name).set(related.objects.filter(slug__in=slugs))
    written = _replace_parts(obj, entry, created)
    obj.loaded_text = stored_text(obj, parts=written)
    obj.save(update_fields=["loaded_text"])
    (report.created if created else report.updated).append(label)
    report.written.append(obj)


def _replace_parts(obj: models.Model, entry: dict, created: bool) -> dict[str, list]:
    """The file is the whole truth for a changed entry: its parts are replaced, in order.
    Returns the rows written ({related name: rows})."""
    written: dict[str, list] = {}
    for part_name, related_name in type(obj).content_parts.items():
        relation = obj._meta.get_field(related_name)
        if not created:
            getattr(obj, related_name).all().delete()
        children = []
        for order, item in enumerate(entry.get(part_name, [])):
            child = relation.related_model(**{relation.field.name: obj, "order": order})
            _assign(child, item)
            children.append(child)
        written[related_name] = relation.related_model.objects.bulk_create(children)
    return written
