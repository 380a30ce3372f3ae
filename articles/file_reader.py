"""Read and check the content files (content/, see content/FORMAT.md) without writing:
TOML parsed, nesting and control characters refused, each file checked against the
declared schema (`articles.schema`), slugs used once and regions known.

`read_content` holds every topic (checks, small folders); `check_files` and the loader's
`load_files` check one topic file at a time through `TopicChecker`, so 10,000 files need
bounded memory. Every problem of every file is collected before anything is refused.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .file_problems import ContentError, Problem, field_path, schema_message
from .models import BodyRegion, SiteNotice
from .schema import file_schemas
from .validators import printable_but_line_breaks

NUMBERS_NOTICE = SiteNotice.Key.EMERGENCY


@dataclass
class ContentBundle:
    """Everything read from the files, checked, as plain data ready to write:
    {kind: {key: entry}} and where each entry came from."""

    regions: dict[str, dict] = field(default_factory=dict)
    notices: dict[str, dict] = field(default_factory=dict)
    topics: dict[str, dict] = field(default_factory=dict)
    files: dict[tuple[str, str], Path] = field(default_factory=dict)


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
    if printable_but_line_breaks(text):
        return []
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
                    field_path(location[: MAX_NESTING + 1]),
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
                    where = field_path(location) or "top level"
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
                        field_path(location),
                        f"remove the control characters from this text: {', '.join(controls)}",
                    )
                )
                found = True
    return not found


def validate_file(path: Path, schema: type[BaseModel], problems: list[Problem]) -> dict | None:
    data = _parse(path, problems)
    if data is None:
        return None
    if not _check_values(path, data, problems):
        return None
    try:
        return schema.model_validate(data).model_dump(mode="json")
    except ValidationError as error:
        for item in error.errors():
            problems.append(Problem(path, field_path(item["loc"]), schema_message(item, schema)))
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
    if regions.exists() and (data := validate_file(regions, schemas["regions"], problems)):
        _keyed(data["region"], "slug", regions, "region", "region", bundle, bundle.regions,
               problems)  # fmt: skip
    notices = path / "notices.toml"
    if notices.exists() and (data := validate_file(notices, schemas["notices"], problems)):
        _keyed(data["notice"], "key", notices, "notice", "notice", bundle, bundle.notices,
               problems)  # fmt: skip
    numbers = path / "emergency_numbers.toml"
    if numbers.exists() and (data := validate_file(numbers, schemas["emergency_numbers"],
                                               problems)):  # fmt: skip
        if NUMBERS_NOTICE not in bundle.notices:
            problems.append(Problem(numbers, "number", "needs the emergency notice"))
        else:
            bundle.notices[NUMBERS_NOTICE]["numbers"] = data["number"]


def start_reading(path: Path) -> tuple[list[Path], ContentBundle, list[Problem]]:
    """The topic files to check, and the folder's shared files read and checked."""
    problems: list[Problem] = []
    bundle = ContentBundle()
    topic_files = _topic_files(path)
    _read_shared(path, bundle, problems)
    return topic_files, bundle, problems


class TopicChecker:
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
        topic = validate_file(topic_file, self.schema, self.problems)
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
    topic_files, bundle, problems = start_reading(Path(path))
    checker = TopicChecker(bundle, problems)
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
    topic_files, bundle, problems = start_reading(Path(path))
    checker = TopicChecker(bundle, problems)
    topics = sum(checker.check(topic_file) is not None for topic_file in topic_files)
    if problems:
        raise ContentError(problems)
    return len(bundle.regions), len(bundle.notices), topics
