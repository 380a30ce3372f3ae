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
- Glossary rules apply to a whole unit (a topic, a region, a notice), as before: where
  the English unit contains a term, the translation must contain one of its `use`
  renderings; no translation may contain an `avoid` rendering.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from .languages import SOURCE_LANGUAGE

# The language content files are written in (settings.LANGUAGE_CODE).
SOURCE = SOURCE_LANGUAGE
BLOCKING: Literal["blocking"] = "blocking"
WARNING: Literal["warning"] = "warning"
Severity = Literal["blocking", "warning"]
URGENCIES = ("emergency", "urgent", "routine")

# Parts a topic must have in English (and in every language its title has).
REQUIRED_TEXTS = ("title", "summary", "description", "what_it_is", "symptoms", "causes")
MIN_REFERENCES = 2


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


# Tier wording, per language -------------------------------------------------------------
# The phrases of each language live in content_words.toml beside this module (the code
# names no language); a language without a table is not judged.

_WORDS: dict[str, dict[str, Any]] = tomllib.loads(
    Path(__file__).with_name("content_words.toml").read_text(encoding="utf-8")
)


def _words(kind: str) -> dict[str, tuple[str, ...]]:
    return {language: tuple(table[kind]) for language, table in _WORDS.items() if kind in table}


EMERGENCY_WORDS = _words("emergency")
URGENT_WORDS = _words("urgent")
ROUTINE_WORDS = _words("routine")
CONDITIONAL_WORDS = _words("conditional")
SENTENCE_END = re.compile(r"(?<=[.;!?؛؟])\s+|\n+")
# A number: digits not glued to Latin letters or other digits ("COVID19" is not one;
# "3pm" and the Arabic "و6", "and 6", are).
NUMBER = re.compile(r"(?<![0-9A-Za-z.,])[0-9]+(?:[.,][0-9]+)?(?!(?!am\b|pm\b)[0-9A-Za-z])")
# One and two are often words in a good translation (Arabic duals: "أسبوعين", two
# weeks; "سنة", one year; Russian "сутки"), so a translation may leave them out.
MAY_BE_WORDS = {"1", "2"}


# Rules read from content/ ---------------------------------------------------------------


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


# Walking the texts ----------------------------------------------------------------------


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


def _at(path: str, language: str) -> str:
    return f"{path}.{language}" if path else language


# Checks over any entry (topic, region, notice) ------------------------------------------


# Other names readers search with (FORMAT.md): a name the glossary avoids in running text
# ("припадок", "crisis febril") is exactly what a reader may type, so it may be listed.
SEARCH_NAMES = {"also_called"}


def check_glossary(entry: Mapping, rules: Rules) -> list[Finding]:
    """The glossary's preferred terms are used and its avoided renderings are absent."""
    findings = []
    text = joined(entry)
    english = text.get(SOURCE, "")
    for language, terms in rules.glossaries.items():
        translation = text.get(language)
        if not translation:
            continue
        for term in terms:
            if term.en.casefold() in english and not any(
                use.casefold() in translation for use in term.use
            ):
                findings.append(
                    Finding(
                        "glossary-term-missing",
                        BLOCKING,
                        language,
                        f"the English says {term.en!r}: use one of {list(term.use)}",
                    )
                )
        for path, table in translated_texts(entry):
            if path in SEARCH_NAMES:
                continue
            body = table.get(language, "").casefold()
            for term in terms:
                for avoid in term.avoid:
                    if avoid.casefold() in body:
                        findings.append(
                            Finding(
                                "glossary-term-avoided",
                                BLOCKING,
                                _at(path, language),
                                f"{avoid!r} is a rendering the glossary avoids for "
                                f"{term.en!r}: use one of {list(term.use)}",
                            )
                        )
    return findings


def check_restricted_medicines(entry: Mapping, rules: Rules) -> list[Finding]:
    """No withdrawn or restricted medicine is named, in any spelling or language."""
    findings = []
    for path, table in translated_texts(entry):
        for language, text in table.items():
            body = text.casefold()
            for medicine in rules.medicines:
                for spelling in medicine.spellings:
                    if spelling.casefold() in body:
                        findings.append(
                            Finding(
                                "restricted-medicine",
                                BLOCKING,
                                _at(path, language),
                                f"names {spelling!r} ({medicine.name}), a restricted medicine "
                                "(content/restricted_medicines.toml)",
                            )
                        )
    return findings


def numbers_in(text: str) -> list[str]:
    return sorted(match.replace(",", ".") for match in NUMBER.findall(text))


