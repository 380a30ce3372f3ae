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
(the folded title, then the title itself).
"""

from __future__ import annotations

import unicodedata

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


def letters(text: str, language: str) -> list[str]:
    """The letters of `text` as the language's alphabet reads them (case, accents and
    variants folded; the language's own letters with marks, such as ñ and й, kept)."""
    own = ALPHABETS.get(language, ALPHABETS["en"])
    same = SAME_AS.get(language, {})
    out = []
    for char in unicodedata.normalize("NFC", text.casefold()):
        if unicodedata.combining(char) or char == TATWEEL:
            continue
        char = same.get(char, char)
        if char not in own:
            char = same.get(_base(char), _base(char))
        out.extend(char)
    return out


def sort_key(title: str, language: str) -> tuple:
    """The key that puts titles in `language`'s alphabetical order."""
    own = ALPHABETS.get(language, ALPHABETS["en"])
    rank = {letter: index for index, letter in enumerate(own)}
    key = []
    folded = letters(title, language)
    for char in folded:
        if char in rank:
            key.append((_OWN, rank[char]))
        elif char.isdigit():
            key.append((_DIGIT, unicodedata.digit(char, 0)))
        elif char.isalpha():
            key.append((_OTHER, ord(char)))
        else:
            key.append((_SPACE, ord(char)))
    return (tuple(key), "".join(folded), title)


def initial(title: str, language: str) -> str:
    """The letter a title is listed under: its first letter of the language's alphabet,
    upper case; "#" when it starts with a digit or a letter of another script."""
    own = ALPHABETS.get(language, ALPHABETS["en"])
    for char in letters(title, language):
        if char in own:
            return char.upper()
        if char.isalnum():
            return "#"
    return "#"
