"""Approval: the submitted text of a language version becomes its published version.

`approve_many` reads as the rule, one named step per line, all in one transaction:

1. checks, before any lock: `reviewer_credits` (the reviewer may review each language
   and has a public credit they confirmed) and `english_first` (an item's English is
   never approved in the batch of its translations);
2. checks, under the items' locks: `check_approvable` for each version (submitted, not
   contributed to by the reviewer, text unchanged since submission and since the page
   showed it, English live for a translation);
3. `freeze`: the text rendered once into a published snapshot, with the reviewer's
   credit, the dates (the next review planned by reviews.planning) and the folded sort
   title (in memory, nothing written yet);
4. `retire_and_flag`: the versions they replace stop being live, and translations
   approved against an English that just changed are flagged outdated;
5. `publish`: the snapshots and what each kind records beside them (its adapter's
   `after_approval`) are written; the review states become approved;
6. `index`: searchable snapshots become the ones search finds;
7. `audit`: one audit entry per approval;
8. `invalidate`: the invalidation of the changed pages is recorded, and applied to the
   caches once committed.

If any step refuses, nothing is written. tests/test_approval_steps.py tests each step
directly; tests/test_workflow.py and test_workflow_batches.py test the promise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.hashing import fingerprint
from articles.languages import SOURCE_LANGUAGE
from audit.models import AuditEntry
from search import folding
from search import index as search_index
from search.models import SearchEntry
from staff import roles

from . import cache_tags, notifications, planning
from .batch import (
    Item,
    Loaded,
    audit_row,
    items_filter,
    lock_item,
    lock_items,
    write_audit,
)
from .batch import invalidate as batch_invalidate
from .errors import StaleReview, WorkflowError
from .models import LanguageVersion, PublishedVersion, codes_text
from .registry import registry
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


def approve(
    version: LanguageVersion,
    *,
    reviewer: AbstractBaseUser,
    shown: ShownText,
    comment: str = "",
    details: dict | None = None,
    translations_unaffected: bool = False,
) -> PublishedVersion:
    """Freeze the submitted text as the published version of this language.

    `shown` names the text the reviewer saw (see `as_shown`): if the text, or the approved
    English beside a translation, changed since, nothing is published (StaleReview).
    `translations_unaffected` (English only): the reviewer judged the change a typo or a
    link, so translations stay current (see `approve_many`)."""
    return approve_many(
        [(version, shown)],
        reviewer=reviewer,
        comment=comment,
        details=details,
        translations_unaffected=translations_unaffected,
    )[0]


def approve_many(
    approvals: Sequence[tuple[LanguageVersion, ShownText]],
    *,
    reviewer: AbstractBaseUser,
    comment: str = "",
    details: dict | None = None,
    translations_unaffected: bool = False,
) -> list[PublishedVersion]:
    """Approve several submitted versions, each checked exactly as one approval is, in one
    transaction: if any is refused, nothing is published. The English of an item and its
    translations are approved in separate calls (a translation is checked against the
    English that is live when it was shown). `details` go into each approval's audit entry
    (e.g. the blocking content findings approved anyway, and the reviewer's reason).

    When an approval changes the English of an item, its live translations become
    outdated (still public, with a notice); when it also adds, removes or changes a red
    flag (a warning sign's words or urgency), they are held instead: taken off the public,
    so their readers get the approved English page, until each is approved again. With
    `translations_unaffected` the reviewer records that the English change does not
    concern translations (a typo, a link): they stay current, and the audit entry says so.
    """
    if not approvals:
        return []
    if translations_unaffected and any(
        version.language != SOURCE_LANGUAGE for version, _shown in approvals
    ):
        raise WorkflowError(_("Only an English approval can leave translations unaffected."))
    credits = reviewer_credits([version for version, _shown in approvals], reviewer)
    items = english_first([version for version, _shown in approvals])
    with transaction.atomic():
        # The items' locks make a concurrent approval or withdrawal wait, then see it.
        locked = lock_items(items)
        loaded = Loaded(items)
        contributed = contributed_by(reviewer, locked.values())
        checked = [
            check_approvable(
                locked[(given.kind, given.key, given.language)], shown, loaded, contributed
            )
            for given, shown in approvals
        ]
        now = timezone.now()
        # Planned evenly over the interval, not one date per batch (reviews.planning).
        due = planning.due_dates([approval.key for approval in checked], now)
        frozen = [
            freeze(
                approval,
                reviewer=reviewer,
                credit=credits[approval.version.language],
                now=now,
                due=due[approval.key],
            )
            for approval in checked
        ]
        retire_and_flag(
            checked, reviewer=reviewer, now=now, translations_unaffected=translations_unaffected
        )
        publish(checked, frozen, comment=comment)
        index(frozen)
        audit(checked, reviewer=reviewer, comment=comment, details=details)
        invalidate(checked)
    return frozen


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


# -- 3. to 8. the writes ------------------------------------------------------------------


def freeze(
    approval: Approval,
    *,
    reviewer: AbstractBaseUser,
    credit: tuple[str, str],
    now: datetime,
    due: date,
) -> PublishedVersion:
    """The published snapshot of one approval, rendered once; not saved yet."""
    version = approval.version
    payload = registry[version.kind].render(version.key, approval.text)
    reviewer_credit, credit_language = credit
    return PublishedVersion(
        kind=version.kind,
        key=version.key,
        language=version.language,
        payload=payload,
        source=approval.text,
        fingerprint=approval.digest,
        english_version=approval.english,
        approved_by=reviewer,
        reviewer_credit=reviewer_credit,
        reviewer_credit_language=credit_language,
        approved_at=now,
        next_review_due=due,
        sort_title=folding.fold(payload.get("title") or payload.get("name") or version.key),
        codes=codes_text(payload),
    )


def retire_and_flag(
    approvals: Sequence[Approval],
    *,
    reviewer: AbstractBaseUser,
    now: datetime,
    translations_unaffected: bool = False,
) -> None:
    """The live versions being replaced stop being live, and a translation approved now
    ends its language's hold. Where an English text changed, the live translations
    checked against the older English are flagged outdated (their translators told), or
    held when its red flags changed, or left current (`translations_unaffected`); each
    approval notes which for its audit entry."""
    retired = [approval.previous.pk for approval in approvals if approval.previous is not None]
    PublishedVersion.objects.filter(pk__in=retired).update(is_current=False)
    released = Q(pk__in=[])  # held snapshots of the languages approved now
    outdated_items: list[Item] = []
    held_items: list[Item] = []
    for approval in approvals:
        previous = approval.previous
        if approval.english is not None:
            version = approval.version
            released |= Q(kind=version.kind, key=version.key, language=version.language)
        elif previous is not None and previous.fingerprint != approval.digest:
            adapter = registry[approval.version.kind]
            if translations_unaffected:
                approval.translation_note["translations"] = "unaffected"
            elif adapter.red_flags(previous.source) != adapter.red_flags(approval.text):
                held_items.append(approval.item)
                approval.translation_note["translations"] = "held: red flags changed"
            else:
                outdated_items.append(approval.item)
                approval.translation_note["translations"] = "outdated"
    PublishedVersion.objects.filter(released, held=True).update(held=False)
    if outdated_items or held_items:
        PublishedVersion.objects.live().filter(
            items_filter([*outdated_items, *held_items])
        ).exclude(language=SOURCE_LANGUAGE).update(outdated=True)
        notifications.english_changed([*outdated_items, *held_items], by=reviewer)
    if held_items:
        hold_translations(held_items, now)


def hold_translations(items: Sequence[Item], now: datetime) -> None:
    """Take the live translations of `items` off the public (their red flags changed in
    English): not current, so every public reader falls back to the approved English,
    and no longer searchable. They stay held until their language is approved again."""
    translations = (
        PublishedVersion.objects.live()
        .filter(items_filter(items))
        .exclude(language=SOURCE_LANGUAGE)
    )
    held = list(translations.values_list("pk", flat=True))
    PublishedVersion.objects.filter(pk__in=held).update(
        is_current=False, held=True, held_at=now, outdated=True
    )
    SearchEntry.objects.filter(version_id__in=held).delete()


def publish(
    approvals: Sequence[Approval], frozen: Sequence[PublishedVersion], *, comment: str
) -> None:
    """Write the snapshots and each kind's records beside them; the review states become
    approved and the contributors since the last approval are cleared."""
    PublishedVersion.objects.bulk_create(frozen)
    pairs = list(zip(frozen, (approval.text for approval in approvals), strict=True))
    for kind in {published.kind for published in frozen}:
        registry[kind].after_approval([(p, text) for p, text in pairs if p.kind == kind])
    versions = [approval.version for approval in approvals]
    for version in versions:
        version.status = Status.APPROVED
        version.comment = comment
    approved = [version.pk for version in versions]
    LanguageVersion.objects.filter(pk__in=approved).update(status=Status.APPROVED, comment=comment)
    LanguageVersion.contributors.through.objects.filter(languageversion_id__in=approved).delete()


def index(published: Sequence[PublishedVersion]) -> None:
    """The searchable snapshots become the ones search finds in their language."""
    search_index.index_many([version for version in published if registry[version.kind].searchable])


def audit(
    approvals: Sequence[Approval],
    *,
    reviewer: AbstractBaseUser,
    comment: str,
    details: dict | None = None,
) -> None:
    """One entry per approval, with the approval's `details` (e.g. the blocking content
    findings approved anyway, and the reviewer's reason)."""
    entries = []
    for approval in approvals:
        entry = audit_row(
            AuditEntry.Action.APPROVE, approval.version, reviewer, comment, approval.digest
        )
        # What the English change does to the translations, beside the given details.
        entry.details = {**(details or {}), **approval.translation_note}
        entries.append(entry)
    AuditEntry.objects.bulk_create(entries)


def invalidate(approvals: Sequence[Approval]) -> None:
    """In the transaction, the invalidation of the pages that changed is recorded: each
    item in the languages whose pages show the approved version (reviews.cache_tags),
    and its lists; it is applied to the caches once committed."""
    changes: dict[Item, set[str]] = {}
    for approval in approvals:
        changes.setdefault(approval.item, set()).update(
            cache_tags.languages_changed(
                approval.version.language, first_in_language=approval.previous is None
            )
        )
    batch_invalidate(changes, action="approve")


def request_changes(
    version: LanguageVersion, *, reviewer: AbstractBaseUser, comment: str
) -> LanguageVersion:
    """Send a submitted version back to its author with the reviewer's comment."""
    check_reviewer(version, reviewer)
    if not comment.strip():
        raise WorkflowError(_("Say what needs to change: a comment is required."))
    with transaction.atomic():
        version = lock_item(version.kind, version.key)[version.language]
        if version.status != Status.SUBMITTED:
            raise WorkflowError(_("Only a submitted version can be sent back."))
        version.status = Status.CHANGES_REQUESTED
        version.comment = comment
        version.save()
        write_audit(
            AuditEntry.Action.REQUEST_CHANGES,
            version,
            reviewer,
            comment,
            version.submitted_fingerprint,
        )
        notifications.changes_requested(version, by=reviewer, comment=comment)
    return version
