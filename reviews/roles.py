"""Who may do what, per language. Groups carry the permissions; the staff profile carries
the languages. Every check here is made on the server, whatever the admin shows."""

from django.conf import settings
from django.utils.translation import gettext as _

from articles.languages import SOURCE_LANGUAGE, language_codes

EDITORS = "Editors"
TRANSLATORS = "Translators"
REVIEWERS = "Medical reviewers"
SITE_ADMINS = "Site admins"


def language_name(code: str) -> str:
    return _(dict(settings.LANGUAGES).get(code, code))


def _in_group(user, name: str) -> bool:
    return user.is_active and user.groups.filter(name=name).exists()


def _profile_languages(user, field: str) -> list[str]:
    profile = getattr(user, "staff_profile", None)
    return list(getattr(profile, field, []) or []) if profile else []


def editable_languages(user) -> list[str]:
    """The languages whose text this person may change."""
    codes = language_codes()
    if not user.is_active or not user.is_staff:
        return []
    if user.is_superuser or _in_group(user, SITE_ADMINS):
        return codes
    languages = set()
    if _in_group(user, EDITORS):
        languages.add(SOURCE_LANGUAGE)
    if _in_group(user, TRANSLATORS):
        languages |= set(_profile_languages(user, "translation_languages")) - {SOURCE_LANGUAGE}
    return [code for code in codes if code in languages]


def can_submit(user, language: str) -> bool:
    permission = "submit_english" if language == SOURCE_LANGUAGE else "submit_translation"
    return user.has_perm(f"reviews.{permission}") and language in editable_languages(user)


def can_review(user, language: str) -> bool:
    return (
        user.is_active
        and user.has_perm("reviews.approve_version")
        and language in _profile_languages(user, "review_languages")
    )


def public_credit(user, language: str) -> tuple[str, str]:
    """(credit, its language): the credit written in `language`, else in the source
    language, else the person's name."""
    profile = getattr(user, "staff_profile", None)
    for code in dict.fromkeys([language, SOURCE_LANGUAGE]):
        credit = (getattr(profile, f"public_credit_{code}", "") or "").strip() if profile else ""
        if credit:
            return credit, code
    return user.get_full_name() or user.get_username(), SOURCE_LANGUAGE
