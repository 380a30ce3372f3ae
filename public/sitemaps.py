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
from html import escape

from django.contrib.sitemaps import Sitemap
from django.contrib.sites.requests import RequestSite
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from articles.languages import SOURCE_LANGUAGE, language_codes
from reviews.models import ContentKind

from . import readers

# Addresses per sitemap file (the protocol allows 50,000): each with up to five alternates,
# about 0.7 KB, so a file is under 200 KB and is written in well under 50 ms at any corpus
# size (`sitemap_file`); 10,000 topics in four languages make 160 files.
LIMIT = 250

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
        """The file's addresses, as Django's sitemaps give them, but with every location
        already escaped for XML (`sitemap_file` writes them as they are): each address
        pattern is escaped once per file and each slug once, not each of the up to six
        locations of an address (a sixth of a full file's render)."""
        protocol = self.get_protocol(protocol)
        origin = f"{protocol}://{self.get_domain(site)}"
        keys = list(self.paginator.page(page).object_list)
        published = readers.sitemap_entries(self.kind, keys, self.language)
        patterns = {
            code: escape(origin + _address_pattern(self.view_name, code))
            for code in language_codes()
        }
        urls = []
        for key in keys:
            entry = published.get(key)
            if entry is None or self.language not in entry["languages"]:
                continue  # withdrawn between the two queries
            slug = escape(key)
            alternates = [
                {"lang_code": code, "location": patterns[code].replace(_SLUG, slug)}
                for code in entry["languages"]
            ]
            if SOURCE_LANGUAGE in entry["languages"]:
                alternates.append(
                    {
                        "lang_code": "x-default",
                        "location": patterns[SOURCE_LANGUAGE].replace(_SLUG, slug),
                    }
                )
            urls.append(
                {
                    "item": key,
                    "location": patterns[self.language].replace(_SLUG, slug),
                    "lastmod": entry["lastmod"],
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
        codes = language_codes()
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        homes = {code: escape(origin + _address_pattern("public:home", code)) for code in codes}
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


def _xml(url: dict) -> str:
    """One address, its locations escaped already (`get_urls`)."""
    parts = [f"<url><loc>{url['location']}</loc>"]
    if url["lastmod"]:
        parts.append(f"<lastmod>{url['lastmod']:%Y-%m-%d}</lastmod>")
    if url["changefreq"]:
        parts.append(f"<changefreq>{url['changefreq']}</changefreq>")
    if url["priority"]:
        parts.append(f"<priority>{url['priority']}</priority>")
    parts += [
        f'<xhtml:link rel="alternate" hreflang="{alternate["lang_code"]}" '
        f'href="{alternate["location"]}"/>'
        for alternate in url["alternates"]
    ]
    parts.append("</url>\n")
    return "".join(parts)


@require_safe
@cache_control(public=True, max_age=3600)
def sitemap_file(request: HttpRequest, section: str) -> HttpResponse:
    """One sitemap file: what Django's sitemap view writes, built without a template (a
    template loop over 500 addresses and their alternates took over 100 ms)."""
    factory = SITEMAPS.get(section)
    if factory is None:
        raise Http404("No such sitemap")
    try:
        urls = factory().get_urls(
            page=request.GET.get("p", 1), site=RequestSite(request), protocol=request.scheme
        )
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such sitemap page") from None
    body = "".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n',
            *map(_xml, urls),
            "</urlset>\n",
        ]
    )
    response = HttpResponse(body, content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response
