"""DESIGN's promise: a page is never a mix of languages. On the real corpus, no text of a
page's English version appears in its ru, es or ar version outside elements marked as
English (the fallback of an untranslated topic is marked lang="en")."""

import re
from html.parser import HTMLParser

import pytest

from articles.languages import SOURCE_LANGUAGE, translation_languages

# The real corpus, loaded and approved once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_corpus_once")]

PAGES = [
    "/{lang}/",
    "/{lang}/regions/throat/",
    "/{lang}/topics/throat-spasm/",  # translated into every language
    "/{lang}/topics/leg-cramps/",  # not in Arabic: English fallback there
    "/{lang}/search/?q=spasm",
    "/{lang}/search/?q=zzzz",
    "/{lang}/topics/no-such-topic/",
]
WORD = re.compile(r"(?<![\w])[^\W\d_]{2,}(?![\w])")


def shingles(text: str) -> set[tuple[str, ...]]:
    """Every run of three words: languages share names and numbers, not phrases."""
    words = WORD.findall(text.casefold())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class TextByLanguage(HTMLParser):
    """Visible text with the language of its nearest element that declares one."""

    def __init__(self, page_language: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = [("", page_language)]
        self.skip = 0
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        lang = dict(attrs).get("lang") or self.stack[-1][1]
        self.stack.append((tag, lang))
        if tag in ("script", "style", "title"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while len(self.stack) > 1:
            open_tag, _lang = self.stack.pop()
            if open_tag in ("script", "style", "title"):
                self.skip -= 1
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.append((self.stack[-1][1], " ".join(data.split())))


def texts(client, url: str, language: str) -> list[tuple[str, str]]:
    response = client.get(url)
    assert response.status_code in (200, 404, 410), url
    parser = TextByLanguage(language)
    parser.feed(response.content.decode())
    return parser.texts


@pytest.mark.parametrize("language", translation_languages())
def test_no_english_text_outside_elements_marked_english(client, corpus, language):
    mixed = []
    for pattern in PAGES:
        english = set().union(
            *(
                shingles(text)
                for text_language, text in texts(
                    client, pattern.format(lang=SOURCE_LANGUAGE), SOURCE_LANGUAGE
                )
                # The English page also cites references in other languages, marked with
                # their own lang: their text is not English.
                if text_language == SOURCE_LANGUAGE
            )
        )
        url = pattern.format(lang=language)
        mixed += [
            f"{url}: {text!r}"
            for text_language, text in texts(client, url, language)
            if text_language == language and shingles(text) & english
        ]
    assert mixed == []


def hold_translations(slug: str) -> dict[str, str]:
    """Reword a red flag of `slug` in English and approve it (issue 22): its translations
    are held. Returns each held translation's title, which must then be nowhere."""
    from articles.models import Article
    from reviews import workflow
    from reviews.models import PublishedVersion
    from staff import roles
    from tests.support.factories import approve, make_user

    article = Article.objects.get(slug=slug)
    sign = article.warning_signs.first()
    sign.text_en = f"{sign.text_en} (reworded)"
    sign.save()
    workflow.record_edits(Article.objects.get(slug=slug), by=None)
    editor = make_user(roles.EDITORS, languages=[SOURCE_LANGUAGE])
    version = workflow.submit(workflow.version_for(article, SOURCE_LANGUAGE), by=editor)
    approve(version, reviewer=make_user(roles.REVIEWERS, languages=[SOURCE_LANGUAGE]))
    held = PublishedVersion.objects.filter(key=slug, held=True)
    return {version.language: version.payload["title"] for version in held}


def test_a_held_translation_is_the_english_page_marked_english(client, corpus):
    titles = hold_translations("throat-spasm")
    assert set(titles) == set(translation_languages())
    for language in translation_languages():
        url = f"/{language}/topics/throat-spasm/"
        html = client.get(url).content.decode()
        assert '<article class="topic" lang="en" dir="ltr"' in html
        assert titles[language] not in html
        english = set().union(
            *(
                shingles(text)
                for lang, text in texts(client, "/en/topics/throat-spasm/", SOURCE_LANGUAGE)
                if lang == SOURCE_LANGUAGE  # a reference in a reader's language is theirs
            )
        )
        page = texts(client, url, language)
        assert [text for lang, text in page if lang == language and shingles(text) & english] == []
