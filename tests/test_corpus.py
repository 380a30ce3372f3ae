"""The real content in content/: loads cleanly, is safe, and matches what it claims."""

import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from articles.loader import read_content
from articles.models import Article, SiteNotice, WarningSign
from reviews.content_files import load_content

CONTENT = Path(settings.CONTENT_DIR)
TOPIC_FILES = sorted((CONTENT / "topics").glob("*.toml"))
LANGUAGES = [code for code, _name in settings.LANGUAGES]

# A number followed by a dose unit, in each language's spelling (Arabic digits too).
DOSE = re.compile(
    r"[0-9٠-٩]+(?:[.,][0-9٠-٩]+)?\s*(?:-|–|to|до|a|إلى)?\s*[0-9٠-٩]*\s*"
    r"(?:mg|mcg|µg|g|ml|iu|units?|tablets?|pills?|capsules?|drops?|sachets?|puffs?"
    r"|мг|мкг|г|мл|ед|таблет\w*|капсул\w*|капл\w*|капел\w*|пакетик\w*"
    r"|comprimidos?|tabletas?|pastillas?|c[aá]psulas?|gotas?|sobres?"
    r"|ملغ|مغ|مل|غرام|وحدة|أقراص|قرص|حبة|حبات|كبسولات?|قطرات|نقط)(?!\w)",
    re.IGNORECASE,
)


def all_texts(value, path=""):
    """(path, language, text) for every translated text in a parsed file."""
    if isinstance(value, dict):
        if value and set(value) <= set(LANGUAGES):
            for language, text in value.items():
                yield path, language, text
        else:
            for key, item in value.items():
                yield from all_texts(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from all_texts(item, f"{path}[{index}]")


def parsed(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@pytest.mark.django_db
def test_the_whole_corpus_loads_without_errors():
    report = load_content(CONTENT)
    notices = parsed(CONTENT / "notices.toml")["notice"]
    assert len(report.created) == len(TOPIC_FILES) + 9 + len(notices)
    # Every reviewed notice the page frame uses is in the files, in every language.
    assert {notice["key"] for notice in notices} == set(SiteNotice.Key.values)
    assert Article.objects.count() == len(TOPIC_FILES) >= 12


def test_dose_pattern_catches_doses_in_every_language():
    for text in [
        "take 400 mg",
        "2 tablets",
        "10 капель",
        "по 2 таблетки",
        "1-2 comprimidos",
        "5 ml",
        "٢ أقراص",
        "500 ملغ",
        "3 gotas",
    ]:
        assert DOSE.search(text), text
    for text in ["call 112", "for 20 minutes", "over 38 °C", "5-8 times", "after 3 days"]:
        assert not DOSE.search(text), text


@pytest.mark.parametrize(
    "path",
    TOPIC_FILES + [CONTENT / "regions.toml", CONTENT / "notices.toml"],
    ids=lambda path: path.name,
)
def test_no_text_in_any_language_contains_a_dose(path):
    doses = [
        f"{where}.{language}: {match.group(0)!r}"
        for where, language, text in all_texts(parsed(path))
        for match in [DOSE.search(text)]
        if match
    ]
    assert doses == []


@pytest.mark.parametrize("path", TOPIC_FILES, ids=lambda path: path.stem)
def test_every_topic_has_help_items_sources_and_complete_languages(path):
    topic = parsed(path)
    assert topic.get("warning_signs"), "needs at least one 'when to get help' item"
    assert topic.get("provenance") or topic.get("references"), "needs a source"
    languages = set(topic["title"])
    for where, language, _text in all_texts(topic):
        assert language in languages, f"{where}.{language} but the title has no {language}"
    for where in {where for where, _language, _text in all_texts(topic)}:
        present = {language for w, language, _t in all_texts(topic) if w == where}
        assert present == languages, f"{where} has {sorted(present)}, title has {sorted(languages)}"


@pytest.mark.parametrize("path", TOPIC_FILES, ids=lambda path: path.stem)
def test_no_medicine_measures_on_childrens_topics(path):
    topic = parsed(path)
    if topic.get("audience") == "children":
        assert [m for m in topic.get("relief", []) if m["kind"] == "medicine"] == []


def test_russian_and_spanish_complete_arabic_for_at_least_four_topics_with_a_red_flag():
    topics = [parsed(path) for path in TOPIC_FILES]
    assert all({"en", "ru", "es"} <= set(topic["title"]) for topic in topics)
    arabic = [topic for topic in topics if "ar" in topic["title"]]
    assert len(arabic) >= 4
    assert any(
        sign["urgency"] == WarningSign.Urgency.EMERGENCY
        for topic in arabic
        for sign in topic["warning_signs"]
    )


def test_coverage_table_in_content_readme_matches_the_files():
    readme = (CONTENT / "README.md").read_text(encoding="utf-8")
    claimed = {}
    for line in readme.splitlines():
        match = re.match(r"^\| `([a-z0-9-]+)` \|[^|]*\|[^|]*\|(.*)\|$", line)
        if match:
            cells = [cell.strip() for cell in match[2].split("|")]
            claimed[match[1]] = {
                code for code, cell in zip(LANGUAGES, cells, strict=True) if cell == "yes"
            }
    actual = {parsed(path)["slug"]: set(parsed(path)["title"]) for path in TOPIC_FILES}
    assert claimed == actual


@pytest.mark.django_db
def test_regions_and_notices_are_named_in_all_four_languages():
    bundle = read_content(CONTENT)
    assert list(bundle.regions) == [
        "head",
        "eyes",
        "throat",
        "neck",
        "chest",
        "abdomen",
        "back",
        "legs",
        "general",
    ]
    for slug, region in bundle.regions.items():
        assert set(region["name"]) == set(LANGUAGES), slug
    for slug in ("chest", "head", "throat", "abdomen"):
        assert set(bundle.regions[slug]["notice"]) == set(LANGUAGES), slug
    for key, notice in bundle.notices.items():
        assert set(notice["text"]) == set(LANGUAGES), key
