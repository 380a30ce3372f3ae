"""sitemap.xml: an index of bounded sitemaps, one per kind of page and language, each cut
into files of at most LIMIT addresses (`?p=2`, ...), so no file grows with the corpus
(the protocol allows 50,000 addresses and 50 MB a file).

Each address carries hreflang alternates for the languages the page is published in (a
topic shown in English to Arabic visitors is not an Arabic page) and x-default: the
English address, which answers 200 (the root of the language prefix redirects), as the
pages' own x-default links do.
"""

from __future__ import annotations

from functools import partial

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import translation

from articles.languages import SOURCE_LANGUAGE, language_codes
from reviews.models import ContentKind

from . import readers

# Addresses per sitemap file: each with up to five alternates, about 1 KB, so a file is
# about 1 MB and renders in well under 50 ms; 10,000 topics in four languages make 40.
LIMIT = 1000

_SLUG = "slug-placeholder"


def _address_pattern(view_name: str, language: str) -> str:
    """The path of `view_name` in `language`, with a placeholder for the slug: one
    reverse() per file instead of one per address and alternate."""
    with translation.override(language):
        if view_name == "public:home":
            return reverse(view_name)
        return reverse(view_name, kwargs={"slug": _SLUG})


class _LanguageSitemap(Sitemap):
    """The live pages of one kind in one language."""

    view_name: str
    changefreq: str | None = None
    priority: float | None = None
    limit = LIMIT

    def __init__(self, language: str):
        self.language = language

    def items(self):
        """The keys, as a query the paginator counts and slices (never all of them)."""
        return readers.sitemap_keys(self.kind, self.language)

    @property
    def paginator(self):
        return Paginator(self.items(), self.limit)

    def get_latest_lastmod(self):
        # The index names each file without a date: one count per file is all it costs.
        return None

    def get_urls(self, page=1, site=None, protocol=None):
        protocol = self.get_protocol(protocol)
        origin = f"{protocol}://{self.get_domain(site)}"
        keys = list(self.paginator.page(page).object_list)
        published = readers.sitemap_entries(self.kind, keys)
        patterns = {
            code: origin + _address_pattern(self.view_name, code) for code in language_codes()
        }
        urls = []
        for key in keys:
            entry = published.get(key)
            if entry is None or self.language not in entry["languages"]:
                continue  # withdrawn between the two queries
            alternates = [
                {"lang_code": code, "location": patterns[code].replace(_SLUG, key)}
                for code in entry["languages"]
            ]
            if SOURCE_LANGUAGE in entry["languages"]:
                alternates.append(
                    {
                        "lang_code": "x-default",
                        "location": patterns[SOURCE_LANGUAGE].replace(_SLUG, key),
                    }
                )
            urls.append(
                {
                    "item": key,
                    "location": patterns[self.language].replace(_SLUG, key),
                    "lastmod": entry["lastmod"][self.language],
                    "changefreq": self.changefreq,
                    "priority": str(self.priority if self.priority is not None else ""),
                    "alternates": alternates,
                }
            )
        return urls


class RegionSitemap(_LanguageSitemap):
    kind = ContentKind.REGION
    view_name = "public:region"
    priority = 0.8


class TopicSitemap(_LanguageSitemap):
    kind = ContentKind.TOPIC
    view_name = "public:topic"
    priority = 0.9


class HomeSitemap(Sitemap):
    """The home page in every language (it exists in each, whatever is published)."""

    changefreq = "weekly"
    priority = 1.0

    def items(self):
        return language_codes()

    def get_urls(self, page=1, site=None, protocol=None):
        self.paginator.page(page)  # 404 for any page but the first
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        homes = {code: origin + _address_pattern("public:home", code) for code in language_codes()}
        alternates = [{"lang_code": code, "location": url} for code, url in homes.items()]
        alternates.append({"lang_code": "x-default", "location": homes[SOURCE_LANGUAGE]})
        return [
            {
                "item": code,
                "location": url,
                "lastmod": None,
                "changefreq": self.changefreq,
                "priority": str(self.priority),
                "alternates": alternates,
            }
            for code, url in homes.items()
        ]


def sitemaps() -> dict:
    sections = {"home": HomeSitemap}
    for kind, sitemap in (("regions", RegionSitemap), ("topics", TopicSitemap)):
        for code in language_codes():
            sections[f"{kind}-{code}"] = partial(sitemap, code)
    return sections


SITEMAPS = sitemaps()
