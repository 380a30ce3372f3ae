"""Alphabetical order per language, for the A–Z list of topics (issue 23, item 5).

Decision: a documented key per language rather than PyICU. PyICU has no wheels on PyPI
(it builds against the system's ICU with a C++ compiler, on every install and in CI),
and the site needs the order of four alphabets, which are short to state and to test
with real words (tests/test_a_to_z.py). The orders follow the languages' dictionaries
and CLDR's tailorings for them:

- English: a–z; accents are ignored ("café" sorts as "cafe").
- Spanish: a–z with ñ as its own letter after n; accents and the diaeresis are ignored
  (á = a, ü = u); ch and ll are not separate letters (RAE, 1994).
- Russian: а–я in dictionary order; ё sorts with е, й is its own letter after и.
- Arabic: the hijā'ī order ا ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق ك ل م ن ه و ي;
  hamza on or under alif and alif madda/wasla sort as alif, ء before alif, ؤ as و, ئ and
  ى as ي, ة as ت (CLDR's Arabic tailoring); short vowels, shadda and tatweel are ignored.

Within a title: spaces and punctuation come first (so "leg cramps" before "legacy"), then
digits, then the letters of the page's language, then letters of other scripts (a Latin
name inside a Russian list comes after я), by their folded form. Ties keep a fixed order
(the folded title, then the title itself). The key is one string, so a database can
store it and sort by it (reviews.models.TitleOrder).
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

ALPHABETS: dict[str, str] = {
    "en": "abcdefghijklmnopqrstuvwxyz",
    "es": "abcdefghijklmnñopqrstuvwxyz",
    "ru": "абвгдежзийклмнопрстуфхцчшщъыьэюя",
    "ar": "ءابتثجحخدذرزسشصضطظعغفقكلمنهوي",
}

# Letters that sort as another letter of the language (after case folding).
SAME_AS: dict[str, dict[str, str]] = {
    "ru": {"ё": "е"},
    "ar": {
        "آ": "ا",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ى": "ي",
        "ة": "ت",
    },
}

_SPACE, _DIGIT, _OWN, _OTHER = range(4)
TATWEEL = "\u0640"


def _base(char: str) -> str:
    """A character without its accents and marks (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)) or char


def _folded(char: str, language: str) -> str:
    """One character of a case-folded, NFC text as `language`'s alphabet reads it: ""
    for a mark, else one or more letters (see `letters`)."""
    if unicodedata.combining(char) or char == TATWEEL:
        return ""
    same = SAME_AS.get(language, {})
    char = same.get(char, char)
    if char not in ALPHABETS.get(language, ALPHABETS["en"]):
        char = same.get(_base(char), _base(char))
    return char


# A place in the order, as two characters: the class, then the rank (a letter's place in
# the alphabet, a digit's value, else the code point itself). Compared as strings, a
# title's places compare as the (class, rank) pairs they stand for.
_CLASS_MARK = {_SPACE: "0", _DIGIT: "1", _OWN: "2", _OTHER: "3"}
_RANKS_FROM = 0x100


def _place(char: str, language: str) -> str:
    own = ALPHABETS.get(language, ALPHABETS["en"])
    if char in own:
        return _CLASS_MARK[_OWN] + chr(_RANKS_FROM + own.index(char))
    if char.isdigit():
        return _CLASS_MARK[_DIGIT] + chr(_RANKS_FROM + unicodedata.digit(char, 0))
    return _CLASS_MARK[_OTHER if char.isalpha() else _SPACE] + char


class _Table(dict):
    """A str.translate table of one language, filled as characters are met: titles
    repeat a few hundred characters, and folding each one anew (NFKD and all) took
    most of an A–Z page's render, 1.4 of 1.9 s at +3,000 topics."""

    def __init__(self, convert, language: str):
        super().__init__()
        self.convert, self.language = convert, language

    def __missing__(self, code: int) -> str:
        self[code] = value = self.convert(chr(code), self.language)
        return value


_tables: dict[tuple, _Table] = {}


def _table(convert, language: str) -> _Table:
    if (convert, language) not in _tables:
        _tables[convert, language] = _Table(convert, language)
    return _tables[convert, language]


def _folded_text(text: str, language: str) -> str:
    return unicodedata.normalize("NFC", text.casefold()).translate(_table(_folded, language))


def letters(text: str, language: str) -> list[str]:
    """The letters of `text` as the language's alphabet reads them (case, accents and
    variants folded; the language's own letters with marks, such as ñ and й, kept)."""
    return list(_folded_text(text, language))


def _initial(folded: str, language: str) -> str:
    own = ALPHABETS.get(language, ALPHABETS["en"])
    for char in folded:
        if char in own:
            return char.upper()
        if char.isalnum():
            return "#"
    return "#"


# The parts of a key, joined: below every class mark ("0" to "3", which begin each place),
# so a key whose places are a prefix of another's sorts first, as its tuple would.
_JOIN = "\x01"


def _key(folded: str, title: str, language: str) -> str:
    """The places, then the folded title, then the title itself (a fixed order for ties),
    as one string: compared by code points (Python, and the databases' binary "C"
    collation: UTF-8's byte order is code-point order), they compare as the tuple of
    the three would."""
    return _JOIN.join((folded.translate(_table(_place, language)), folded, title))


def sort_key(title: str, language: str) -> str:
    """The key that puts titles in `language`'s alphabetical order."""
    return _key(_folded_text(title, language), title, language)


def initial(title: str, language: str) -> str:
    """The letter a title is listed under: its first letter of the language's alphabet,
    upper case; "#" when it starts with a digit or a letter of another script."""
    return _initial(_folded_text(title, language), language)


def listing(title: str, language: str) -> tuple[str, str]:
    """`sort_key` and `initial` of a title, folding it once (the A–Z page stores both of
    every live topic: reviews.models.TitleOrder)."""
    folded = _folded_text(title, language)
    return _key(folded, title, language), _initial(folded, language)


# The rules the keys follow: this module's text and the Unicode tables its folding reads.
# Keys are stored (reviews.models.TitleOrder) with the rules they were made by; any edit
# here, or a Python with other Unicode data, makes them out of date, and the A–Z page
# makes them again (public.readers.alphabetical).
RULES = hashlib.sha256(
    Path(__file__).read_bytes() + unicodedata.unidata_version.encode()
).hexdigest()[:16]
