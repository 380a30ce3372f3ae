"""The spaced title terms stored with each search entry (migration search 0006): what the
ranking counts a query's terms in. An entry written before the column, or not filled
yet, ranks the same (the query spaces its title itself), and the migration fills the
entries with what an approval writes."""

import importlib

import pytest

from public.views import search_words
from search import index as search_index
from search.models import SearchEntry
from tests.support.migrations import Editor

pytestmark = pytest.mark.django_db


QUERIES = [
    ("leg cramps", "en"),
    ("muscle spasm neck", "en"),
    ("судороги ног", "ru"),
    ("calambres en las piernas", "es"),
    ("تشنج العضلات", "ar"),
]


def ranked(query: str, language: str) -> list[str]:
    rows = search_index.search(
        search_words(query), kind="topic", language=language, fallback=None, limit=20, offset=0
    )
    return [row.key for row in rows]


def test_an_entry_not_filled_yet_ranks_where_a_filled_one_does(corpus):
    assert not SearchEntry.objects.filter(title_spaced__isnull=True).exists()
    filled = {query: ranked(*query) for query in QUERIES}
    assert all(filled.values()), filled
    # The migration has not reached these entries yet (or an older writer left them).
    SearchEntry.objects.filter(language__in=["en", "ru"]).update(title_spaced=None)
    assert {query: ranked(*query) for query in QUERIES} == filled


def test_the_migration_fills_each_entry_as_an_approval_writes_it(corpus, monkeypatch):
    migration = importlib.import_module("search.migrations.0006_searchentry_title_spaced")
    written = dict(SearchEntry.objects.values_list("pk", "title_spaced"))
    assert all(
        spaced == search_index.spaced(title.split())
        for title, spaced in SearchEntry.objects.values_list("title", "title_spaced")
    )
    SearchEntry.objects.update(title_spaced=None)
    monkeypatch.setattr(migration, "BATCH", 7)  # several batches, the last one short
    migration.fill(None, Editor())
    assert dict(SearchEntry.objects.values_list("pk", "title_spaced")) == written
