"""Read the human-editable content files (content/, see content/FORMAT.md) into the
editable rows.

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

import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from pydantic import BaseModel, ValidationError

from . import content_checks
from .hashing import fingerprint
from .languages import language_codes
from .models import Article, BodyRegion, SiteNotice
from .schema import entry_model, file_schemas
from .stored_state import changed_fields, stored_text
from .text import normalise_text

NUMBERS_NOTICE = SiteNotice.Key.EMERGENCY
LOAD_BATCH = 200  # topic files written between two progress reports (`load_files`)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file: where (a line, or a field path) and what."""

    file: Path
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


class ContentError(Exception):
    """The files have problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


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


@dataclass
class ContentBundle:
    """Everything read from the files, checked, as plain data ready to write:
    {kind: {key: entry}} and where each entry came from."""

    regions: dict[str, dict] = field(default_factory=dict)
    notices: dict[str, dict] = field(default_factory=dict)
    topics: dict[str, dict] = field(default_factory=dict)
    files: dict[tuple[str, str], Path] = field(default_factory=dict)


# Reading and checking -------------------------------------------------------------------


def _where(location: tuple) -> str:
    """("relief", 2, "kind") -> "relief[2].kind"."""
    where = ""
    for part in location:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where


def _type_name(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _message(error: dict, schema: type[BaseModel]) -> str:
    """pydantic's error as an editor reads it."""
    kind, value = error["type"], error.get("input")
    location = error["loc"]
    if kind == "extra_forbidden":
        name = location[-1]
        if str(name) and len(location) > 1 and _is_language_table(location, schema):
            return f"unknown language {name!r}; the site's languages are " + ", ".join(
                language_codes()
            )
        return f"unknown field {name!r}"
    if kind == "missing":
        if location and location[-1] in language_codes():
            return "English text is required"
        return "is required"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{value!r} is not one of {expected.replace(' or ', ', ')}"
    if kind in ("string_type", "date_type", "date_from_datetime_parsing"):
        return f"expected text, got {_type_name(value)}"
    if kind == "list_type":
        return f'expected a list such as ["..."], got {_type_name(value)}'
    if kind == "model_type":
        return f"expected a table, got {_type_name(value)}"
    if kind == "string_pattern_mismatch" and location and location[-1] in ("slug", "key"):
        return f"{value!r} is not a valid slug (lower-case letters, digits and hyphens)"
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        return f"too long: {len(value)} characters, at most {limit}"
    if kind == "too_short" and isinstance(value, list):
        return "is required: at least one"
    return error["msg"].removeprefix("Value error, ")


