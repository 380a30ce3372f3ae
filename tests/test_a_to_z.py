"""The A–Z list of topics (issue 23, item 5): every live topic in its language's
alphabetical order (public.alphabet), tested with real words where code-point order or
accent folding would be wrong; English titles of untranslated topics marked as such; a
withdrawal gone at once through the page cache."""

import re

import pytest

from articles.models import Article
from public import alphabet
from reviews import workflow
from tests.support.factories import make_topic, publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_site_once")]

# Each list is in the right order; code-point order (or folding ñ to n, й to и, أ to ا
# by accident of code points) gets each one wrong somewhere.
ORDERS = {
    "en": ["Abdominal cramps", "Back pain", "Café-au-lait spots", "Leg cramps", "Legacy words"],
    "ru": ["Еда и судороги", "Ёрзание ногами", "Жажда", "Ишиас", "Йога при спазмах", "Яичники"],
    "es": ["Abdomen", "Ácido úrico", "Cuello", "Unión del hombro", "Uña encarnada", "Zumbido"],
    "ar": ["ابتلاع", "أرق", "إسهال", "بطن", "تشنج", "حمى", "حمية", "ظهر", "يد"],
}


@pytest.mark.parametrize("language", sorted(ORDERS))
def test_the_sort_key_puts_real_words_in_dictionary_order(language):
    words = ORDERS[language]
    assert sorted(reversed(words), key=lambda w: alphabet.sort_key(w, language)) == words
    # Code-point order of the case-folded titles is not the language's order.
    assert sorted(words, key=str.casefold) != words or language == "en"


def test_initials_fold_variants_into_their_letter():
    assert alphabet.initial("Ёрзание", "ru") == "Е"
    assert alphabet.initial("Йога", "ru") == "Й"
    assert alphabet.initial("Ácido", "es") == "A"
    assert alphabet.initial("Uña", "es") == "U"
    assert alphabet.initial("ñandú", "es") == "Ñ"
    assert alphabet.initial("أرق", "ar") == "ا"
    assert alphabet.initial("2nd opinion", "en") == "#"
    assert alphabet.initial("Cramps", "ru") == "#"


def publish_titled(slug, titles: dict, reviewer):
    article = make_topic(slug)
    Article.objects.filter(pk=article.pk).update(
        **{f"title_{code}": title for code, title in titles.items()}
    )
    publish(Article.objects.get(pk=article.pk), list(titles), reviewer=reviewer)


def listed_titles(html: str) -> list[str]:
    return re.findall(
        r'<li><a href="/[a-z]{2}/topics/[^"]+" lang="[a-z]{2}" dir="[a-z]{3}">([^<]+)</a>', html
    )


@pytest.mark.parametrize("language", ["ru", "es", "ar"])
def test_the_page_lists_topics_in_the_languages_order(client, site, language):
    words = ORDERS[language]
    for number, word in enumerate(reversed(words)):
        publish_titled(f"topic-{number}", {"en": f"English {number}", language: word}, site)
    response = client.get(f"/{language}/a-z/")
    assert response.status_code == 200
    html = response.content.decode()
    assert listed_titles(html) == words
    assert f'<html lang="{language}"' in html
    # The letters index links to the groups.
    assert re.search(r'<nav aria-label="[^"]+">\s*<ul class="a-z-letters">', html)


def test_untranslated_topics_are_listed_in_english_and_marked(client, site):
    publish_titled("translated", {"en": "Zeta cramps", "ru": "Судороги"}, site)
    publish_titled("english-only", {"en": "Hiccups"}, site)
    html = client.get("/ru/a-z/").content.decode()
    assert listed_titles(html) == ["Судороги", "Hiccups"]
    assert '<a href="/ru/topics/english-only/" lang="en" dir="ltr">Hiccups</a>' in html
    assert '<a href="/ru/topics/translated/" lang="ru" dir="ltr">Судороги</a>' in html


def test_the_list_is_paged_and_the_letters_link_to_their_page(client, site):
    for number in range(25):
        letter = "AB"[number // 20]
        publish_titled(f"t-{number:02}", {"en": f"{letter} topic {number:02}"}, site)
    first = client.get("/en/a-z/").content.decode()
    assert len(listed_titles(first)) == 20
    assert 'href="/en/a-z/?page=2#letter-1">B</a>' in first
    second = client.get("/en/a-z/?page=2").content.decode()
    assert listed_titles(second) == [f"B topic {n}" for n in range(20, 25)]
    assert client.get("/en/a-z/?page=3").status_code == 404
    assert client.get("/en/a-z/?page=x").status_code == 404


def test_a_withdrawal_leaves_the_list_at_once_through_the_cache(client, site):
    publish_titled("stays", {"en": "Stays here"}, site)
    publish_titled("goes", {"en": "Goes away"}, site)
    assert "Goes away" in client.get("/en/a-z/").content.decode()
    assert client.get("/ar/a-z/")["X-Page-Cache"] == "miss"
    assert client.get("/en/a-z/")["X-Page-Cache"] == "hit"
    workflow.withdraw("topic", "goes", by=site, reason="Test")
    for url in ("/en/a-z/", "/ar/a-z/"):
        html = client.get(url).content.decode()
        assert "Goes away" not in html, url
        assert "Stays here" in html, url


def test_every_page_links_to_the_list(client, site):
    html = client.get("/es/").content.decode()
    assert 'href="/es/a-z/"' in html
    assert 'href="/es/a-z/?country=MX"' in client.get("/es/?country=MX").content.decode()
