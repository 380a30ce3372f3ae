"""The public site. Every view reads live published snapshots through `public.readers`
(never the editable content rows) and runs a fixed number of queries.

One module per page (or kind of page); this package gathers the views `public.urls` and
`healthsite.urls` name, and the context builders the review page's preview uses."""

from .a_to_z import a_to_z
from .common import PUBLIC_MAX_AGE, language_links, public_page, reverse_in
from .errors import gone_or_not_found, page_not_found, server_error
from .regions import emergency_numbers, home, region, region_context
from .robots import robots_txt
from .search_page import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, search, search_words
from .topics import topic, topic_context

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_QUERY_WORDS",
    "PUBLIC_MAX_AGE",
    "a_to_z",
    "emergency_numbers",
    "gone_or_not_found",
    "home",
    "language_links",
    "page_not_found",
    "public_page",
    "region",
    "region_context",
    "reverse_in",
    "robots_txt",
    "search",
    "search_words",
    "server_error",
    "topic",
    "topic_context",
]
