"""The content rules (articles/content_checks.py) over the whole corpus, and the rules
themselves on small made-up topics: glossaries, restricted medicines, a sign's tier
against its own words, canonical signs, references, numbers in translations, required
parts. The tests call the module the loader and the admin use, never a copy of it.

These read the TOML files directly (no database), so they run in a second."""

import copy
import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from articles import content_checks as checks

CONTENT = Path(settings.CONTENT_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES]
TRANSLATIONS = [code for code in LANGUAGES if code != "en"]
TOPIC_FILES = sorted((CONTENT / "topics").glob("*.toml"))
RULES = checks.load_rules(CONTENT)


def parsed(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def shared_entries() -> dict[str, dict]:
    """Regions and notices, each one unit of the glossary's scope."""
    found = {}
    for name, table, key in (("regions.toml", "region", "slug"), ("notices.toml", "notice", "key")):
        for entry in parsed(CONTENT / name)[table]:
            found[f"{name}:{entry[key]}"] = entry
    return found


def codes(findings) -> list[str]:
    return [finding.code for finding in findings]


# The corpus ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", TOPIC_FILES, ids=lambda path: path.stem)
def test_every_topic_passes_every_content_rule(path):
    findings = checks.blocking(checks.check_topic(parsed(path), RULES))
    assert [str(finding) for finding in findings] == []


@pytest.mark.parametrize("name", sorted(shared_entries()))
def test_regions_and_notices_pass_the_text_rules(name):
    entry = shared_entries()[name]
    assert [str(finding) for finding in checks.check_entry(entry, RULES)] == []


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_glossary_entries_are_well_formed(language):
    terms = parsed(CONTENT / "glossary" / f"{language}.toml")["term"]
    assert terms and RULES.glossaries[language]
    for term in terms:
        assert set(term) <= {"en", "use", "avoid", "note"}, term
        assert term["en"].strip() and term["use"] and term["note"].strip(), term
        for avoid in term.get("avoid", []):
            assert not any(avoid.casefold() in use.casefold() for use in term["use"]), term


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_the_corpus_keeps_the_glossary(language):
    units = {path.name: parsed(path) for path in TOPIC_FILES} | shared_entries()
    broken = [
        f"{name}: {finding}"
        for name, entry in units.items()
        for finding in checks.check_glossary(entry, RULES)
        if finding.path.split(".")[-1] == language
    ]
    assert broken == []


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
        entry = {"text": {"en": english, language: text}}
        assert checks.check_glossary(entry, RULES), language
    entry = {"text": {"en": "numbness", "es": "hormigueo"}}
    assert codes(checks.check_glossary(entry, RULES)) == ["glossary-term-missing"]


def test_arabic_uses_the_digits_the_glossary_records():
    ar = parsed(CONTENT / "glossary" / "ar.toml")
    assert ar["numerals"] == "western" and ar["numerals_note"].strip()
    eastern = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
    units = {path.name: parsed(path) for path in TOPIC_FILES} | shared_entries()
    offenders = [
        name for name, entry in units.items() if eastern.search(checks.joined(entry).get("ar", ""))
    ]
    assert offenders == []


def test_every_restricted_medicine_has_spellings_a_reason_and_a_source():
    medicines = parsed(CONTENT / "restricted_medicines.toml")["medicine"]
    assert len(medicines) == len(RULES.medicines)
    for medicine in medicines:
        assert set(medicine) == {"name", "spellings", "reason", "source"}, medicine
        assert medicine["spellings"] and medicine["reason"].strip(), medicine
        assert re.match(r"^https://\S+$", medicine["source"]), medicine


def test_no_restricted_medicine_is_named_anywhere():
    units = {path.name: parsed(path) for path in TOPIC_FILES} | shared_entries()
    units["emergency_numbers.toml"] = parsed(CONTENT / "emergency_numbers.toml")
    named = [
        f"{name}: {finding}"
        for name, entry in units.items()
        for finding in checks.check_restricted_medicines(entry, RULES)
    ]
    assert named == []


def test_every_canonical_sign_has_a_known_tier_and_a_source():
    assert len(RULES.canonical_signs) >= 10
    keys = [sign.key for sign in RULES.canonical_signs]
    assert len(keys) == len(set(keys))
    for sign in RULES.canonical_signs:
        assert sign.urgency in checks.URGENCIES, sign
        assert re.search(r"https://\S+", sign.source), sign


def test_the_reference_policy_names_national_pages_and_refusals_with_reasons():
    policy = RULES.references
    assert {"nhs.uk", "medlineplus.gov", "cks.nice.org.uk"} <= set(policy.national)
    assert ".nhs.uk" in policy.refused
    assert all(
        reason.strip() for reason in [*policy.refused.values(), *policy.refused_paths.values()]
    )


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


# The rules on made-up topics ----------------------------------------------------------

GOOD = {
    "slug": "sample",
    "title": {"en": "Sample", "ru": "Пример"},
    "summary": {"en": "A sample.", "ru": "Пример."},
    "description": {"en": "A sample.", "ru": "Пример."},
    "what_it_is": {"en": "It lasts 10 minutes.", "ru": "Длится 10 минут."},
    "symptoms": {"en": "Pain.", "ru": "Боль."},
    "causes": {"en": "Unknown.", "ru": "Неизвестны."},
    "warning_signs": [
        {
            "urgency": "emergency",
            "text": {
                "en": "Chest pain. Call the emergency number now.",
                "ru": "Боль в груди. Немедленно вызовите скорую помощь.",
            },
        },
        {
            "urgency": "urgent",
            "text": {
                "en": "A fever. See a doctor today; call the emergency number if it gets worse.",
                "ru": "Температура. Обратитесь к врачу сегодня; если хуже, вызовите скорую.",
            },
        },
        {
            "urgency": "routine",
            "text": {
                "en": "It keeps coming back. Book an appointment.",
                "ru": "Повторяется. Запишитесь на приём к врачу.",
            },
        },
    ],
    "references": [
        {
            "publisher": "NHS",
            "title": "Leg cramps",
            "url": "https://www.nhs.uk/conditions/leg-cramps/",
            "language": "en",
            "checked": "2026-12-03",
        },
        {
            "publisher": "MedlinePlus",
            "title": "Calambres",
            "url": "https://medlineplus.gov/spanish/musclecramps.html",
            "language": "es",
            "checked": "2026-12-03",
        },
        {
            "publisher": "ВОЗ",
            "title": "Боль в нижней части спины",
            "url": "https://www.who.int/ru/news-room/fact-sheets/detail/low-back-pain",
            "language": "ru",
            "checked": "2026-12-03",
        },
    ],
}


def sample(**changes):
    topic = copy.deepcopy(GOOD)
    topic.update(changes)
    return topic


def test_a_well_formed_topic_has_no_findings():
    assert checks.check_topic(GOOD, checks.Rules(references=RULES.references)) == []


def test_emergency_wording_under_an_urgent_tier_is_blocking_in_each_language():
    """Angle-closure glaucoma said "call the emergency number now" under "urgent"."""
    sign = {
        "urgency": "urgent",
        "text": {
            "en": "A painful red eye. Call the emergency number or go to A&E now.",
            "ru": "Болит красный глаз. Немедленно вызовите скорую помощь.",
            "es": "Ojo rojo y doloroso. Llame ahora al número de emergencias.",
            "ar": "عين حمراء مؤلمة. اتصل برقم الطوارئ فورًا.",
        },
    }
    findings = checks.check_sign_tiers({"warning_signs": [sign]})
    assert {finding.path for finding in findings} == {
        f"warning_signs[0].text.{language}" for language in LANGUAGES
    }
    assert all(finding.severity == "blocking" for finding in findings)


def test_a_conditional_escalation_is_allowed_in_an_urgent_sign():
    assert checks.check_sign_tiers(GOOD) == []
    sign = {
        "urgency": "urgent",
        "text": {
            "en": "See a doctor today, or call the emergency number if it is unbearable.",
            "es": "Consulte a un médico hoy, o llame al número de emergencias si es insoportable.",
            "ar": "راجع الطبيب اليوم، أو اتصل برقم الطوارئ إذا كان الألم لا يحتمل.",
        },
    }
    assert checks.check_sign_tiers({"warning_signs": [sign]}) == []


def test_a_sign_without_the_wording_of_its_tier_is_blocking():
    signs = [
        {"urgency": "emergency", "text": {"en": "Chest pain. See a doctor today."}},
        {"urgency": "urgent", "text": {"en": "A fever. Book an appointment."}},
        {"urgency": "routine", "text": {"en": "Pain. See a doctor today."}},
    ]
    findings = checks.check_sign_tiers({"warning_signs": signs})
    assert sorted({finding.path for finding in findings}) == [
        "warning_signs[0].text.en",
        "warning_signs[1].text.en",
        "warning_signs[2].text.en",
    ]


def test_a_canonical_sign_has_its_tier_and_wording_in_every_topic():
    signs = [
        {
            "urgency": "urgent",
            "text": {"en": "Cramps after a dirty wound (tetanus). See a doctor today."},
        },
        {
            "urgency": "urgent",
            "text": {"en": "New pain and you are under 20 or over 55. See a doctor today."},
        },
        {
            "urgency": "emergency",
            "text": {"en": "Pain in the tip of your shoulder. Call the emergency number now."},
        },
    ]
    findings = checks.check_canonical_signs({"warning_signs": signs}, RULES)
    assert sorted((finding.code, finding.path) for finding in findings) == [
        ("canonical-tier", "warning_signs[0].urgency"),
        ("canonical-tier", "warning_signs[2].urgency"),
        ("canonical-wording", "warning_signs[1].text.en"),
    ]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://www.nhs.uk/conditions/leg-cramps/", "reference-not-https"),
        ("https://www.uclh.nhs.uk/abdominal-pain", "reference-refused-host"),
        ("https://www.bridgwaterbayhealth.nhs.uk/back-pain", "reference-refused-host"),
        (
            "https://www.nhs.uk/Conditions/Appendicitis/Pages/Symptoms.aspx",
            "reference-refused-host",
        ),
        (
            "https://www.gov.uk/government/organisations/public-health-england",
            "reference-refused-host",
        ),
        ("https://www.example-clinic.com/cramps", "reference-unknown-publisher"),
    ],
)
def test_a_reference_off_the_policy_is_blocking(url, code):
    topic = sample()
    topic["references"] = [GOOD["references"][0], {**GOOD["references"][1], "url": url}]
    assert codes(checks.blocking(checks.check_references(topic, RULES))) == [code]


