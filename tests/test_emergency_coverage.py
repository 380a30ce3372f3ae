"""The emergency numbers cover every country where English, Russian, Spanish or Arabic is
an official language, each number with its source, and the numbers page lists the
reader's language's countries first (issue 23, item 3).

A country with no number we could check against a public page is not guessed: it is
named in NOT_YET_SOURCED with the reason, and the test fails as soon as the list gains
a number for it (so the table cannot go stale) or loses one it had."""

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from articles.models import SiteNotice
from public import emergency
from reviews.content_files import load_content
from tests.support.content_files import write_content
from tests.support.factories import publish

CONTENT = Path(settings.CONTENT_DIR)

# Sovereign states where the language is official (de jure, or de facto for English in
# the United States, the United Kingdom, Australia and New Zealand). Territories are
# left out (Puerto Rico is covered by the United States' 911).
# English: https://en.wikipedia.org/wiki/List_of_countries_and_territories_where_English_is_an_official_language
#   (read through http://en.m.wiki.x.io/wiki/List_of_countries_where_English_is_an_official_language)
# Russian: state language of Russia and Belarus, official in Kazakhstan and Kyrgyzstan:
#   https://c1946.c.3072.ru/local/crw/course.php?id=113 and https://besacenter.org/2025/03/19/
# Spanish: https://www.spanishdict.com/answers/149588/spanish-as-official-language (its
#   21 less Puerto Rico) and https://www.answers.com/linguistics/Where_in_Africa_is_Spanish_an_an_official_language
# Arabic: https://howlingpixel.com/i-en/List_of_countries_where_Arabic_is_an_official_language
#   and https://www.czech.wiki/wiki/Seznam_zem%C3%AD,_ve_kter%C3%BDch_je_arab%C5%A1tina_%C3%BA%C5%99edn%C3%AD_jazyk:
#   the 22 Arab League states and Chad. Not counted: Israel (Arabic has had a "special
#   status", not an official one, since the 2018 Basic Law), Eritrea (a working language;
#   the constitution names no official language), Western Sahara (a disputed territory).
OFFICIAL = {
    "en": {
        "AG", "AU", "BS", "BB", "BZ", "BW", "BI", "CM", "CA", "DM", "SZ", "FJ", "GM", "GH",
        "GD", "GY", "IN", "IE", "JM", "KE", "KI", "LS", "LR", "MW", "MT", "MH", "MU", "FM",
        "NA", "NR", "NZ", "NG", "PK", "PW", "PG", "PH", "RW", "KN", "LC", "VC", "WS", "SC",
        "SL", "SG", "SB", "ZA", "SS", "SD", "TZ", "TO", "TT", "TV", "UG", "VU", "ZM", "ZW",
        "GB", "US",
    },
    "ru": {"RU", "BY", "KZ", "KG"},
    "es": {
        "ES", "MX", "GT", "HN", "SV", "NI", "CR", "PA", "CU", "DO", "CO", "VE", "EC", "PE",
        "BO", "CL", "AR", "UY", "PY", "GQ",
    },
    "ar": {
        "DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR", "MA", "OM", "PS",
        "QA", "SA", "SO", "SD", "SY", "TN", "AE", "YE", "TD",
    },
}  # fmt: skip

SEARCHED = "searched; no national number found on a public page"
NOT_SEARCHED = "not yet searched"
# Countries of OFFICIAL with no number in the list, and why (also in content/EDITORIAL.md).
NOT_YET_SOURCED = {
    "SD": "999 is the police; the 333 ambulance line is Khartoum State's and was being "
    "restored in 2026",
    "YE": "195 serves Aden and its surroundings only",
    "LY": SEARCHED,
    "MR": "101 (SAMU) covers five districts of Nouakchott in its first phase",
    "SO": "777 is a Mogadishu charity's ambulance and 888 the Mogadishu police",
    "DJ": SEARCHED,
    "KM": SEARCHED,
    "TD": "the fire service's 18 was reported out of service; no ambulance number found",
    "BO": "168 is being brought in department by department; several use other numbers",
    "GQ": SEARCHED,
    "PK": "Rescue 1122 is run by the provinces and not yet in all of them",
    "UG": "112 and 999 are police lines; the national ambulance line 912 was announced "
    "for December 2025 and not confirmed",
    "ZM": "sources disagree (999 medical, 991 police) and report the lines unanswered",
    "BW": "the only number found (992) is a private rescue company's",
    "SL": "117 was found only as the COVID-19 line",
    "LR": SEARCHED,
    "ZW": SEARCHED,
    "NA": SEARCHED,
    "GM": "a charity reports there is no national emergency number",
    "LS": "only a travel page found (121)",
    "LC": "only a travel blog found (911)",
    "AG": "911 was found only in passing; no page says what it serves",
    "VU": "115 is a private subscription ambulance; 113 the fire service",
    "MW": "118 serves the Blantyre-Lilongwe M1 road (a pilot)",
    "FJ": "911 is the police and 910 the fire service; no ambulance number confirmed",
    "CM": "the SAMU's 119 line was reported suspended",
    **{
        code: NOT_SEARCHED
        for code in (
            "BI", "DM", "GD", "KI", "MH", "FM", "NR", "PW", "KN", "VC", "SB", "SS", "TO",
            "TV",
        )
    },
}  # fmt: skip


