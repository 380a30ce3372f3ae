"""An Atom feed per language (/<lang>/feed/): the topics most recently published or
re-reviewed in that language, from the published snapshots only (public.readers)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from . import readers

FEED_LENGTH = 30
MAX_AGE = 60  # as the pages


class TopicFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # Public like the pages: the shared page cache keeps it until the next publication.
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return translation.get_language()

    def title(self, language):
        return f"{gettext('New and re-reviewed topics')} · {gettext('Spasms and cramps')}"

    def subtitle(self, language):
        return gettext(
            "Topics newly published or checked again by a medical reviewer, newest first."
        )

    def link(self, language):
        return reverse("public:home")

    def feed_url(self, language):
        return reverse("public:feed")

    def items(self, language):
        return readers.recent_topics(language, limit=FEED_LENGTH)

    def item_title(self, item):
        return item.payload.get("title", "")

    def item_description(self, item):
        return item.payload.get("description") or item.payload.get("summary", "")

    def item_link(self, item):
        return reverse("public:topic", kwargs={"slug": item.key})

    def item_guid(self, item):
        # One entry per review: a re-reviewed topic shows up as news again.
        url = self.request.build_absolute_uri(self.item_link(item))
        return f"{url}#review-{item.version.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return getattr(item.version, "first_published", None) or item.version.approved_at

    def item_updateddate(self, item):
        return item.version.approved_at

    def item_author_name(self, item):
        return item.version.reviewer_credit

    def item_categories(self, item):
        return item.payload.get("regions", [])
