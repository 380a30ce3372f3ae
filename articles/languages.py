"""The site's languages, derived from settings alone: adding a language is a settings
change (see the README), so no other module lists or names languages itself."""

from django.conf import settings
from django.utils.translation import get_language_info

# The language editors write in and translations are checked against.
SOURCE_LANGUAGE = settings.LANGUAGE_CODE


def language_codes() -> list[str]:
    """Every language of the site, in settings order, the source language included."""
    return [code for code, _name in settings.LANGUAGES]


def translation_languages() -> list[str]:
    """The languages translated from the source language."""
    return [code for code in language_codes() if code != SOURCE_LANGUAGE]


def direction(language: str) -> str:
    return "rtl" if get_language_info(language)["bidi"] else "ltr"


def language_choices() -> list[tuple[str, str]]:
    """Model field choices: the site's languages (a callable, so migrations do not list
    them)."""
    return list(settings.LANGUAGES)
