"""Approval's checks (steps 1 and 2 of `reviews.approval.approve_many`): who may approve,
in which order, and whether each version may be approved now. They refuse with a
WorkflowError (StaleReview when the text changed since it was shown) and write nothing.

1. before any lock: `reviewer_credits` (the reviewer may review each language and has a
   public credit they confirmed) and `english_first` (an item's English is never
   approved in the batch of its translations);
2. under the items' locks (`checked_under_locks`): `check_approvable` for each version
   (submitted, not contributed to by the reviewer, text unchanged since submission and
   since the page showed it, English live for a translation).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from articles.hashing import fingerprint
from articles.languages import SOURCE_LANGUAGE
from staff import roles

from .batch import Item, Loaded, lock_items
from .errors import StaleReview, WorkflowError
from .models import LanguageVersion, PublishedVersion
from .shown import ShownText, shown_text

Status = LanguageVersion.Status


def check_reviewer(version: LanguageVersion, reviewer: AbstractBaseUser) -> None:
    if not reviewer.has_perm("reviews.approve_version"):
        raise WorkflowError(_("Only medical reviewers may approve or request changes."))
    if not roles.can_review(reviewer, version.language):
        raise WorkflowError(
            _("You are not qualified to review the %(language)s version.")
            % {"language": roles.language_name(version.language)}
        )


@dataclass
class Approval:
    """One approval under way: the locked version and what the checks read."""

    version: LanguageVersion
    text: dict
    digest: str
    english: PublishedVersion | None  # the live English a translation is checked against
    previous: PublishedVersion | None  # the live version it replaces
    # What an English change does to the translations, for the audit entry.
    translation_note: dict = field(default_factory=dict)

    @property
    def item(self) -> Item:
        return (self.version.kind, self.version.key)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.version.kind, self.version.key, self.version.language)


# -- 1. checks before the locks ---------------------------------------------------------


def reviewer_credits(
    versions: Sequence[LanguageVersion], reviewer: AbstractBaseUser
) -> dict[str, tuple[str, str]]:
    """(credit, its language) per language of `versions`; refuses a reviewer who may not
    review one of them or whose public credit is missing or not confirmed by them."""
    credits: dict[str, tuple[str, str]] = {}
    for version in versions:
        if version.language in credits:
            continue
        check_reviewer(version, reviewer)
        credit = roles.public_credit(reviewer, version.language)
        if credit is None:
            raise WorkflowError(
                _(
                    "Your public credit (the name and role printed on approved pages) is "
                    "missing or not confirmed by you. Set or confirm it under My public "
                    "credit, then approve."
                )
            )
        credits[version.language] = credit
    return credits


def english_first(versions: Sequence[LanguageVersion]) -> dict[Item, set[str]]:
    """The languages approved per item; refuses an item's English approved in the same
    batch as its translations (they must be checked against the English once live)."""
    languages_of: dict[Item, set[str]] = {}
    for version in versions:
        languages_of.setdefault((version.kind, version.key), set()).add(version.language)
    if any(SOURCE_LANGUAGE in codes and len(codes) > 1 for codes in languages_of.values()):
        raise WorkflowError(_("Approve the English version first."))
    return languages_of


# -- 2. checks under the locks ----------------------------------------------------------


def contributed_by(reviewer: AbstractBaseUser, versions: Iterable[LanguageVersion]) -> set[int]:
    """The versions (pks) `reviewer` changed since their last approval (four eyes)."""
    return set(
        LanguageVersion.contributors.through.objects.filter(
            languageversion_id__in=[version.pk for version in versions], user_id=reviewer.pk
        ).values_list("languageversion_id", flat=True)
    )


def check_approvable(
    version: LanguageVersion, shown: ShownText, loaded: Loaded, contributed: set[int]
) -> Approval:
    """Refuses what may not be approved now; otherwise what the approval will freeze."""
    if version.status != Status.SUBMITTED:
        raise WorkflowError(
            _("Only a submitted version can be approved; this one is %(status)s.")
            % {"status": version.get_status_display().lower()}
        )
    if version.pk in contributed:
        raise WorkflowError(
            _(
                "You contributed to this version since it was last approved; another "
                "reviewer must approve it."
            )
        )
    text = loaded.text(version)
    digest = fingerprint(text)
    if digest != version.submitted_fingerprint:
        raise WorkflowError(
            _("The text changed after it was submitted; it must be submitted again.")
        )
    english = None
    if version.language != SOURCE_LANGUAGE:
        english = loaded.live.get((version.kind, version.key, SOURCE_LANGUAGE))
        if english is None:
            raise WorkflowError(_("Approve the English version first."))
    if shown != shown_text(text, english):
        raise StaleReview(
            _(
                "The text changed since this page was shown to you; nothing was "
                "published. Review the new text below, then approve again."
            )
        )
    previous = loaded.live.get((version.kind, version.key, version.language))
    return Approval(version, text, digest, english, previous)


def checked_under_locks(
    approvals: Sequence[tuple[LanguageVersion, ShownText]],
    items: dict[Item, set[str]],
    reviewer: AbstractBaseUser,
) -> list[Approval]:
    """Lock the items (a concurrent approval or withdrawal waits, then sees this one),
    read them once, and check each version as it is now."""
    locked = lock_items(items)
    loaded = Loaded(items)
    contributed = contributed_by(reviewer, locked.values())
    return [
        check_approvable(
            locked[(given.kind, given.key, given.language)], shown, loaded, contributed
        )
        for given, shown in approvals
    ]
