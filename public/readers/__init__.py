"""What the public site reads: live published snapshots, one query per question.

Every public view goes through these helpers, never through the editable content rows,
so a draft, an edit waiting for review or a withdrawn topic cannot leak. Each helper runs
exactly one query whatever the number of topics, measures or languages, which keeps the
per-page query count fixed (the tests pin it), and lists come a page at a time. The site
notices are the one exception: one query while they are unchanged since the worker last
read them, three when they changed (`pages.site_notices`).

One module per kind of question: `served` (a version as served, the shared query parts),
`pages` (one page's notices, regions, topic or region, withdrawal), `search_results`,
`lists` (sitemaps, API and feeds, related topics), `alphabetical` (the A–Z list, which
runs two: its letters, then its page); this package gathers them, and callers read them
as `readers.NAME`.
"""

from .alphabetical import Alphabetical, alphabetical_topics
from .lists import (
    MAX_RELATED,
    ListedTopic,
    TopicList,
    listed_topics,
    recent_topics,
    related_topics,
    sitemap_entries,
    sitemap_keys,
    topics_page,
)
from .pages import (
    Page,
    SiteNotices,
    Withdrawal,
    live_region,
    live_regions,
    live_topic,
    region_topics,
    regions_by_slug,
    site_notices,
    withdrawal,
)
from .search_results import IN_ENGLISH_LIMIT, SearchResults, search_topics
from .served import BODY_MAP_REGIONS, MAX_SLUG_LENGTH, ServedVersion

__all__ = [
    "Alphabetical",
    "BODY_MAP_REGIONS",
    "IN_ENGLISH_LIMIT",
    "MAX_RELATED",
    "MAX_SLUG_LENGTH",
    "ListedTopic",
    "Page",
    "SearchResults",
    "ServedVersion",
    "SiteNotices",
    "TopicList",
    "Withdrawal",
    "alphabetical_topics",
    "listed_topics",
    "live_region",
    "live_regions",
    "live_topic",
    "recent_topics",
    "region_topics",
    "regions_by_slug",
    "related_topics",
    "search_topics",
    "site_notices",
    "sitemap_entries",
    "sitemap_keys",
    "topics_page",
    "withdrawal",
]
