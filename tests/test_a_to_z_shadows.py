"""Which A–Z places a list shows (issue 20; reviews.shadows): an English place is
shadowed exactly while its topic has a place of the list's own language, kept by the
database's triggers whoever writes the places (approvals, withdrawals, holds, the page's
mending, the previous release during a rolling deploy), and the page reads only the
places not shadowed. (The page's mending beside an approval: tests/test_review_races.py.)"""

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from public.readers import alphabetical as reader
from reviews import retirement, shadows, workflow
from reviews.models import PublishedVersion, TitleOrder

from .support.factories import publish
from .test_a_to_z import publish_titled

LANGUAGES = ["en", "ru", "es", "ar"]


def flags(key: str) -> dict[str, bool]:
    """{list language: shadowed} of the places of `key`'s English versions."""
    english = TitleOrder.objects.filter(key=key, version_language="en")
    return dict(english.values_list("language", "shadowed"))


def shown_places(language: str) -> list[int]:
    listed = reader._from_places(language)
    return [int(pk) for pk in listed[0]] if listed else []


@pytest.mark.django_db
@pytest.mark.usefixtures("published_site_once")
def test_an_english_place_is_shadowed_exactly_while_its_translation_is_live(site):
    publish_titled("apple", {"en": "Apple cramps"}, site)
    assert flags("apple") == dict.fromkeys(LANGUAGES, False)

    Article.objects.filter(slug="apple").update(title_ru="Яблоко", title_ar="تفاحة")
    publish(Article.objects.get(slug="apple"), ["ru", "ar"], reviewer=site)
    assert flags("apple") == {"en": False, "ru": True, "es": False, "ar": True}
    russian = PublishedVersion.objects.get(key="apple", language="ru", is_current=True)
    assert shown_places("ru") == [russian.pk]

    # The English approved again while translated: its new place is shadowed at once.
    Article.objects.filter(slug="apple").update(title_en="Apple cramps again")
    publish(Article.objects.get(slug="apple"), ["en"], reviewer=site)
    assert flags("apple") == {"en": False, "ru": True, "es": False, "ar": True}
    assert shown_places("ru") == [russian.pk]

    # Held (its red flags changed in English): the English is shown in those lists.
    retirement.hold_translations([("topic", "apple")], timezone.now())
    assert flags("apple") == dict.fromkeys(LANGUAGES, False)
    english = PublishedVersion.objects.get(key="apple", language="en", is_current=True)
    assert shown_places("ru") == shown_places("ar") == [english.pk]

    publish(Article.objects.get(slug="apple"), ["ru"], reviewer=site)
    assert flags("apple")["ru"] is True
    workflow.withdraw("topic", "apple", by=site, reason="Withdrawn for the test")
    assert not TitleOrder.objects.filter(key="apple").exists()
    assert shown_places("ru") == []


@pytest.mark.django_db
@pytest.mark.usefixtures("published_site_once")
def test_places_written_without_the_flag_get_it_from_the_database(site):
    """The previous release's workers write places knowing nothing of the flag (its
    database default, false): an insert, a delete, and an update of a place's key."""
    publish_titled("apple", {"en": "Apple cramps", "ru": "Яблоко"}, site)
    russian = TitleOrder.objects.get(key="apple", language="ru", version_language="ru")
    columns = ["version_id", "language", "rules", "sort_key", "initial", "key", "version_language"]
    row = [getattr(russian, name) for name in columns]
    table = TitleOrder._meta.db_table
    # (The table's name is the model's; the values are parameters.)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [russian.pk])  # noqa: S608
        assert flags("apple")["ru"] is False
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * 7)})",  # noqa: S608
            row,
        )
        assert flags("apple")["ru"] is True
        cursor.execute(f"UPDATE {table} SET key = '' WHERE key = 'apple' AND language = 'ru'")  # noqa: S608
        assert TitleOrder.objects.get(language="ru", version_language="en").shadowed is False
        cursor.execute(f"UPDATE {table} SET key = 'apple' WHERE language = 'ru'")  # noqa: S608
        assert flags("apple")["ru"] is True
        # The first fill of the migration (reviews 0030) sets every flag from the places.
        cursor.execute(f"UPDATE {table} SET shadowed = %s", [False])  # noqa: S608
    assert shadows.reshadow(connection) == 1  # apple's English place in the Russian list
    assert flags("apple") == {"en": False, "ru": True, "es": False, "ar": False}


@pytest.mark.django_db
@pytest.mark.usefixtures("published_site_once")
def test_a_flag_written_wrong_is_mended_by_the_next_render(site, monkeypatch):
    """A flag set by hand (no trigger fires for the flag alone) hides a place from the
    English list: the list looks incomplete, is read from the live versions once, and
    its mending sets every flag of the list right (reviews.shadows.reshadow). In
    another list a wrong flag is not seen by its count (every place is counted, shadowed
    or not): the next mending of that list sets it right."""
    publish_titled("apple", {"en": "Apple cramps"}, site)
    publish_titled("bean", {"en": "Bean cramps", "ru": "Боб"}, site)
    TitleOrder.objects.filter(key="apple", language="en").update(shadowed=True)
    bean_in_russian = TitleOrder.objects.filter(key="bean", language="ru", version_language="en")
    bean_in_russian.update(shadowed=False)

    assert reader.alphabetical_topics("en", 0, 10) == reader._in_memory("en", 0, 10)
    assert flags("apple")["en"] is False
    TitleOrder.objects.filter(key="apple", language="ru").delete()  # the Russian list mended
    assert reader.alphabetical_topics("ru", 0, 10) == reader._in_memory("ru", 0, 10)
    assert bean_in_russian.get().shadowed is True
    monkeypatch.setattr(reader, "_ordered", lambda language: pytest.fail("not from places"))
    for language in LANGUAGES:
        assert reader.alphabetical_topics(language, 0, 10) == reader._in_memory(language, 0, 10)
    assert shadows.reshadow(connection) == 0
