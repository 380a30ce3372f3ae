"""The reader's own emergency numbers (issue 23, item 3).

The numbers are reviewed data: the `numbers` of the approved emergency notice
(content/emergency_numbers.toml), read from its published snapshot like every public
text. Which of them a page names:

- the reader's country, when the URL carries `?country=XX` (ISO 3166-1 alpha-2) and the
  list has numbers for it. The choice travels in the query string of the site's links,
  never in a cookie, so every page stays one cacheable response per URL and country
  (the page cache and the HTTP cache key on the whole URL);
- otherwise the countries where the page's language is most spoken (Arabic: the Arab
  League states, most populous first), the first LINE_COUNTRIES of them that the list
  has: never only "see the list".

LANGUAGE_COUNTRIES names every country where the language is official, so the numbers
page lists all of them first; a country the list has no sourced number for yet is
simply not shown (content/EDITORIAL.md names them and why).

The numbers page lists the countries of the reader's language first, then the rest in
the list's own order.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest

from articles.models import EmergencyNumber

# Every country where the language is official, most speakers first (the first ones are
# the defaults of the emergency line). English and Spanish end with the EU (112). Arabic:
# the 22 Arab League states by population, then Chad. tests/test_emergency_coverage.py
# holds the official-language lists (with their source) these must cover.
LANGUAGE_COUNTRIES: dict[str, tuple[str, ...]] = {
    "en": (
        "US", "GB", "IE", "CA", "AU", "NZ", "IN", "PK", "NG", "PH", "TZ", "ZA", "KE",
        "UG", "SD", "CM", "GH", "MW", "ZM", "ZW", "RW", "BI", "SS", "PG", "SL", "SG", "LR",
        "JM", "NA", "BW", "LS", "GM", "MU", "TT", "SZ", "FJ", "GY", "SB", "MT", "BS", "BZ",
        "BB", "VU", "WS", "KI", "LC", "GD", "VC", "FM", "TO", "SC", "AG", "DM", "MH", "KN",
        "PW", "NR", "TV", "EU",
    ),
    "ru": ("RU", "BY", "KZ", "KG"),
    "es": (
        "MX", "ES", "CO", "AR", "PE", "VE", "CL", "EC", "GT", "BO", "CU", "DO", "HN", "PY",
        "NI", "SV", "CR", "PA", "UY", "GQ", "EU",
    ),
    "ar": (
        "EG", "DZ", "SD", "IQ", "MA", "SA", "YE", "SY", "SO", "TN", "JO",
        "AE", "LY", "LB", "PS", "OM", "MR", "KW", "QA", "BH", "DJ", "KM", "TD",
    ),
}  # fmt: skip
LINE_COUNTRIES = 2
COUNTRY_CODE = re.compile(r"^[A-Za-z]{2}$")


def requested_country(request: HttpRequest) -> str:
    """The `country` of the URL, upper case, or "" when there is none or it is not two
    letters (whether the list has numbers for it is for `line` to say)."""
    code = request.GET.get("country", "")
    return code.upper() if COUNTRY_CODE.match(code) else ""


def countries(numbers: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """{code: {"code", "name", "numbers": [{"number", "service", "label"}]}} in the list's
    order."""
    labels = dict(EmergencyNumber.Service.choices)
    found: dict[str, dict[str, Any]] = {}
    for number in numbers:
        country = found.setdefault(
            number["country"],
            {"code": number["country"], "name": number["country_name"], "numbers": []},
        )
        country["numbers"].append(
            {
                "number": number["number"],
                "service": number["service"],
                "label": labels.get(number["service"], ""),
                "source": number.get("source", ""),
            }
        )
    return found


def line(numbers: list[dict[str, Any]], language: str, country: str) -> list[dict[str, Any]]:
    """The countries whose numbers a page's emergency line names (see module docstring)."""
    by_code = countries(numbers)
    if country in by_code:
        return [by_code[country]]
    wanted = LANGUAGE_COUNTRIES.get(language, ())
    chosen = [by_code[code] for code in wanted if code in by_code][:LINE_COUNTRIES]
    return chosen or list(by_code.values())[:LINE_COUNTRIES]


def ordered_for(numbers: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    """Every country of the list, those of `language` first (most speakers first)."""
    by_code = countries(numbers)
    wanted = [code for code in LANGUAGE_COUNTRIES.get(language, ()) if code in by_code]
    rest = [code for code in by_code if code not in wanted]
    return [by_code[code] for code in wanted + rest]