def numbers():
    import tomllib

    return tomllib.loads((CONTENT / "emergency_numbers.toml").read_text("utf-8"))["number"]


def listed_countries():
    return {entry["country"] for entry in numbers()}


@pytest.mark.parametrize("language", sorted(OFFICIAL))
def test_every_country_of_the_language_is_listed_or_named_as_not_yet_sourced(language):
    listed = listed_countries()
    missing = OFFICIAL[language] - listed
    assert missing == OFFICIAL[language] & set(NOT_YET_SOURCED), (
        "listed without being in NOT_YET_SOURCED's reasons, or missing without one",
        sorted(missing ^ (OFFICIAL[language] & set(NOT_YET_SOURCED))),
    )
    # Names only countries of the table, none the list already has.
    assert set(NOT_YET_SOURCED) <= set().union(*OFFICIAL.values())
    assert not set(NOT_YET_SOURCED) & listed


def test_the_countries_the_issue_named_are_listed():
    listed = listed_countries()
    assert {"IQ", "SY", "PS", "UA"} <= listed
    latin_america = OFFICIAL["es"] - {"ES", "GQ"}
    assert len(latin_america & listed) >= 16, sorted(latin_america - listed)
    assert ("ES", "ambulance", "061") in {
        (n["country"], n["service"], n["number"]) for n in numbers()
    }


def test_every_number_names_the_public_page_it_was_checked_on():
    for entry in numbers():
        assert re.fullmatch(r"https?://[^\s\"<>]+\.[^\s\"<>]+", entry.get("source", "")), entry
    # Each number once per country and service.
    keys = [(n["country"], n["service"], n["number"]) for n in numbers()]
    assert len(keys) == len(set(keys))


def test_each_language_s_countries_come_first_in_the_languages_own_order():
    for language, official in OFFICIAL.items():
        assert official <= set(emergency.LANGUAGE_COUNTRIES[language]), language
        order = [country["code"] for country in emergency.ordered_for(_as_published(), language)]
        own = [code for code in emergency.LANGUAGE_COUNTRIES[language] if code in order]
        assert order[: len(own)] == own, language
        assert set(order[len(own) :]).isdisjoint(official), language


def _as_published():
    return [{**entry, "country_name": entry["country_name"]["en"]} for entry in numbers()]


@pytest.mark.django_db
def test_the_numbers_page_of_the_real_list_in_arabic_and_spanish(client, tmp_path, reviewer):
    """The real file, loaded and approved like every reviewed text, then read over HTTP."""
    root = write_content(tmp_path)
    shutil.copy(CONTENT / "notices.toml", root / "notices.toml")
    shutil.copy(CONTENT / "emergency_numbers.toml", root / "emergency_numbers.toml")
    load_content(root)
    publish(SiteNotice.objects.get(key="emergency"), reviewer=reviewer)

    html = client.get("/ar/emergency-numbers/").content.decode()
    rows = re.findall(r'<dt id="country-([A-Z]{2})"', html)
    arabic = [code for code in emergency.LANGUAGE_COUNTRIES["ar"] if code in rows]
    assert rows[: len(arabic)] == arabic and rows[0] == "EG"
    assert rows.index("IQ") < rows.index("GB")
    assert 'href="https://help.unhcr.org/iraq/en/help/health-services/"' in html
    assert "العراق" in html and "tel:122" in html

    html = client.get("/es/emergency-numbers/").content.decode()
    rows = re.findall(r'<dt id="country-([A-Z]{2})"', html)
    assert rows[:2] == ["MX", "ES"] and rows.index("UY") < rows.index("US")
    spain = html[html.index('id="country-ES"') : html.index('id="country-CO"')]
    assert "tel:112" in spain and "tel:061" in spain
    assert html.count('class="source"') == len(numbers())