def check_numbers(entry: Mapping, rules: Rules) -> list[Finding]:
    """Every number of an English text (ages, temperatures, durations, phone numbers)
    is in each translation, and a translation adds none but emergency numbers."""
    findings = []
    for path, table in translated_texts(entry):
        english = table.get(SOURCE)
        if english is None:
            continue
        expected = numbers_in(english)
        for language, text in table.items():
            if language == SOURCE:
                continue
            found = numbers_in(text)
            missing = [n for n in _minus(expected, found) if n not in MAY_BE_WORDS]
            if any(number in rules.emergency_numbers for number in found):
                # A translation may name its readers' emergency numbers instead of the
                # English ones (the emergency notice does), as long as it names one.
                missing = [n for n in missing if n not in rules.emergency_numbers]
            extra = [n for n in _minus(found, expected) if n not in rules.emergency_numbers]
            if missing or extra:
                parts = []
                if missing:
                    parts.append(f"lacks {', '.join(missing)}")
                if extra:
                    parts.append(f"adds {', '.join(extra)}")
                findings.append(
                    Finding(
                        "numbers-differ",
                        BLOCKING,
                        _at(path, language),
                        f"numbers differ from the English: {'; '.join(parts)}",
                    )
                )
    return findings


def _minus(these: list[str], those: list[str]) -> list[str]:
    left = list(those)
    out = []
    for item in these:
        if item in left:
            left.remove(item)
        else:
            out.append(item)
    return out


# Placeholders filled with a date. Russian dates end in "г." ("3 декабря 2026 г."), so a
# full stop after one shows "2026 г.." (issue 24).
DATE_PLACEHOLDERS = ("approved", "due", "date", "checked")
DATE_ENDS_WITH_STOP = {code for code, table in _WORDS.items() if table.get("date_ends_with_stop")}


def check_date_punctuation(entry: Mapping) -> list[Finding]:
    """No full stop right after a date placeholder in a language whose dates end in one."""
    findings = []
    pattern = re.compile(r"\{(?:" + "|".join(DATE_PLACEHOLDERS) + r")\}\.")
    for path, table in translated_texts(entry):
        for language in DATE_ENDS_WITH_STOP:
            if pattern.search(table.get(language, "")):
                findings.append(
                    Finding(
                        "date-double-stop",
                        BLOCKING,
                        _at(path, language),
                        "a date here already ends in «г.»: remove the full stop after the date",
                    )
                )
    return findings


# Warning-sign tiers ---------------------------------------------------------------------


# Arabic attaches prepositions to the next word ("برقم" = "on the number"), so its
# phrases are not anchored at a word start (content_words.toml).
UNANCHORED = {code for code, table in _WORDS.items() if table.get("unanchored")}


def _has(text: str, words: tuple[str, ...], language: str = "") -> bool:
    start = "" if language in UNANCHORED else r"(?<!\w)"
    return any(re.search(start + word, text) for word in words)


def _conditional(sentence: str, language: str) -> bool:
    return any(re.search(pattern, sentence) for pattern in CONDITIONAL_WORDS.get(language, ()))


def _unconditional(text: str, language: str, words: tuple[str, ...]) -> bool:
    return any(
        _has(sentence, words, language) and not _conditional(sentence, language)
        for sentence in SENTENCE_END.split(text.casefold())
    )


def tier_problems(urgency: str, text: str, language: str) -> list[str]:
    """What in a sign's wording contradicts its tier (empty when it agrees). Languages
    without phrase lists are not judged."""
    if language not in EMERGENCY_WORDS:
        return []
    body = text.casefold()
    emergency, urgent = EMERGENCY_WORDS[language], URGENT_WORDS[language]
    problems = []
    if urgency == "emergency":
        if not _has(body, emergency, language):
            problems.append(
                "an emergency sign must tell the reader to call the emergency number now"
            )
    elif urgency == "urgent":
        if _unconditional(body, language, emergency):
            problems.append(
                "says to call the emergency number (emergency wording) but is "
                "filed as urgent: make it emergency, or make the call conditional"
            )
        if not _has(body, urgent, language):
            problems.append("an urgent sign must say to see a doctor today")
    elif urgency == "routine":
        if _unconditional(body, language, emergency) or _unconditional(body, language, urgent):
            problems.append("has emergency or urgent wording but is filed as routine")
        if not _has(body, ROUTINE_WORDS[language], language):
            problems.append("a routine sign must say to book an appointment or ask a doctor")
    else:
        problems.append(f"unknown urgency {urgency!r}")
    return problems


def check_sign_tiers(topic: Mapping) -> list[Finding]:
    """Each warning sign's tier agrees with its own words, in every language."""
    findings = []
    for index, sign in enumerate(topic.get("warning_signs") or []):
        for language, text in (sign.get("text") or {}).items():
            for problem in tier_problems(sign.get("urgency", ""), text, language):
                findings.append(
                    Finding(
                        "tier-wording", BLOCKING, f"warning_signs[{index}].text.{language}", problem
                    )
                )
    return findings


