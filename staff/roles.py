"""Who may do what, per language. Groups carry the permissions; the staff profile carries
the languages. Every check here is made on the server, whatever the admin shows."""

from django.conf import settings
from django.utils.translation import gettext as _

from articles.hashing import fingerprint
from articles.languages import SOURCE_LANGUAGE, language_codes
from audit.models import AuditEntry

EDITORS = "Editors"
TRANSLATORS = "Translators"
REVIEWERS = "Medical reviewers"
SITE_ADMINS = "Site admins"


def language_name(code: str) -> str:
    return _(dict(settings.LANGUAGES).get(code, code))


def _in_group(user, name: str) -> bool:
    """One query per user object for all its groups (an admin page asks for every field
    of every inline): kept on the object, as Django's ModelBackend keeps its
    permissions, so a request sees the groups it started with."""
    if not user.is_active:
        return False
    names = getattr(user, "_staff_group_names", None)
    if names is None:
        names = user._staff_group_names = frozenset(user.groups.values_list("name", flat=True))
    return name in names


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


def credits(profile) -> dict[str, str]:
    return {
        code: (getattr(profile, f"public_credit_{code}", "") or "").strip()
        for code in language_codes()
    }


def credit_fingerprint(profile) -> str:
    return fingerprint(credits(profile))


def confirm_credit(profile) -> None:
    """The reviewer themself confirms their credits as they now read."""
    profile.credit_confirmed = credit_fingerprint(profile)
    profile.save(update_fields=["credit_confirmed"])


def credit_is_confirmed(user) -> bool:
    profile = getattr(user, "staff_profile", None)
    return bool(profile and profile.credit_confirmed == credit_fingerprint(profile))


def public_credit(user, language: str) -> tuple[str, str] | None:
    """(credit, its language): the credit written in `language`, else in the source
    language; None when the reviewer has no credit, or has not confirmed it as it reads
    now (a credit is published only as its owner confirmed it)."""
    if not credit_is_confirmed(user):
        return None
    written = credits(user.staff_profile)
    for code in dict.fromkeys([language, SOURCE_LANGUAGE]):
        if written.get(code):
            return written[code], code
    return None


def set_credits(profile, new: dict[str, str], *, by) -> bool:
    """Change a person's public credits; logged. Only their owner's change is confirmed:
    a credit someone else wrote is published once its reviewer confirms it."""
    old = credits(profile)
    changed = {code: text for code, text in new.items() if old.get(code, "") != text}
    for code, text in changed.items():
        setattr(profile, f"public_credit_{code}", text)
    if changed:
        profile.save()
    own = by.pk == profile.user_id
    if own:
        confirm_credit(profile)
    if changed or own:
        AuditEntry.objects.create(
            action=AuditEntry.Action.CREDIT,
            actor=by,
            comment=profile.user.get_username(),
            details={
                "user": profile.user.get_username(),
                "old": {code: old.get(code, "") for code in changed},
                "new": changed,
                "confirmed_by_owner": own,
            },
        )
    return bool(changed)
