"""The A–Z list read from its places alone (issue 20): once every live version listed in a
language has its place there (made at approval), the page reads the places, not the
live versions, and leaves out an English place where the topic has a place of the
list's own language. Checked against the list sorted in memory from the live versions
(`_in_memory`, the page's own fallback) through translations, withdrawals and holds; a
list whose places are not complete (made by the release before the key was copied, or a
place a version kept after it stopped being live) is read from the live versions once
and mended, then read from its places again."""

import importlib
from unicodedata import normalize

import pytest
from django.apps import apps
from django.utils import timezone

from articles.models import Article
from public.readers import alphabetical as reader
from reviews import alphabetical, retirement, workflow
from reviews.models import PublishedVersion, TitleOrder

from .support.factories import publish
from .test_a_to_z import listed_titles, publish_titled

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

LANGUAGES = ["en", "ru", "es", "ar"]


@pytest.fixture
def from_places_only(monkeypatch):
    """The list may not be read from the live versions: only from its places."""

    def not_from_the_versions(language):
        raise AssertionError(f"the {language} list was read from the live versions")

    monkeypatch.setattr(reader, "_ordered", not_from_the_versions)


def every_list():
    return {code: reader.alphabetical_topics(code, 0, 1000) for code in LANGUAGES}


def sorted_in_memory():
    return {code: reader._in_memory(code, 0, 1000) for code in LANGUAGES}


def test_the_lists_read_from_places_are_the_live_topics_in_order(site, monkeypatch):
    publish_titled("apple", {"en": "Apple cramps", "ru": "Яблоко", "es": "Manzana"}, site)
    publish_titled("bean", {"en": "Bean cramps"}, site)
    publish_titled("cherry", {"en": "Cherry cramps", "ru": "Арбуз", "ar": "كرز"}, site)
    expected = sorted_in_memory()
    with monkeypatch.context() as patched:
        patched.setattr(reader, "_ordered", lambda language: pytest.fail("not from places"))
        assert every_list() == expected
    ru = [topic.title for _letter, topic in expected["ru"].page]
    assert ru == ["Арбуз", "Яблоко", "Bean cramps"]  # the English of translated ones left out

    # A translation approved: its English place leaves that list.
    Article.objects.filter(slug="bean").update(title_ru="Боб")
    publish(Article.objects.get(slug="bean"), ["ru"], reviewer=site)
    # Withdrawn: gone from every list.
    workflow.withdraw("topic", "apple", by=site, reason="Withdrawn for the test")
    # Held (its red flags changed in English): the English is listed in its place.
    retirement.hold_translations([("topic", "cherry")], timezone.now())
    expected = sorted_in_memory()
    with monkeypatch.context() as patched:
        patched.setattr(reader, "_ordered", lambda language: pytest.fail("not from places"))
        assert every_list() == expected
    ru = [topic.title for _letter, topic in expected["ru"].page]
    assert ru == ["Боб", "Cherry cramps"]
    assert [topic.title for _letter, topic in expected["ar"].page] == [
        "Bean cramps",
        "Cherry cramps",
    ]


def test_a_place_made_without_its_key_is_made_again_then_the_places_are_read(
    client, site, monkeypatch
):
    """During a rolling deploy the previous release's approvals insert places without
    the key (the column's database default): the page reads that list from the live
    versions, gives the places their keys, and the next render reads the places."""
    publish_titled("apple", {"en": "Apple cramps", "ru": "Яблоко"}, site)
    publish_titled("bean", {"en": "Bean cramps"}, site)
    TitleOrder.objects.filter(version__key="apple").update(key="", version_language="")

    assert listed_titles(client.get("/ru/a-z/").content.decode()) == ["Яблоко", "Bean cramps"]
    mended = TitleOrder.objects.filter(version__key="apple", language="ru")
    assert set(mended.values_list("key", "version_language")) == {("apple", "en"), ("apple", "ru")}
    monkeypatch.setattr(reader, "_ordered", lambda language: pytest.fail("not from places"))
    assert reader.alphabetical_topics("ru", 0, 10) == reader._in_memory("ru", 0, 10)


def test_a_place_kept_by_a_version_no_longer_live_is_dropped_by_the_next_render(
    client, site, monkeypatch
):
    """Counted, it would make the list's places look incomplete on every render."""
    publish_titled("apple", {"en": "Apple cramps"}, site)
    version = PublishedVersion.objects.get(key="apple", is_current=True)
    past = PublishedVersion.objects.get(pk=version.pk)
    past.pk, past.is_current = None, False
    past.save()
    alphabetical.after_approval([past])  # a place `forget` missed

    assert listed_titles(client.get("/en/a-z/").content.decode()) == ["Apple cramps"]
    # (each list mends its own places when it is read)
    assert not TitleOrder.objects.filter(version=past, language="en").exists()
    monkeypatch.setattr(reader, "_ordered", lambda language: pytest.fail("not from places"))
    assert reader.alphabetical_topics("en", 0, 10) == reader._in_memory("en", 0, 10)


def test_the_migration_copies_each_places_key_and_language(site):
    """Places made before the columns existed (reviews 0028)."""
    migration = importlib.import_module("reviews.migrations.0028_title_order_key")
    publish_titled("apple", {"en": "Apple cramps", "ru": "Яблоко"}, site)
    made = set(TitleOrder.objects.values_list("pk", "key", "version_language"))
    TitleOrder.objects.update(key="", version_language="")
    migration.copy_keys(apps, None)
    assert set(TitleOrder.objects.values_list("pk", "key", "version_language")) == made
    assert ("apple", "ru") in {(key, language) for _pk, key, language in made}


# Arabic ligatures (presentation forms) that fold to three letters or more.
LIGATURES = [chr(code) for code in range(0xFB50, 0xFDFF) if len(normalize("NFKC", chr(code))) > 2]


def test_a_title_whose_key_is_long_is_approved_and_listed(site):
    """A key is cut to the length the lists' index can hold whatever the title: a title
    of 200 Arabic ligatures, each folded to several letters, made a key of 3,614 bytes;
    PostgreSQL refuses a B-tree entry above 2,704 bytes once compressed (this one
    compressed enough; a less repetitive one need not)."""
    title = "".join(LIGATURES[number * 37 % len(LIGATURES)] for number in range(200))
    publish_titled("long", {"en": title, "ar": title}, site)
    place = TitleOrder.objects.get(version__key="long", language="ar", version_language="ar")
    assert len(place.sort_key) == alphabetical.KEY_LENGTH
    listed = reader.alphabetical_topics("ar", 0, 10)
    assert [topic.title for _letter, topic in listed.page] == [title]
    assert listed == reader._in_memory("ar", 0, 10)
