"""The search index holds Snowball stems, and the stemmer in use is the project's C build.

snowballstemmer uses PyStemmer (the same algorithms compiled) when it is installed, at 100
to 350 times the speed of its pure-Python code. The stems the index holds were written by
whichever of the two ran, so the two must agree: a query stemmed by one has to meet an
entry stemmed by the other, or search would miss until the index is rebuilt."""

from pathlib import Path

import pytest
import snowballstemmer
import Stemmer
from snowballstemmer import arabic_stemmer, english_stemmer, russian_stemmer, spanish_stemmer

from search import folding, terms

CONTENT = Path(__file__).resolve().parent.parent / "content"
PURE = {
    "en": english_stemmer.EnglishStemmer,
    "ru": russian_stemmer.RussianStemmer,
    "es": spanish_stemmer.SpanishStemmer,
    "ar": arabic_stemmer.ArabicStemmer,
}


def corpus_words(every: int = 15) -> list[str]:
    """Every `every`th distinct word of the corpus files (about 550 of 8,000): all four
    scripts, inflected forms, words with accents and Arabic marks."""
    found: set[str] = set()
    for path in CONTENT.rglob("*.toml"):
        found.update(terms.words(path.read_text(encoding="utf-8")))
    return sorted(found)[::every]


def test_the_stemmer_in_use_is_the_c_build():
    assert snowballstemmer.stemmer is Stemmer.Stemmer
    assert isinstance(terms._stemmer("ru"), Stemmer.Stemmer)


@pytest.mark.parametrize("language", sorted(PURE))
def test_index_terms_are_the_pure_python_stems_folded(language):
    words = corpus_words()
    assert len(words) > 400
    pure = PURE[language]()
    differ = [(word, terms.term_of(word, language), pure.stemWord(word)) for word in words
              if terms.term_of(word, language) != folding.fold(pure.stemWord(word))]  # fmt: skip
    assert differ == []
