"""Content rules over a topic's text, per language: the checks a medical editor would make
by hand, as pure functions (no database, no network). The test suite, the admin save, the
review page and the loader all call these, so one rule is written once.

Input is plain data in the shape of a content file (content/FORMAT.md): a topic is a
mapping with `title`, `summary`, ... as `{language: text}` tables, `warning_signs` as a
list of `{"urgency": ..., "text": {language: text}}`, `references` as a list of
`{"publisher", "title", "url", "language", "checked"}`. The admin builds the same mapping
from its rows. Every check returns a list of `Finding`s (code, severity, field path,
message); an empty list means the rule holds.

The rules read from content/ (`load_rules`): the glossaries (terms to use and avoid per
language), the restricted medicines, the canonical warning signs (one tier per sign in
every topic, with the source of that tier) and the reference policy (national patient
pages, allowed publishers, local and defunct hosts). Editors change those files; the
phrase lists that tell a tier from its wording are here, per language, because they are
part of the rule rather than of the content.

Decisions:
- A sign's tier is read from its instruction. An emergency sign must say to call the
  emergency number (or an ambulance); an urgent one must say "today" (or the language's
  equivalent) and must not tell the reader to call the emergency number except in a
  conditional clause ("call the emergency number if it gets worse"); a routine one must
  say to book, ask or tell, and must not say "today" or "call the emergency number"
  except conditionally. Conditional means the sentence (split at . ; ! ?) holds the
  language's "if". This caught angle-closure glaucoma filed as urgent (issue 24).
- Numbers (phone numbers, ages, temperatures, durations) in a translated field must be
  the numbers of the English field. Emergency numbers (content/emergency_numbers.toml)
  are the one exception: a translation may name its own readers' numbers instead (the
  Russian emergency notice names 112 and 103, not 999), but must then name at least one.
  One and two may be written as words (Arabic duals), so only their absence is allowed.
- One module per job, this one the entry point: `content_texts` (walking an entry's
  texts; `Finding`), `content_policy` (the rules read from files), `content_wording`
  (glossary, medicines, numbers, dates), `content_tiers` (warning signs),
  `content_references`. Every public name of those is importable from here.
- Glossary rules apply to a whole unit (a topic, a region, a notice), as before: where
  the English unit contains a term, the translation must contain one of its `use`
  renderings; no translation may contain an `avoid` rendering.
"""

from __future__ import annotations

from collections.abc import Mapping

from .content_policy import (
    PHRASES,
    CanonicalSign,
    Medicine,
    ReferencePolicy,
    Rules,
    Term,
    load_rules,
)
from .content_references import MIN_REFERENCES, check_references
from .content_texts import (
    BLOCKING,
    SOURCE,
    WARNING,
    Finding,
    Severity,
    at,
    joined,
    languages_of,
    translated_texts,
)
from .content_tiers import (
    CONDITIONAL_WORDS,
    EMERGENCY_WORDS,
    ROUTINE_WORDS,
    SENTENCE_END,
    UNANCHORED,
    URGENCIES,
    URGENT_WORDS,
    check_canonical_signs,
    check_sign_tiers,
    tier_problems,
)
from .content_wording import (
    DATE_ENDS_WITH_STOP,
    DATE_PLACEHOLDERS,
    MAY_BE_WORDS,
    NUMBER,
    SEARCH_NAMES,
    check_date_punctuation,
    check_glossary,
    check_numbers,
    check_restricted_medicines,
    numbers_in,
)

__all__ = [
    "BLOCKING",
    "CONDITIONAL_WORDS",
    "DATE_ENDS_WITH_STOP",
    "DATE_PLACEHOLDERS",
    "EMERGENCY_WORDS",
    "PHRASES",
    "MAY_BE_WORDS",
    "MIN_REFERENCES",
    "NUMBER",
    "REQUIRED_TEXTS",
    "ROUTINE_WORDS",
    "SEARCH_NAMES",
    "SENTENCE_END",
    "SOURCE",
    "UNANCHORED",
    "URGENCIES",
    "URGENT_WORDS",
    "WARNING",
    "CanonicalSign",
    "Finding",
    "Medicine",
    "ReferencePolicy",
    "Rules",
    "Severity",
    "Term",
    "blocking",
    "check_canonical_signs",
    "check_date_punctuation",
    "check_entry",
    "check_glossary",
    "check_numbers",
    "check_references",
    "check_required_parts",
    "check_restricted_medicines",
    "check_sign_tiers",
    "check_topic",
    "joined",
    "languages_of",
    "load_rules",
    "numbers_in",
    "tier_problems",
    "translated_texts",
]

# Parts a topic must have in English (and in every language its title has).
REQUIRED_TEXTS = ("title", "summary", "description", "what_it_is", "symptoms", "causes")


def check_required_parts(topic: Mapping) -> list[Finding]:
    """The parts every topic has in English, every text in every language the title has,
    and at least one warning sign."""
    findings = []
    for name in REQUIRED_TEXTS:
        if not str((topic.get(name) or {}).get(SOURCE, "")).strip():
            findings.append(
                Finding(
                    "required-part",
                    BLOCKING,
                    f"{name}.{SOURCE}",
                    f"every topic needs {name.replace('_', ' ')} in English",
                )
            )
    if not topic.get("warning_signs"):
        findings.append(
            Finding(
                "required-part",
                BLOCKING,
                "warning_signs",
                "every topic needs at least one 'when to get help' item",
            )
        )
    languages = [language for language in (topic.get("title") or {})]
    for path, table in translated_texts(topic):
        for language in languages:
            if not str(table.get(language, "")).strip():
                findings.append(
                    Finding(
                        "translation-incomplete",
                        BLOCKING,
                        at(path, language),
                        f"the title is in {language} but this text is not",
                    )
                )
        for language in table:
            if language not in languages:
                findings.append(
                    Finding(
                        "translation-without-title",
                        BLOCKING,
                        at(path, language),
                        f"this text is in {language} but the title is not",
                    )
                )
    return findings


# Entry points ---------------------------------------------------------------------------


def check_entry(entry: Mapping, rules: Rules) -> list[Finding]:
    """The text rules for a region or a notice (and the text part of a topic)."""
    return (
        check_glossary(entry, rules)
        + check_restricted_medicines(entry, rules)
        + check_numbers(entry, rules)
        + check_date_punctuation(entry)
    )


def check_topic(topic: Mapping, rules: Rules) -> list[Finding]:
    """Every content rule for one topic (the mapping of a topic file)."""
    return (
        check_required_parts(topic)
        + check_entry(topic, rules)
        + check_sign_tiers(topic)
        + check_canonical_signs(topic, rules)
        + check_references(topic, rules)
    )


def blocking(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity == BLOCKING]
