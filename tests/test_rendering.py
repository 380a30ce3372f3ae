"""Text with no Markdown syntax is rendered without Python-Markdown (rendering.py's fast
path, most of an approval's time otherwise): it must give exactly the HTML Markdown
gives, on every text of the corpus and on random text full of Markdown's characters."""

from __future__ import annotations

import random

import nh3
import pytest
from django.conf import settings

from articles.loader import read_content
from reviews import rendering
from reviews.rendering import ALLOWED_TAGS, _markdown_html, _plain_paragraphs, markdown_html


def _corpus_texts() -> list[str]:
    texts: list[str] = []

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            texts.append(value)

    walk(read_content(settings.CONTENT_DIR).topics)
    return texts


@pytest.mark.django_db
def test_every_corpus_text_renders_the_same_with_or_without_the_fast_path():
    texts = _corpus_texts()
    fast = [text for text in texts if _plain_paragraphs(text) is not None]
    assert len(fast) > len(texts) / 2  # the fast path is the common case in real text
    for text in texts:
        assert markdown_html(text) == _markdown_html(text), text


# Markdown's characters and line starts, words in four scripts, spaces and line breaks.
PIECES = [
    "cramp", "Судорога", "calambre", "تشنج", "é", "ё", "112", "999.", "1)", "2.", "A&E",
    "&amp;", "&#1;", "<b>", ">", "<", "*", "**", "_", "__", "`", "[x](y)", "![i](j)", "#",
    "##", "- ", "+ ", "* ", "=", "===", "---", "\\", "|", "~", ":", "(", ")", "'", '"',
    "http://example.org", "<http://example.org>", "  ", " ", "\t", "\n", "\n\n", "\n \n",
    "    ", ".", ",", "!", "?", "«", "»", "—", "\u00a0", "\u200f", "1.5", "a.m.",
]  # fmt: skip


def test_random_text_renders_the_same_with_or_without_the_fast_path():
    chooser = random.Random(20261202)
    took_fast_path = 0
    for _ in range(3000):
        text = " ".join(chooser.choice(PIECES) for _ in range(chooser.randint(1, 12)))
        if chooser.random() < 0.5:  # plenty of texts with no syntax at all
            text = "".join(piece for piece in text if piece.isalnum() or piece in " .,:?'()&\n-")
        if not text.strip():
            continue
        took_fast_path += _plain_paragraphs(text) is not None
        assert markdown_html(text) == _markdown_html(text), repr(text)
    assert took_fast_path > 250


def test_the_fast_path_output_is_sanitized_like_the_rest(monkeypatch):
    # Whatever the fast path builds goes through the same sanitizer as Markdown's HTML.
    cleaned = []
    real = nh3.clean

    def spy(html, **options):
        cleaned.append(options["tags"])
        return real(html, **options)

    monkeypatch.setattr(rendering.nh3, "clean", spy)
    assert markdown_html("A plain sentence, with A&E in it.") == (
        "<p>A plain sentence, with A&amp;E in it.</p>"
    )
    assert cleaned == [ALLOWED_TAGS]
