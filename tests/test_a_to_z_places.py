"""The A–Z list sorted and paged by the database (issue 20): each published topic keeps its
place in every list it appears in (reviews.models.TitleOrder), made at approval; the
database's order of those places is the alphabet's (search.alphabet), for hostile titles
too; places missing or made by older rules are made again by the page, once; and a
database that refuses to store them still gets the visitor the list."""

import importlib
import re
import unicodedata
from html import unescape

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import DatabaseError

from articles.models import Article
from public import readers
from reviews import alphabetical, workflow
from reviews.models import AlphabetRules, PublishedVersion, TitleOrder
from search import alphabet

from .support.factories import publish
from .test_a_to_z import listed_titles, publish_titled
from .test_public_queries import IN_INDEX_ORDER

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

# Titles whose order a careless key gets wrong: prefixes, case and accents alone,
# punctuation and spaces, digits, other scripts, marks, a title that is all punctuation.
HOSTILE = [
    "Leg",
    "leg",
    "Lég",
    "Leg cramps",
    "Leg-cramps",
    "Legacy",
    "(Night) cramps",
    "«Ночные» судороги",
    "2nd opinion",
    "10 questions",
    "Écrivain",
    "Zoë's cramps",
    "Ñandú",
    "Судороги",
    "ёлка",
    "تشنج",
    "Crampe\u0301",
    "Cramps 🙂",
    "...",
]


def order(titles, language):
    return sorted(titles, key=lambda title: alphabet.sort_key(title, language))


def places(language):
    return dict(TitleOrder.objects.filter(language=language).values_list("version__key", "initial"))


def test_an_approval_stores_its_places_in_every_list_it_appears_in(site):
    publish_titled("zeta", {"en": "Zeta cramps", "ru": "Ёлка и судороги"}, site)
    english = PublishedVersion.objects.get(key="zeta", language="en", is_current=True)
    russian = PublishedVersion.objects.get(key="zeta", language="ru", is_current=True)
    found = {
        (order.version_id, order.language): (order.sort_key, order.initial, order.rules)
        for order in TitleOrder.objects.filter(version__key="zeta")
    }
    expected = {
        (english.pk, code): (*alphabet.listing("Zeta cramps", code), alphabet.RULES)
        for code in ("en", "ru", "es", "ar")
    }
    expected[russian.pk, "ru"] = (*alphabet.listing("Ёлка и судороги", "ru"), alphabet.RULES)
    assert found == expected
    assert expected[russian.pk, "ru"][1] == "Е"


def test_a_version_that_stops_being_live_loses_its_places(site):
    """Replaced by a re-approval, or withdrawn: no list reads its places again, and kept
    they would grow the table the A–Z statement joins with every approval."""
    publish_titled("zeta", {"en": "Zeta cramps", "ru": "Ёлка"}, site)
    first = set(PublishedVersion.objects.filter(key="zeta").values_list("pk", flat=True))
    Article.objects.filter(slug="zeta").update(title_en="Zeta cramps again")
    publish(Article.objects.get(slug="zeta"), ["en"], reviewer=site)
    live = PublishedVersion.objects.filter(key="zeta", is_current=True)
    kept = set(TitleOrder.objects.filter(version__key="zeta").values_list("version_id", flat=True))
    assert kept == set(live.values_list("pk", flat=True))
    assert len(kept - first) == 1  # the new English version (4 lists); Russian unchanged
    assert TitleOrder.objects.filter(version__key="zeta", version__language="en").count() == 4
    workflow.withdraw("topic", "zeta", by=site, reason="Withdrawn for the test")
    assert not TitleOrder.objects.filter(version__key="zeta").exists()


def test_places_are_not_made_for_a_version_no_longer_live(site):
    """The A–Z page makes the places its list lacks; a version withdrawn between that
    read and the write gets none (kept, no list would read or delete them)."""
    publish_titled("zeta", {"en": "Zeta cramps"}, site)
    version = PublishedVersion.objects.get(key="zeta", is_current=True)
    workflow.withdraw("topic", "zeta", by=site, reason="Withdrawn for the test")
    alphabetical.make([version.pk], "en")
    assert not TitleOrder.objects.filter(version=version).exists()


@pytest.mark.parametrize("language", ["en", "ru", "es", "ar"])
def test_the_databases_order_is_the_alphabets_for_hostile_titles(client, site, language):
    for number, title in enumerate(reversed(HOSTILE)):
        publish_titled(f"hostile-{number:02}", {"en": title}, site)
    html = client.get(f"/{language}/a-z/").content.decode()
    shown = [unicodedata.normalize("NFC", unescape(title)) for title in listed_titles(html)]
    assert shown == [unicodedata.normalize("NFC", t) for t in order(HOSTILE, language)]
    # A letter's topics need not be together ("(Night) cramps" is an N among the
    # punctuation, before the "#" titles): the index lists each letter once, where its
    # first topic is.
    index = re.findall(r'<li><a href="[^"]*#letter-\d+">([^<]+)</a></li>', html)
    initials = [alphabet.initial(title, language) for title in order(HOSTILE, language)]
    assert index == list(dict.fromkeys(initials))