def test_the_first_reference_must_be_a_national_patient_page():
    topic = sample(
        references=[GOOD["references"][1], GOOD["references"][0], *GOOD["references"][2:]]
    )
    assert codes(checks.blocking(checks.check_references(topic, RULES))) == []
    topic = sample(
        references=[
            {**GOOD["references"][0], "url": "https://www.nice.org.uk/guidance/ng59"},
            GOOD["references"][1],
        ]
    )
    assert codes(checks.blocking(checks.check_references(topic, RULES))) == [
        "reference-national-first"
    ]
    assert codes(
        checks.blocking(checks.check_references(sample(references=GOOD["references"][:1]), RULES))
    ) == ["references-too-few"]


def test_numbers_in_a_translation_match_the_english():
    entry = {
        "text": {
            "en": "Over 38 °C for 5 days; call 999.",
            "ru": "Выше 39 °C в течение 5 дней; звоните 999 или 112.",
            "es": "Más de 38 °C durante 5 días; llame al 999.",
        }
    }
    findings = checks.check_numbers(entry, RULES)
    assert [(finding.path, finding.message) for finding in findings] == [
        ("text.ru", "numbers differ from the English: lacks 38; adds 39")
    ]
    notice = {
        "text": {"en": "Call 999 or 112.", "ru": "Звоните 112 или 103.", "ar": "اتصل برقم الطوارئ."}
    }
    assert [(f.path, f.message) for f in checks.check_numbers(notice, RULES)] == [
        ("text.ar", "numbers differ from the English: lacks 112, 999")
    ]


