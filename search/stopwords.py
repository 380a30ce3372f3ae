"""Stop words per language: the little words a query ignores ("my child has a fit" looks
for "child" and "fit"). Short lists written for this site, after the Snowball project's
stop lists (snowballstem.org/algorithms/*/stop.txt) minus every word that carries
meaning in a health question: "not", "no", "without", "after", "before", "night",
"after eating" keep their weight. The index keeps every word; only queries drop these,
and a query made of nothing else is searched as typed.

Compared with query words after case folding and `snapshots.fold` (accents, Arabic
marks), so «что» and «чтó», "él" and "el" are the same stop word.
"""

from __future__ import annotations

from functools import cache

from .folding import fold

_EN = """
a an the and or but if then so than too very of to in on at by for from with as into
onto about up down out over off is am are was were be been being have has had having
do does did doing i me my mine myself you your yours yourself he him his she her hers
it its itself we us our ours they them their theirs what which who whom whose this that
these those there here can could will would shall should may might must just also any
some all each such own same s t d ll m re ve don doesn didn isn aren wasn weren won
how why when where get gets got getting keep keeps really bit lot lots
"""
_RU = """
и в во на с со к ко у о об от до за из по при про для а но или да же ли бы бы ну
то это этот эта эти тот та те так как что чтобы кто где когда куда почему зачем
я меня мне мой моя моё мои ты тебя тебе твой твоя он его ему она её ей оно они их им
мы нас нам наш наша вы вас вам ваш ваша себя свой своя свои есть был была было были
быть будет очень уже ещё тоже также вот там тут здесь всё все весь вся который которая
которые у меня
"""
_ES = """
a al ante con contra de del desde en entre hacia hasta para por segun sobre tras
el la lo los las un una unos unas y e o u ni pero que se me te le nos os les mi mis
tu tus su sus yo tú él ella ellos ellas nosotros vosotros usted ustedes este esta
esto estos estas ese esa eso esos esas es son era fue ser estar estoy esta estan
tengo tiene tienen tener hay muy mas más ya como cuando donde quien cual qué cómo
porque por qué mucho mucha
"""
_AR = """
في من إلى الى على عن مع و أو او ثم أن ان إن لا لم لن ما ماذا هل هذا هذه ذلك تلك
هو هي هم هن أنا انا أنت انت نحن التي الذي الذين كان كانت يكون عند عندي عنده عندها لدي لي له لها
كل بعض قد لقد كيف متى أين اين لماذا جدا جدًا أي اي يا ب ل ك
"""

_LISTS = {"en": _EN, "ru": _RU, "es": _ES, "ar": _AR}


@cache
def stop_words(language: str) -> frozenset[str]:
    """The folded stop words of `language` (none for a language without a list)."""
    return frozenset(fold(word) for word in _LISTS.get(language, "").split())


def content_words(words: list[str], language: str) -> list[str]:
    """`words` without the stop words of `language`; all of them if that leaves none."""
    stops = stop_words(language)
    kept = [word for word in words if fold(word) not in stops]
    return kept or words