def check_canonical_signs(topic: Mapping, rules: Rules) -> list[Finding]:
    """A sign the canonical table knows has the table's tier (and wording) in every topic."""
    findings = []
    for index, sign in enumerate(topic.get("warning_signs") or []):
        english = (sign.get("text") or {}).get(SOURCE, "")
        for canonical in rules.canonical_signs:
            if not canonical.match.search(english):
                continue
            if sign.get("urgency") != canonical.urgency:
                findings.append(
                    Finding(
                        "canonical-tier",
                        BLOCKING,
                        f"warning_signs[{index}].urgency",
                        f"{canonical.key!r} is {canonical.urgency} in every topic "
                        f"(content/canonical_signs.toml, {canonical.source}), not "
                        f"{sign.get('urgency')}",
                    )
                )
            for wording in canonical.wording:
                if wording.casefold() not in english.casefold():
                    findings.append(
                        Finding(
                            "canonical-wording",
                            BLOCKING,
                            f"warning_signs[{index}].text.en",
                            f"{canonical.key!r} is worded {wording!r} in every topic",
                        )
                    )
    return findings


# References -----------------------------------------------------------------------------


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").casefold()
    return host[4:] if host.startswith("www.") else host


def _on(host: str, hosts: tuple[str, ...] | list[str]) -> bool:
    """Whether a host is one of `hosts`: ".example.org" covers the domain and its
    subdomains, "example.org" that host only ("www." ignored on both sides)."""
    for known in hosts:
        known = known.casefold().removeprefix("www.")
        if known.startswith("."):
            if host == known[1:] or host.endswith(known):
                return True
        elif host == known:
            return True
    return False


def check_references(topic: Mapping, rules: Rules) -> list[Finding]:
    """References: enough of them, the first a national patient page, every one https,
    on an allowed publisher and on no local or defunct host, with a known language."""
    references = topic.get("references") or []
    policy = rules.references
    findings = []
    if len(references) < MIN_REFERENCES:
        findings.append(
            Finding(
                "references-too-few",
                BLOCKING,
                "references",
                f"cite at least {MIN_REFERENCES} pages",
            )
        )
    for index, reference in enumerate(references):
        url = str(reference.get("url", ""))
        where = f"references[{index}].url"
        host = _host(url)
        if not url.startswith("https://") or not host or re.search(r"\s", url):
            findings.append(
                Finding(
                    "reference-not-https", BLOCKING, where, "cite the https address of the page"
                )
            )
        prefix = host + (urlsplit(url).path or "")
        refused = next(
            (why for known, why in policy.refused_paths.items() if prefix.startswith(known)), None
        )
        if not refused and not _on(host, policy.national):
            # The most specific refusal wins (ccg.nhs.uk before .nhs.uk).
            matches = [(known, why) for known, why in policy.refused.items() if _on(host, [known])]
            refused = max(matches, key=lambda item: len(item[0]))[1] if matches else None
        if refused:
            findings.append(
                Finding(
                    "reference-refused-host", BLOCKING, where, f"{host} may not be cited: {refused}"
                )
            )
        elif not (_on(host, policy.national) or _on(host, policy.allowed)):
            findings.append(
                Finding(
                    "reference-unknown-publisher",
                    BLOCKING,
                    where,
                    f"{host} is not on the publishers' allow-list (content/reference_policy.toml)",
                )
            )
        if not str(reference.get("language", "")).strip():
            findings.append(
                Finding(
                    "reference-language",
                    BLOCKING,
                    f"references[{index}].language",
                    "give the language of the referenced page",
                )
            )
        if (
            not str(reference.get("publisher", "")).strip()
            or not str(reference.get("title", "")).strip()
        ):
            findings.append(
                Finding(
                    "reference-incomplete",
                    BLOCKING,
                    f"references[{index}]",
                    "a reference needs its publisher and title",
                )
            )
    # A warning, not a block: a reputable page in the reader's language does not exist
    # for every subject (issue 24 asks for one "where a reputable one exists").
    cited = {str(reference.get("language", "")) for reference in references}
    for language in topic.get("title") or {}:
        if language != SOURCE and language not in cited:
            findings.append(
                Finding(
                    "reference-in-reader-language",
                    WARNING,
                    "references",
                    f"no reference in {language}: add a reputable page in {language} if one exists",
                )
            )
    if references:
        first = _host(str(references[0].get("url", "")))
        if not _on(first, policy.national):
            findings.append(
                Finding(
                    "reference-national-first",
                    BLOCKING,
                    "references[0].url",
                    "the first reference must be a national patient page "
                    f"({', '.join(policy.national)})",
                )
            )
    return findings


# Required parts -------------------------------------------------------------------------


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
                        _at(path, language),
                        f"the title is in {language} but this text is not",
                    )
                )
        for language in table:
            if language not in languages:
                findings.append(
                    Finding(
                        "translation-without-title",
                        BLOCKING,
                        _at(path, language),
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
