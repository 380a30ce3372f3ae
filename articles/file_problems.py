"""What is wrong with a content file, as its editor reads it: `Problem` (a file, where,
what), `ContentError` (every problem of a run; nothing was written), and pydantic's
schema errors turned into plain sentences (`schema_message`).

Split from the loader so the reader, the writer and the exporter share one vocabulary
of problems without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .languages import language_codes


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


def field_path(location: tuple) -> str:
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


def schema_message(error: dict, schema: type[BaseModel]) -> str:
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
