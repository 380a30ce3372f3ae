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
# Files of one kind and language past this number are not found (the protocol allows an
# index 50,000 files); a larger `?p=` is never counted nor asked of the database.
MOST_FILES = 50_000

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
        """The keys, as a query the index's paginator counts and a file slices (never all
        of them)."""
        return readers.sitemap_keys(self.kind, self.language)

    @property
    def paginator(self):
        return Paginator(self.items(), self.limit)

    def get_latest_lastmod(self):
        # The index names each file without a date: one count per file is all it costs.
        return None

    def page_keys(self, page) -> list[str]:
        """The keys of file number `page` (1, 2, ...): a slice of `items`, without first
        counting every key to check the number as Django's paginator does (a count of
        the 10,032 English topics at +10,000). EmptyPage past the last file (the first
        is never empty), PageNotAnInteger for what is not a number."""
        try:
            number = int(page)
        except (TypeError, ValueError):
            raise PageNotAnInteger(page) from None
        if not 1 <= number <= MOST_FILES:
            raise EmptyPage(page)
        start = (number - 1) * self.limit
        keys = list(self.items()[start : start + self.limit])
        if not keys and number > 1:
            raise EmptyPage(page)
        return keys

    def elements(self, page, origin: str) -> list[str]:
        """The file's <url> elements, as Django's sitemap template writes them: each
        address with its alternates in the languages it is live in and x-default.
        Addresses live in the same languages share the element's end (`_rest`), and
        the slug and the date are put in: an address costs a lookup and one replace,
        where building each address's up to six locations and escaping them took half a
        full file's render."""
        keys = self.page_keys(page)
        published = readers.sitemap_entries(self.kind, keys, self.language)
        patterns = {
            code: escape(origin + _address_pattern(self.view_name, code))
            for code in language_codes()
        }
        head = f"<url><loc>{patterns[self.language]}</loc>"
        shapes: dict[tuple[str, ...], str] = {}
        elements = []
        for key in keys:
            entry = published.get(key)
            if entry is None or self.language not in entry.languages:
                continue  # withdrawn between the two queries
            rest = shapes.get(entry.languages)
            if rest is None:
                rest = shapes[entry.languages] = self._rest(entry.languages, patterns)
            lastmod = f"<lastmod>{entry.lastmod.isoformat()}</lastmod>" if entry.lastmod else ""
            elements.append(f"{head}{lastmod}{rest}".replace(_SLUG, escape(key)))
        return elements

    def _rest(self, languages: tuple[str, ...], patterns: dict[str, str]) -> str:
        """What follows the date in the element of an address live in `languages`, with
        the slug placeholder in each location."""
        alternates = [(code, patterns[code]) for code in languages]
        if SOURCE_LANGUAGE in languages:
            alternates.append(("x-default", patterns[SOURCE_LANGUAGE]))
        return _tail(self.changefreq, self.priority, alternates)


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

    def elements(self, page, origin: str) -> list[str]:
        self.paginator.page(page)  # 404 for any page but the first
        codes = language_codes()
        homes = {code: escape(origin + _address_pattern("public:home", code)) for code in codes}
        alternates = [*homes.items(), ("x-default", homes[SOURCE_LANGUAGE])]
        rest = _tail(self.changefreq, self.priority, alternates)
        return [f"<url><loc>{url}</loc>{rest}" for url in homes.values()]


def sitemaps() -> dict:
    sections = {"home": HomeSitemap}
    for kind, sitemap in (("regions", RegionSitemap), ("topics", TopicSitemap)):
        for code in language_codes():
            sections[f"{kind}-{code}"] = partial(sitemap, code)
    return sections


SITEMAPS = sitemaps()


def _tail(changefreq: str | None, priority: float | None, alternates: list) -> str:
    """The end of an address's element, after its date: its change frequency, priority
    and alternates ((language, location) pairs, escaped already)."""
    parts = []
    if changefreq:
        parts.append(f"<changefreq>{changefreq}</changefreq>")
    if priority is not None:
        parts.append(f"<priority>{priority}</priority>")
    parts += [
        f'<xhtml:link rel="alternate" hreflang="{code}" href="{location}"/>'
        for code, location in alternates
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
    sitemap = factory()
    origin = f"{sitemap.get_protocol(request.scheme)}://{sitemap.get_domain(RequestSite(request))}"
    try:
        elements = sitemap.elements(request.GET.get("p", 1), origin)
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such sitemap page") from None
    body = "".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n',
            *elements,
            "</urlset>\n",
        ]
    )
    response = HttpResponse(body, content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response
