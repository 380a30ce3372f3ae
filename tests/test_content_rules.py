"""Rules over the whole corpus that the loader does not enforce: the glossaries hold, no
restricted medicine is named, every topic has real references, Arabic uses the digits
the glossary records, notices keep their placeholders, emergency numbers are complete.

These read the TOML files directly (no database), so they run in a second."""

import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

CONTENT = Path(settings.CONTENT_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES]
TRANSLATIONS = [code for code in LANGUAGES if code != "en"]
TOPIC_FILES = sorted((CONTENT / "topics").glob("*.toml"))


def parsed(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def texts(value):
    """(language, text) for every translated text in a parsed entry; references skipped
    (they are cited as they are, in their own language)."""
    if isinstance(value, dict):
        if value and set(value) <= set(LANGUAGES):
            for language, text in value.items():
                if isinstance(text, str):
                    yield language, text
        else:
            for key, item in value.items():
                if key != "references":
                    yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)


def units() -> dict[str, dict[str, str]]:
    """Each topic, region and notice as one text per language (the glossary's scope)."""
    found = {}
    for path in TOPIC_FILES:
        found[f"topics/{path.name}"] = parsed(path)
    for name, table, key in (("regions.toml", "region", "slug"), ("notices.toml", "notice", "key")):
        for entry in parsed(CONTENT / name)[table]:
            found[f"{name}:{entry[key]}"] = entry
    joined = {}
    for name, entry in found.items():
        by_language = {code: [] for code in LANGUAGES}
        for language, text in texts(entry):
            by_language[language].append(text)
        joined[name] = {code: "\n".join(parts).casefold() for code, parts in by_language.items()}
    return joined


UNITS = units()


def glossary(language: str) -> dict:
    return parsed(CONTENT / "glossary" / f"{language}.toml")


def use_violations(language: str, terms: list[dict], corpus: dict) -> list[str]:
    problems = []
    for term in terms:
        for name, text in corpus.items():
            applies = term["en"].casefold() in text["en"] and text[language]
            if applies and not any(use.casefold() in text[language] for use in term["use"]):
                problems.append(f"{name}: {term['en']!r} needs one of {term['use']}")
    return problems


def avoid_violations(language: str, terms: list[dict], corpus: dict) -> list[str]:
    return [
        f"{name}: contains {avoid!r}"
        for term in terms
        for avoid in term.get("avoid", [])
        for name, text in corpus.items()
        if avoid.casefold() in text[language]
    ]


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_glossary_entries_are_well_formed(language):
    terms = glossary(language)["term"]
    assert terms
    for term in terms:
        assert set(term) <= {"en", "use", "avoid", "note"}, term
        assert term["en"].strip() and term["use"] and term["note"].strip(), term
        for avoid in term.get("avoid", []):
            assert not any(avoid.casefold() in use.casefold() for use in term["use"]), term


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_the_corpus_uses_the_glossary_terms(language):
    assert use_violations(language, glossary(language)["term"], UNITS) == []


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_no_text_contains_a_rendering_the_glossary_forbids(language):
    assert avoid_violations(language, glossary(language)["term"], UNITS) == []


def test_glossary_rules_catch_the_errors_found_in_review():
    """The errors named in issue 12 would fail the rules."""
    bad = {
        "ru": "температура, напряжение мышц шеи и сыпь",
        "es": "Un ictus: debilidad y hormigueo. Necesita atención urgente. Vea a un médico hoy.",
        "ar": "ثم شريطة من البثور. أصيب بنوبة تشنج (صرع). ألم الألم العصبي.",
    }
    english = (
        "A stiff neck with fever. A stroke: weakness and numbness. See a doctor today. "
        "A band of blisters."
    )
    for language, text in bad.items():
        corpus = {"sample": {"en": english.casefold(), **{c: "" for c in TRANSLATIONS}}}
        corpus["sample"][language] = text.casefold()
        terms = glossary(language)["term"]
        assert use_violations(language, terms, corpus) or avoid_violations(language, terms, corpus)
    es_terms = glossary("es")["term"]
    corpus = {"sample": {"en": "numbness", "ru": "", "ar": "", "es": "hormigueo"}}
    assert use_violations("es", es_terms, corpus)


def test_arabic_uses_the_digits_the_glossary_records():
    ar = glossary("ar")
    assert ar["numerals"] == "western" and ar["numerals_note"].strip()
    eastern = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
    offenders = [name for name, text in UNITS.items() if eastern.search(text["ar"])]
    assert offenders == []


def restricted() -> list[dict]:
    return parsed(CONTENT / "restricted_medicines.toml")["medicine"]


def test_every_restricted_medicine_has_spellings_a_reason_and_a_source():
    for medicine in restricted():
        assert set(medicine) == {"name", "spellings", "reason", "source"}, medicine
        assert medicine["spellings"] and medicine["reason"].strip(), medicine
        assert re.match(r"^https?://\S+$", medicine["source"]), medicine


def test_no_restricted_medicine_is_named_anywhere():
    corpus = dict(UNITS)
    numbers = parsed(CONTENT / "emergency_numbers.toml")["number"]
    for index, entry in enumerate(numbers):
        corpus[f"emergency_numbers.toml[{index}]"] = {
            code: text.casefold() for code, text in texts(entry)
        }
    named = [
        f"{name} ({language}): {spelling!r} ({medicine['name']})"
        for medicine in restricted()
        for spelling in medicine["spellings"]
        for name, text in corpus.items()
        for language, body in text.items()
        if spelling.casefold() in body
    ]
    assert named == []


@pytest.mark.parametrize("path", TOPIC_FILES, ids=lambda path: path.name)
def test_every_topic_has_at_least_two_references_with_real_urls(path):
    references = parsed(path).get("references", [])
    assert len(references) >= 2
    for reference in references:
        assert reference["publisher"].strip() and reference["title"].strip(), reference
        assert re.match(r"^https?://[^\s/]+\.[^\s/]+\S*$", reference["url"]), reference
        assert reference["language"] in LANGUAGES, reference


def test_notices_keep_the_placeholders_of_the_english_text():
    for notice in parsed(CONTENT / "notices.toml")["notice"]:
        english = sorted(re.findall(r"\{\w+\}", notice["text"]["en"]))
        for language in TRANSLATIONS:
            assert sorted(re.findall(r"\{\w+\}", notice["text"][language])) == english, (
                notice["key"],
                language,
            )


def test_emergency_numbers_are_digits_and_named_in_every_language():
    numbers = parsed(CONTENT / "emergency_numbers.toml")["number"]
    assert {"GB", "EU", "US", "ES", "RU", "SA"} <= {entry["country"] for entry in numbers}
    for entry in numbers:
        assert re.fullmatch(r"[0-9]{2,5}", entry["number"]), entry
        assert re.fullmatch(r"[A-Z]{2}", entry["country"]), entry
        assert set(entry["country_name"]) == set(LANGUAGES), entry
