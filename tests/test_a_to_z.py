"""The A–Z list of topics (issue 23, item 5): every live topic in its language's
alphabetical order (search.alphabet), tested with real words where code-point order or
accent folding would be wrong; English titles of untranslated topics marked as such; a
withdrawal gone at once through the page cache."""

import re
import unicodedata

import pytest

from articles.models import Article
from reviews import workflow
from search import alphabet
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


# Titles where the order's rules meet: spaces before letters, digits before letters,
# the page's letters before other scripts, a shorter title before a longer one, marks and
# ligatures folded, upper and lower case alike.
MIXED = [
    "Leg cramps",
    "Legacy",
    "leg",
    "Leg-cramps",
    "Leg",
    "2nd opinion",
    "10 tips",
    "9 tips",
    "Cramps",
    "Судороги",
    "судорога",
    "Ёж",
    "Йога",
    "Иа",
    "ñandú",
    "Nube",
    "Oso",
    "Ω omega",
    "ﬁsh",
    "fish",
    "Café",
    "Cafe",
    "Z",
    "z",
    "ابتلاع",
    "أرق",
    "ـبطن",
    "X-ray",
    "x ray",
    "",
]


def documented_key(title: str, language: str):
    """The order as the module states it: a (class, rank) pair per folded letter (space
    and punctuation 0, digit 1, the page's letter 2, another script's letter 3), then
    the folded title, then the title."""
    own = alphabet.ALPHABETS[language]
    folded = alphabet.letters(title, language)
    pairs = []
    for char in folded:
        if char in own:
            pairs.append((2, own.index(char)))
        elif char.isdigit():
            pairs.append((1, unicodedata.digit(char, 0)))
        else:
            pairs.append((3 if char.isalpha() else 0, ord(char)))
    return (pairs, "".join(folded), title)


@pytest.mark.parametrize("language", sorted(ORDERS))
def test_the_sort_key_compares_as_the_documented_pairs(language):
    """sort_key is a string standing for the pairs (compared in C, not pair by pair): it
    puts every mix of rules in the same order as the pairs do."""
    titles = MIXED + [word for words in ORDERS.values() for word in words]
    expected = sorted(titles, key=lambda title: documented_key(title, language))
    assert sorted(titles, key=lambda title: alphabet.sort_key(title, language)) == expected
    assert sorted(reversed(titles), key=lambda t: alphabet.sort_key(t, language)) == expected
    for title in titles:
        key, letter = alphabet.listing(title, language)
        assert (key, letter) == (
            alphabet.sort_key(title, language),
            alphabet.initial(title, language),
        )


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


def test_topics_with_the_same_title_keep_one_order_across_pages(client, site):
    """Two topics may share a title (a general topic and a narrower one named alike):
    they are listed by slug, so a page boundary between them neither repeats nor drops
    one. The view sorts by slug itself rather than keep the order the rows came in."""
    for number in range(19):
        publish_titled(f"a-{number:02}", {"en": f"A topic {number:02}"}, site)
    for slug in ("same-title-b", "same-title-c", "same-title-a"):
        publish_titled(slug, {"en": "Same title"}, site)
    links = re.compile(r'<li><a href="/en/topics/([^"]+)/"')
    first = links.findall(client.get("/en/a-z/").content.decode())
    second = links.findall(client.get("/en/a-z/?page=2").content.decode())
    assert first[19:] == ["same-title-a"]
    assert second == ["same-title-b", "same-title-c"]


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
