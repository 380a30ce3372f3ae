"""Content checks on the words of any entry (topic, region, notice): the glossary's terms,
restricted medicines, numbers the same as the English, dates not followed by a second
full stop.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .content_policy import PHRASES, Rules
from .content_texts import BLOCKING, SOURCE, Finding, at, joined, translated_texts

# A number: digits not glued to Latin letters or other digits ("COVID19" is not one;
# "3pm" and the Arabic "و6", "and 6", are).
NUMBER = re.compile(r"(?<![0-9A-Za-z.,])[0-9]+(?:[.,][0-9]+)?(?!(?!am\b|pm\b)[0-9A-Za-z])")
# One and two are often words in a good translation (Arabic duals: "أسبوعين", two
# weeks; "سنة", one year; Russian "сутки"), so a translation may leave them out.
MAY_BE_WORDS = {"1", "2"}

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
                                at(path, language),
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
                                at(path, language),
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
                        at(path, language),
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
DATE_ENDS_WITH_STOP = {code for code, table in PHRASES.items() if table.get("date_ends_with_stop")}


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
                        at(path, language),
                        "a date here already ends in «г.»: remove the full stop after the date",
                    )
                )
    return findings