def test_missing_places_are_made_by_the_first_render_then_cost_nothing(
    client, site, django_assert_num_queries
):
    for number, word in enumerate(["Яичники", "Жажда", "Ёрзание ногами", "Йога"]):
        publish_titled(f"ru-{number}", {"en": f"English {number}", "ru": word}, site)
    publish_titled("english-only", {"en": "Hiccups"}, site)
    made = places("ru")
    TitleOrder.objects.all().delete()  # as before the places existed (migration 0023)

    html = client.get("/ru/a-z/").content.decode()
    assert listed_titles(html) == ["Ёрзание ногами", "Жажда", "Йога", "Яичники", "Hiccups"]
    assert places("ru") == made
    cache.clear()
    readers.site_notices("ru")
    # notices, the list from its places, their count, the page's topics (and on
    # PostgreSQL the setting around the list's statement: test_public_queries.py)
    with django_assert_num_queries(4 + IN_INDEX_ORDER):
        assert client.get("/ru/a-z/").status_code == 200


def test_places_made_by_other_rules_are_made_again(client, site, monkeypatch):
    for slug, title in (("b", "Beta"), ("a", "Alpha"), ("c", "Gamma")):
        publish_titled(slug, {"en": title}, site)
    # A place made by rules since changed, and wrong by today's rules.
    TitleOrder.objects.filter(version__key="c", language="en").update(sort_key="", initial="Z")
    AlphabetRules.objects.create(rules=alphabet.RULES)  # older than today's, below
    monkeypatch.setattr(alphabet, "RULES", "rules-of-today")

    html = client.get("/en/a-z/").content.decode()
    assert listed_titles(html) == ["Alpha", "Beta", "Gamma"]
    assert set(TitleOrder.objects.filter(language="en").values_list("rules", flat=True)) == {
        "rules-of-today"
    }
    assert places("en")["c"] == "G"
    assert re.search(r'href="/en/a-z/#letter-\d">G</a>', html)


def test_places_made_by_newer_rules_are_left_and_the_list_sorted_here(client, site, monkeypatch):
    """A rolling deploy: this worker's release is the older one. It finds places made by
    the newer release's rules, lists the topics in its own order without writing, and
    leaves those places to the newer workers (no rewriting back and forth)."""
    for slug, title in (("b", "Beta"), ("a", "Alpha"), ("c", "Gamma")):
        publish_titled(slug, {"en": title}, site)
    AlphabetRules.objects.create(rules=alphabet.RULES)
    AlphabetRules.objects.create(rules="rules-of-next")
    newer = TitleOrder.objects.filter(version__key="c", language="en")
    newer.update(rules="rules-of-next", sort_key="", initial="Z")

    html = client.get("/en/a-z/").content.decode()
    assert listed_titles(html) == ["Alpha", "Beta", "Gamma"]
    assert list(newer.values_list("rules", "sort_key")) == [("rules-of-next", "")]


def test_the_list_is_served_when_its_places_cannot_be_stored(client, site, monkeypatch):
    for slug, title in (("b", "Beta"), ("a", "Alpha"), ("c", "Gamma")):
        publish_titled(slug, {"en": title}, site)
    TitleOrder.objects.all().delete()

    def refused(*args, **kwargs):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(alphabetical, "make", refused)
    response = client.get("/en/a-z/")
    assert response.status_code == 200
    assert listed_titles(response.content.decode()) == ["Alpha", "Beta", "Gamma"]
    assert not TitleOrder.objects.exists()


def test_the_migration_forgets_the_places_of_past_versions_only(site):
    """Places written before versions dropped them (reviews 0026)."""
    migration = importlib.import_module("reviews.migrations.0026_forget_places_of_past_versions")
    publish_titled("zeta", {"en": "Zeta cramps"}, site)
    version = PublishedVersion.objects.get(key="zeta", is_current=True)
    past = PublishedVersion.objects.get(pk=version.pk)
    past.pk, past.is_current = None, False
    past.save()
    alphabetical.after_approval([past])  # as an approval before 0026 left it
    assert TitleOrder.objects.filter(version=past).count() == 4
    migration.forget_past_places(apps, None)
    assert not TitleOrder.objects.filter(version=past).exists()
    assert TitleOrder.objects.filter(version=version).count() == 4
