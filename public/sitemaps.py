"""sitemap.xml: every live page, with hreflang alternates for the languages it is
published in (a topic shown in English to Arabic visitors is not an Arabic page)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from reviews.models import ContentKind

from . import readers


class HomeSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"
    priority = 1.0

    def items(self):
        return ["public:home"]

    def location(self, item):
        return reverse(item)


class _PublishedSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    kind: str
    view_name: str

    def items(self):
        # The sitemap framework calls items() more than once; one query per request.
        if not hasattr(self, "_entries"):
            self._entries = readers.sitemap_entries(self.kind)
        return list(self._entries)

    def get_languages_for_item(self, item):
        return self._entries[item]["languages"]

    def location(self, item):
        return reverse(self.view_name, kwargs={"slug": item})

    def lastmod(self, item):
        return self._entries[item]["lastmod"]


class RegionSitemap(_PublishedSitemap):
    kind = ContentKind.REGION
    view_name = "public:region"
    priority = 0.8


class TopicSitemap(_PublishedSitemap):
    kind = ContentKind.TOPIC
    view_name = "public:topic"
    priority = 0.9


SITEMAPS = {"home": HomeSitemap, "regions": RegionSitemap, "topics": TopicSitemap}
