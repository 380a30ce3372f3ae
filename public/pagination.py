"""Pages of a long list: region topics and search results, PER_PAGE at a time, so no
page grows with the corpus. The readers fetch one page and its total (search in one
query; a region's page ids with the total, then their versions); this module reads
`?page=N` and says which neighbours exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest

PER_PAGE = 20
# Past this, a page number is not worth a query (20 million results).
MAX_PAGE = 1_000_000


def requested_page(request: HttpRequest) -> int:
    """The page asked for: 1 without `?page`, 404 for anything but a positive number."""
    value = request.GET.get("page")
    if value is None:
        return 1
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_PAGE:
        raise Http404("No such page")
    return int(value)


def offset(number: int) -> int:
    return (number - 1) * PER_PAGE


@dataclass(frozen=True)
class Paged:
    """One page of a list whose `total` length the database counted."""

    items: list[Any]
    number: int
    total: int

    @property
    def count(self) -> int:
        """The number of pages (at least one, shown even when the list is empty)."""
        return max(1, -(-self.total // PER_PAGE))

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    def check_exists(self) -> None:
        """A page past the last one does not exist (page 1 always does)."""
        if self.number > 1 and not self.items:
            raise Http404("No such page")


def page_query(number: int | None, params: dict[str, str] | None = None) -> str:
    """The query string of page `number` of a list (`?q=...&page=N`; no page for 1)."""
    query = dict(params or {})
    if number and number > 1:
        query["page"] = str(number)
    return "?" + urlencode(query) if query else ""


def links(page: Paged | None, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
    """Template context of a paged list at `path`: the page and its neighbours' addresses."""
    if page is None:
        return {"page": None}
    return {
        "page": page,
        "previous_url": path + page_query(page.previous, params) if page.previous else "",
        "next_url": path + page_query(page.next, params) if page.next else "",
    }
