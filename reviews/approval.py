"""Approval: the submitted text of a language version becomes its published version.

`approve_many` reads as the rule, one named step per line, all in one transaction:

1. checks, before any lock: `reviewer_credits` (the reviewer may review each language
   and has a public credit they confirmed) and `english_first` (an item's English is
   never approved in the batch of its translations);
2. checks, under the items' locks (`checked_under_locks`): `check_approvable` for each
   version (submitted, not contributed to by the reviewer, text unchanged since
   submission and since the page showed it, English live for a translation);
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

The checks (steps 1 and 2) are `reviews.approval_checks`, retiring and flagging (step 4)
`reviews.retirement`; the other steps are here, and every step is importable from here.
Requesting changes, the other answer to a submission, is `reviews.change_requests`.

If any step refuses, nothing is written. tests/test_approval_steps.py tests each step
directly; tests/test_workflow.py and test_workflow_batches.py test the promise.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.languages import SOURCE_LANGUAGE
from audit.models import AuditEntry
from search import folding
from search import index as search_index

from . import alphabetical, cache_tags, planning
from .approval_checks import (
    Approval,
    check_approvable,
    check_reviewer,
    checked_under_locks,
    contributed_by,
    english_first,
    reviewer_credits,
)
from .batch import Item, audit_row
from .batch import invalidate as batch_invalidate
from .change_requests import request_changes
from .errors import WorkflowError
from .models import LanguageVersion, Placement, PublishedVersion, codes_text, shown_title
from .registry import registry
from .retirement import HELD, hold_translations, retire_and_flag
from .shown import ShownText

Status = LanguageVersion.Status

# Every step, where tests/test_approval_steps.py and the workflow find them.
__all__ = [
    "Approval",
    "approve",
    "approve_many",
    "audit",
    "check_approvable",
    "check_reviewer",
    "checked_under_locks",
    "contributed_by",
    "english_first",
    "freeze",
    "hold_translations",
    "index",
    "invalidate",
    "publish",
    "request_changes",
    "retire_and_flag",
    "reviewer_credits",
]


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
        checked = checked_under_locks(approvals, items, reviewer)
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
        # The queue's copy of the due dates, for every language of the items (an English
        # approval may have held translations).
        planning.refresh_review_due(approval.item for approval in checked)
        index(frozen)
        audit(checked, reviewer=reviewer, comment=comment, details=details)
        invalidate(checked, frozen)
    return frozen


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
    title = shown_title(payload, version.key)
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
        sort_title=folding.fold(title),
        shown_title=title,
        codes=codes_text(payload),
    )


def publish(
    approvals: Sequence[Approval], frozen: Sequence[PublishedVersion], *, comment: str
) -> None:
    """Write the snapshots and each kind's records beside them; the review states become
    approved and the contributors since the last approval are cleared."""
    PublishedVersion.objects.bulk_create(frozen)
    alphabetical.after_approval(frozen)
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


def invalidate(approvals: Sequence[Approval], published: Sequence[PublishedVersion]) -> None:
    """In the transaction, the invalidation of the pages that changed is recorded: each
    item in the languages whose pages show the approved version (reviews.cache_tags),
    its lists, and its lists of titles and of days where the title or the day shown
    changed (`published`: the approvals' new versions, in their order); it is applied
    to the caches once committed."""
    changes: dict[Item, set[str]] = {}
    lists: dict[Item, set[str]] = {}
    names: dict[Item, cache_tags.Names] = {}
    translated = _translated([a.item for a in approvals if a.version.language == SOURCE_LANGUAGE])
    for approval, new in zip(approvals, published, strict=True):
        language, first = approval.version.language, approval.previous is None
        changes.setdefault(approval.item, set()).update(
            cache_tags.languages_changed(language, first_in_language=first)
        )
        listed = cache_tags.list_languages(
            language, first_in_language=first, translated=translated.get(approval.item, ())
        )
        lists.setdefault(approval.item, set()).update(listed)
        named = names.setdefault(approval.item, cache_tags.Names())
        found = _names_changed(approval, new, listed)
        named.titles |= found.titles
        named.days |= found.days
    batch_invalidate(
        changes,
        action="approve",
        lists=lists,
        regions=_placed(approvals, published),
        names=names,
        grace=all(approval.previous is not None for approval in approvals),
    )


def _names_changed(
    approval: Approval, new: PublishedVersion, listed: list[str]
) -> cache_tags.Names:
    """Where the approval changes the lists of titles (the A–Z list) and of approval
    days (sitemaps): everywhere its item joins or leaves a list (a first publication in
    the language, translations held by an English change); for a re-approval, where the
    title or its own language's day changed."""
    previous = approval.previous
    joins_or_leaves = previous is None or approval.translation_note.get("translations") == HELD
    return cache_tags.names_changed(
        approval.version.language,
        listed,
        None if joins_or_leaves else (previous.shown_title, _utc_day(previous.approved_at)),
        (new.shown_title, _utc_day(new.approved_at)),
    )


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _placed(
    approvals: Sequence[Approval], published: Sequence[PublishedVersion]
) -> dict[Item, set[str]]:
    """Two queries: the region pages each item's approvals change, the regions it is
    placed in before and after. A region page shows a card of each topic (its title and
    summary, in order of title): a re-approval that keeps the card and the placement,
    changing only what the topic's own page shows, changes none."""
    placed: dict[Item, set[str]] = {a.item: set() for a in approvals}
    previous = [a.previous.pk for a in approvals if a.previous is not None]
    before: dict[int, set[str]] = {}
    rows = Placement.objects.filter(version__in=previous).values_list("version", "region")
    for version, region in rows:
        before.setdefault(version, set()).add(region)
    summaries = dict(
        PublishedVersion.objects.filter(pk__in=previous).values_list("pk", KT("payload__summary"))
    )
    for approval, new in zip(approvals, published, strict=True):
        after, old = set(approval.text.get("regions") or []), approval.previous
        was = set() if old is None else before.get(old.pk, set())
        same_card = (
            old is not None
            and approval.translation_note.get("translations") != HELD
            and old.shown_title is not None
            and old.shown_title == new.shown_title
            and summaries.get(old.pk) == new.payload.get("summary")
        )
        if not (same_card and was == after):
            placed[approval.item] |= was | after
    return placed


def _translated(items: Sequence[Item]) -> dict[Item, set[str]]:
    """One query (none without items): the languages other than English in which each
    item is live."""
    found: dict[Item, set[str]] = {}
    if not items:
        return found
    rows = (
        PublishedVersion.objects.live()
        .filter(kind__in={kind for kind, _key in items}, key__in={key for _kind, key in items})
        .exclude(language=SOURCE_LANGUAGE)
        .values_list("kind", "key", "language")
    )
    for kind, key, language in rows:
        found.setdefault((kind, key), set()).add(language)
    return found
