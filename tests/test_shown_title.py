"""The title each published version is shown under, kept in its own column (migration
reviews 0022): the A–Z page reads it for every live topic without decoding every
snapshot. A version approved before the column, or not filled yet, shows the same title
(taken from its snapshot), and the migration fills the versions with what an approval
writes."""

import importlib

import pytest
from django.conf import settings
from django.core.cache import caches

from reviews.models import PublishedVersion, shown_title
from tests.support.migrations import Editor

pytestmark = pytest.mark.django_db


def listed(client, language: str) -> str:
    """Every page of the language's A–Z list, rendered now (the rows below are changed
    behind the workflow's back, which would have invalidated the cached pages)."""
    caches[settings.PAGE_CACHE_ALIAS].clear()
    pages, number = [], 1
    while (response := client.get(f"/{language}/a-z/?page={number}")).status_code == 200:
        pages.append(response.content.decode())
        number += 1
    assert pages
    return "".join(pages)


def test_an_approval_writes_the_title_its_pages_show(corpus):
    versions = PublishedVersion.objects.all()
    assert versions.filter(kind="topic").exists() and versions.filter(kind="region").exists()
    for version in versions:
        assert version.shown_title == version.title == shown_title(version.payload, version.key)


def test_the_a_to_z_page_reads_the_column_and_falls_back_to_the_snapshot(corpus, client):
    leg_cramps = PublishedVersion.objects.live("ru", "topic").get(key="leg-cramps")
    title = leg_cramps.payload["title"]
    assert title in listed(client, "ru")
    # The column is what the page reads: the snapshot is not decoded for it.
    PublishedVersion.objects.filter(pk=leg_cramps.pk).update(shown_title="Колонка")
    page = listed(client, "ru")
    assert "Колонка" in page and title not in page
    # A version the migration has not reached yet shows its snapshot's title.
    PublishedVersion.objects.filter(language="ru").update(shown_title=None)
    assert title in listed(client, "ru")


def test_the_migration_fills_each_version_as_an_approval_writes_it(corpus, monkeypatch):
    migration = importlib.import_module("reviews.migrations.0022_publishedversion_shown_title")
    written = dict(PublishedVersion.objects.values_list("pk", "shown_title"))
    # A snapshot with an empty title and one with a name only (a region): as `title` reads.
    region = PublishedVersion.objects.filter(kind="region").first()
    payload = {**region.payload, "title": ""}
    PublishedVersion.objects.filter(pk=region.pk).update(payload=payload)
    written[region.pk] = shown_title(payload, region.key)
    PublishedVersion.objects.update(shown_title=None)
    monkeypatch.setattr(migration, "BATCH", 7)  # several batches, the last one short
    migration.fill(None, Editor())
    assert dict(PublishedVersion.objects.values_list("pk", "shown_title")) == written