def _is_language_table(location: tuple, schema: type[BaseModel]) -> bool:
    """Whether `location` (minus its last key) is a table of languages in `schema`."""
    model = schema
    for part in location[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return False
        annotation = info.annotation
        nested = _model_in(annotation)
        if nested is None:
            return False
        model = nested
    return model.__name__.startswith("Texts")


def _model_in(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _parse(path: Path, problems: list[Problem]) -> dict | None:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        # tomllib says "... (at line 12, column 5)"; lead with the position.
        message = str(error)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        where = f"line {match[1]}, column {match[2]}" if match else "syntax"
        problems.append(Problem(path, where, f"not valid TOML: {message}"))
    except UnicodeDecodeError as error:
        problems.append(Problem(path, "encoding", f"not UTF-8 text: {error}"))
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively.
        problems.append(
            Problem(
                path,
                "structure",
                f"nested too deeply to read; content files nest at most {MAX_NESTING} levels",
            )
        )
    except OSError as error:
        problems.append(Problem(path, "file", f"cannot be read: {error}"))
    return None


# No content file nests tables and lists deeper than this (a topic's deepest value is
# relief[0].how_to.en: 4); the limit keeps far deeper data away from the schema check.
MAX_NESTING = 10
_ALLOWED_CONTROLS = {"\n", "\t", "\r"}


def _control_characters(text: str) -> list[str]:
    found = []
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS:
            name = unicodedata.name(char, "") or _CONTROL_NAMES.get(ord(char), "control")
            code = f"U+{ord(char):04X} {name}"
            if code not in found:
                found.append(code)
    return found


_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BACKSPACE", 27: "ESCAPE", 127: "DELETE"}


def _check_values(path: Path, data: dict, problems: list[Problem]) -> bool:
    """Nesting depth and control characters (keys and texts), each problem with its field
    path; a NUL would otherwise fail the write on PostgreSQL after others were written.
    Walks without recursion, so no depth of data can exhaust the stack."""
    found = False
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        location, value = stack.pop()
        if len(location) > MAX_NESTING:
            problems.append(
                Problem(
                    path,
                    _where(location[: MAX_NESTING + 1]),
                    f"nested more than {MAX_NESTING} levels deep; content files nest "
                    "tables and lists at most a few levels",
                )
            )
            found = True
            continue
        if isinstance(value, dict):
            for key, item in value.items():
                controls = _control_characters(str(key))
                if controls:
                    where = _where(location) or "top level"
                    problems.append(
                        Problem(
                            path,
                            where,
                            f"a key holds control characters: {', '.join(controls)}",
                        )
                    )
                    found = True
                    continue
                stack.append(((*location, key), item))
        elif isinstance(value, list):
            stack.extend(((*location, index), item) for index, item in enumerate(value))
        elif isinstance(value, str):
            controls = _control_characters(value)
            if controls:
                problems.append(
                    Problem(
                        path,
                        _where(location),
                        f"remove the control characters from this text: {', '.join(controls)}",
                    )
                )
                found = True
    return not found


def _validate(path: Path, schema: type[BaseModel], problems: list[Problem]) -> dict | None:
    data = _parse(path, problems)
    if data is None:
        return None
    if not _check_values(path, data, problems):
        return None
    try:
        return schema.model_validate(data).model_dump(mode="json")
    except ValidationError as error:
        for item in error.errors():
            problems.append(Problem(path, _where(item["loc"]), _message(item, schema)))
    return None


def _keyed(entries, key: str, path: Path, table: str, kind: str, bundle, target, problems):
    for index, entry in enumerate(entries):
        value = entry.pop(key)
        if value in target:
            problems.append(Problem(path, f"{table}[{index}].{key}", f"duplicate {value!r}"))
        entry["order"] = index
        target[value] = entry
        bundle.files[(kind, value)] = path


def _topic_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted((path / "topics").glob("*.toml"))
    if path.is_file():
        return [path]
    raise ContentError([Problem(path, "path", "no such file or folder")])


def _read_shared(path: Path, bundle: ContentBundle, problems: list[Problem]) -> None:
    """The folder's regions, notices and emergency numbers, into `bundle`."""
    if not path.is_dir():
        return
    schemas = file_schemas()
    regions = path / "regions.toml"
    if regions.exists() and (data := _validate(regions, schemas["regions"], problems)):
        _keyed(data["region"], "slug", regions, "region", "region", bundle, bundle.regions,
               problems)  # fmt: skip
    notices = path / "notices.toml"
    if notices.exists() and (data := _validate(notices, schemas["notices"], problems)):
        _keyed(data["notice"], "key", notices, "notice", "notice", bundle, bundle.notices,
               problems)  # fmt: skip
    numbers = path / "emergency_numbers.toml"
    if numbers.exists() and (data := _validate(numbers, schemas["emergency_numbers"],
                                               problems)):  # fmt: skip
        if NUMBERS_NOTICE not in bundle.notices:
            problems.append(Problem(numbers, "number", "needs the emergency notice"))
        else:
            bundle.notices[NUMBERS_NOTICE]["numbers"] = data["number"]


def _start_reading(path: Path) -> tuple[list[Path], ContentBundle, list[Problem]]:
    """The topic files to check, and the folder's shared files read and checked."""
    problems: list[Problem] = []
    bundle = ContentBundle()
    topic_files = _topic_files(path)
    _read_shared(path, bundle, problems)
    return topic_files, bundle, problems


class _TopicChecker:
    """Checks topic files one at a time: the schema, slugs used once, known regions.
    Keeps only each slug's file, so checking 10,000 files holds one topic at a time."""

    def __init__(self, bundle: ContentBundle, problems: list[Problem]):
        self.schema = file_schemas()["topic"]
        self.files = bundle.files
        self.problems = problems
        self.known_regions = set(bundle.regions) | set(
            BodyRegion.objects.values_list("slug", flat=True)
        )

    def check(self, topic_file: Path) -> tuple[str, dict] | None:
        """(slug, entry) of a valid topic file; None (and its problems noted) otherwise."""
        topic = _validate(topic_file, self.schema, self.problems)
        if topic is None:
            return None
        slug = topic.pop("slug")
        if ("topic", slug) in self.files:
            other = self.files[("topic", slug)]
            self.problems.append(
                Problem(topic_file, "slug", f"duplicate topic slug {slug!r}, also used by {other}")
            )
            return None
        self.files[("topic", slug)] = topic_file
        unknown = [
            Problem(
                topic_file,
                f"regions[{index}]",
                f"unknown region {region!r}; known regions are "
                f"{', '.join(sorted(self.known_regions))}",
            )
            for index, region in enumerate(topic["regions"])
            if region not in self.known_regions
        ]
        self.problems.extend(unknown)
        return None if unknown else (slug, topic)


def read_content(path: Path) -> ContentBundle:
    """Read and check a content folder (or one topic file), every topic in memory (for
    checks and small folders; `load_files` streams). Raises ContentError."""
    topic_files, bundle, problems = _start_reading(Path(path))
    checker = _TopicChecker(bundle, problems)
    for topic_file in topic_files:
        checked = checker.check(topic_file)
        if checked is not None:
            bundle.topics[checked[0]] = checked[1]
    if problems:
        raise ContentError(problems)
    return bundle


def check_files(path: Path) -> tuple[int, int, int]:
    """Check a content folder (or one topic file) as `load_files` would, writing nothing
    and holding one topic at a time; returns how many regions, notices and topics it has.
    Raises ContentError."""
    topic_files, bundle, problems = _start_reading(Path(path))
    checker = _TopicChecker(bundle, problems)
    topics = sum(checker.check(topic_file) is not None for topic_file in topic_files)
    if problems:
        raise ContentError(problems)
    return len(bundle.regions), len(bundle.notices), topics


# Writing ------------------------------------------------------------------------------


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
    topic_files, bundle, problems = _start_reading(Path(path or settings.CONTENT_DIR))
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
        checker = _TopicChecker(bundle, problems)
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
    # The file is the whole truth for a changed entry: its parts are replaced in order.
    for part_name, related_name in model.content_parts.items():
        relation = model._meta.get_field(related_name)
        if not created:
            getattr(obj, related_name).all().delete()
        children = []
        for order, item in enumerate(entry.get(part_name, [])):
            child = relation.related_model(**{relation.field.name: obj, "order": order})
            _assign(child, item)
            children.append(child)
        relation.related_model.objects.bulk_create(children)
    obj.loaded_text = stored_text(obj)
    obj.save(update_fields=["loaded_text"])
    (report.created if created else report.updated).append(label)
    report.written.append(obj)
