"""What every content check reads and returns: an entry's translated texts, walked as
(field path, {language: text}) pairs, and the `Finding` a broken rule gives (code,
severity, field path, message). See `articles.content_checks` for the rules themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .languages import SOURCE_LANGUAGE

# The language content files are written in (settings.LANGUAGE_CODE).
SOURCE = SOURCE_LANGUAGE
BLOCKING: Literal["blocking"] = "blocking"
WARNING: Literal["warning"] = "warning"
Severity = Literal["blocking", "warning"]


@dataclass(frozen=True)
class Finding:
    """One rule broken at one place: `path` is a field path such as
    `warning_signs[3].text.ru` or `references[0].url`."""

    code: str
    severity: Severity
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]"


def _is_language_table(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and bool(value)
        and all(
            isinstance(key, str) and re.fullmatch(r"[a-z]{2}(?:-[a-z]+)?", key) for key in value
        )
        and all(isinstance(text, str) for text in value.values())
    )


def translated_texts(entry: Any, path: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    """(field path, {language: text}) for every translated text of an entry; references
    are skipped (they are cited as they are, in their own language)."""
    if _is_language_table(entry):
        yield path, dict(entry)
    elif isinstance(entry, Mapping):
        for key, item in entry.items():
            if key != "references":
                yield from translated_texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(entry, list):
        for index, item in enumerate(entry):
            yield from translated_texts(item, f"{path}[{index}]")


def languages_of(entry: Mapping) -> list[str]:
    found: list[str] = []
    for _path, table in translated_texts(entry):
        found.extend(language for language in table if language not in found)
    return found


def joined(entry: Mapping) -> dict[str, str]:
    """One casefolded text per language: the unit the glossary rules apply to."""
    parts: dict[str, list[str]] = {}
    for _path, table in translated_texts(entry):
        for language, text in table.items():
            parts.setdefault(language, []).append(text)
    return {language: "\n".join(texts).casefold() for language, texts in parts.items()}


def at(path: str, language: str) -> str:
    return f"{path}.{language}" if path else language