def test_required_parts_and_complete_translations():
    topic = sample(causes={"en": ""}, warning_signs=[])
    topic["symptoms"] = {"en": "Pain."}
    found = {(finding.code, finding.path) for finding in checks.check_required_parts(topic)}
    assert ("required-part", "causes.en") in found
    assert ("required-part", "warning_signs") in found
    assert ("translation-incomplete", "symptoms.ru") in found


def test_a_full_stop_after_a_russian_date_is_blocking():
    """The Russian footer read "2026 г.." (the date already ends in "г.")."""
    bad = {"text": {"en": "Reviewed on {approved}.", "ru": "Проверено {approved}. Далее — {due}."}}
    assert [f.path for f in checks.check_date_punctuation(bad)] == ["text.ru"]
    good = {"text": {"en": "Reviewed on {approved}.", "ru": "Проверено {approved}; далее — {due}"}}
    assert checks.check_date_punctuation(good) == []


def test_a_missing_reference_in_the_readers_language_is_a_warning():
    topic = sample(references=[GOOD["references"][0], {**GOOD["references"][1], "language": "en"}])
    findings = checks.check_references(topic, RULES)
    assert [(f.code, f.severity) for f in findings] == [("reference-in-reader-language", "warning")]
    assert checks.blocking(findings) == []


def test_also_called_may_list_a_name_the_glossary_avoids_in_running_text():
    """`also_called` holds the names readers search with; the same word in running text
    is still refused."""
    term = next(term for term in RULES.glossaries["ru"] if term.avoid)
    avoided = term.avoid[0]
    named = {"also_called": {"en": term.en, "ru": avoided}}
    assert "glossary-term-avoided" not in codes(checks.check_glossary(named, RULES))
    written = {"what_it_is": {"en": term.en, "ru": avoided}}
    assert "glossary-term-avoided" in codes(checks.check_glossary(written, RULES))
