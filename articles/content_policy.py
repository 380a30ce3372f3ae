"""The rules the content checks read: from content/ (`load_rules`: glossaries, restricted
medicines, canonical warning signs, the reference policy, emergency numbers), which
editors change, and the phrase lists per language in content_words.toml beside this
module (the words that tell a tier from its wording; a date that ends in a full stop),
which are part of the rule.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .content_texts import SOURCE

# Phrases per language, for tier wording and dates ----------------------------------------
# The phrases of each language live in content_words.toml beside this module (the code
# names no language); a language without a table is not judged.

PHRASES: dict[str, dict[str, Any]] = tomllib.loads(
    Path(__file__).with_name("content_words.toml").read_text(encoding="utf-8")
)


def words_of(kind: str) -> dict[str, tuple[str, ...]]:
    return {language: tuple(table[kind]) for language, table in PHRASES.items() if kind in table}


@dataclass(frozen=True)
class Term:
    en: str
    use: tuple[str, ...]
    avoid: tuple[str, ...]


@dataclass(frozen=True)
class Medicine:
    name: str
    spellings: tuple[str, ...]


@dataclass(frozen=True)
class CanonicalSign:
    """A warning sign that must have one tier wherever it appears: a sign whose English
    text matches `match` must have `urgency`, and (when given) contain `wording`."""

    key: str
    match: re.Pattern
    urgency: str
    wording: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class ReferencePolicy:
    national: tuple[str, ...]  # hosts of national patient pages (a topic's first reference)
    allowed: tuple[str, ...]  # hosts of publishers readers may be sent to
    refused: dict[str, str]  # host (or host suffix) -> why it may not be cited
    refused_paths: dict[str, str]  # URL prefix (host/path) -> why


@dataclass(frozen=True)
class Rules:
    glossaries: dict[str, tuple[Term, ...]] = field(default_factory=dict)
    medicines: tuple[Medicine, ...] = ()
    canonical_signs: tuple[CanonicalSign, ...] = ()
    references: ReferencePolicy = ReferencePolicy((), (), {}, {})
    emergency_numbers: frozenset[str] = frozenset()


def _read(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@cache
def load_rules(content_dir: Path) -> Rules:
    """The rules kept in the content folder. Cached per folder: call
    `load_rules.cache_clear()` after changing the files in a long-running process."""
    content_dir = Path(content_dir)
    glossaries = {}
    for path in sorted((content_dir / "glossary").glob("*.toml")):
        glossaries[path.stem] = tuple(
            Term(term[SOURCE], tuple(term["use"]), tuple(term.get("avoid", [])))
            for term in _read(path).get("term", [])
        )
    medicines = tuple(
        Medicine(entry["name"], tuple(entry["spellings"]))
        for entry in _read(content_dir / "restricted_medicines.toml").get("medicine", [])
    )
    signs = ()
    if (content_dir / "canonical_signs.toml").exists():
        signs = tuple(
            CanonicalSign(
                entry["key"],
                re.compile(entry["match"], re.IGNORECASE),
                entry["urgency"],
                tuple(entry.get("wording", [])),
                entry["source"],
            )
            for entry in _read(content_dir / "canonical_signs.toml").get("sign", [])
        )
    policy = ReferencePolicy((), (), {}, {})
    if (content_dir / "reference_policy.toml").exists():
        raw = _read(content_dir / "reference_policy.toml")
        policy = ReferencePolicy(
            national=tuple(raw["national"]["hosts"]),
            allowed=tuple(raw["allowed"]["hosts"]),
            refused={entry["host"]: entry["reason"] for entry in raw.get("refused", [])},
            refused_paths={
                entry["prefix"]: entry["reason"] for entry in raw.get("refused_path", [])
            },
        )
    numbers = frozenset()
    if (content_dir / "emergency_numbers.toml").exists():
        numbers = frozenset(
            entry["number"] for entry in _read(content_dir / "emergency_numbers.toml")["number"]
        )
    return Rules(glossaries, medicines, signs, policy, numbers)
