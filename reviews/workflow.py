"""The review workflow: every write that touches review state goes through these functions.

draft -> submitted -> approved (published) | changes requested; any -> withdrawn.
Each function checks the actor's rights on the server, runs in one transaction and
writes an audit entry. See "The review promise" in DESIGN.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.languages import SOURCE_LANGUAGE, language_codes

from . import publication, roles, search_index, snapshots
from .models import AuditEntry, ContentKind, LanguageVersion, PublishedVersion
from .registry import registry

Status = LanguageVersion.Status


class WorkflowError(Exception):
    """An action the rules do not allow; the message says why, for the person who tried."""


class StaleReview(WorkflowError):
    """The text (or the approved English it is checked against) changed since the
    reviewer's page was shown: nothing was published; the page shows the new text."""


@dataclass(frozen=True)
class Shown:
    """What a review page showed: the fingerprint of the version's text and, for a
    translation, of the approved English it was shown beside. An approval names it."""

    fingerprint: str
    english_fingerprint: str = ""


def version_for(obj: Model, language: str) -> LanguageVersion:
    adapter = registry.of(obj)
    version, _created = LanguageVersion.objects.get_or_create(
        kind=adapter.kind, key=adapter.key_of(obj), language=language
    )
    return version


def record_edits(obj: Model, *, by: AbstractBaseUser | None = None) -> list[str]:
    """Note who changed which languages of `obj`; call after every save of its text.

    A changed language goes back to draft: its published version stays live until the
    new text is approved, and `by` counts as a contributor of that language until its
    next approval (four eyes). `by` is None only for rows no person wrote (tests,
    migrations); the content loader names its author. Returns the languages.
    """
    adapter = registry.of(obj)
    kind, key = adapter.kind, adapter.key_of(obj)
    # One read of the object with all its parts, shared by every language.
    obj = adapter.get(key)
    versions = {v.language: v for v in LanguageVersion.objects.filter(kind=kind, key=key)}
    changed = []
    now = timezone.now()
    for language in language_codes():
        digest = snapshots.fingerprint(adapter.source_text(obj, language))
        version = versions.get(language) or LanguageVersion(kind=kind, key=key, language=language)
        if version.pk is not None and version.edited_fingerprint == digest:
            continue
        version.edited_fingerprint = digest
        version.last_edited_by = by
        version.last_edited_at = now
        version.status = Status.DRAFT
        version.save()
        if by is not None:
            version.contributors.add(by)
        changed.append(language)
    return changed


def _audit(
    action: str, version: LanguageVersion, actor: AbstractBaseUser, comment: str, digest: str
) -> None:
    AuditEntry.objects.create(
        action=action,
        kind=version.kind,
        key=version.key,
        language=version.language,
        actor=actor,
        comment=comment,
        fingerprint=digest,
    )


def _after_commit(kind: str, key: str) -> None:
    transaction.on_commit(lambda: publication.changed(kind=kind, key=key))


def _lock_item(kind: str, key: str) -> dict[str, LanguageVersion]:
    """Every language version of one item, row-locked in one order (by language).

    Submit, approve, request changes and withdraw of one item all start here, so they
    serialize on the same locks taken in the same order: no interleaving can publish a
    translation while the item is being withdrawn, and none can deadlock. Missing rows
    are created first without a lock (concurrent creators do not conflict)."""
    LanguageVersion.objects.bulk_create(
        [LanguageVersion(kind=kind, key=key, language=code) for code in language_codes()],
        ignore_conflicts=True,
    )
    locked = LanguageVersion.objects.select_for_update().filter(kind=kind, key=key)
    return {version.language: version for version in locked.order_by("language")}


def _live(kind: str, key: str, language: str) -> PublishedVersion | None:
    return PublishedVersion.objects.live(language).filter(kind=kind, key=key).first()


def submit(version: LanguageVersion, *, by: AbstractBaseUser, comment: str = "") -> LanguageVersion:
    """An editor (English) or translator (their languages) asks for medical review."""
    if not roles.can_submit(by, version.language):
        raise WorkflowError(
            _("You may not submit the %(language)s version for review.")
            % {"language": roles.language_name(version.language)}
        )
    with transaction.atomic():
        version = _lock_item(version.kind, version.key)[version.language]
        adapter = registry[version.kind]
        obj = adapter.get(version.key)
        missing = adapter.missing_texts(obj, version.language)
        if missing:
            raise WorkflowError(
                _("This version is not complete; fill in: %(fields)s")
                % {"fields": ", ".join(missing)}
            )
        text = adapter.source_text(obj, version.language)
        digest = snapshots.fingerprint(text)
        if version.status == Status.SUBMITTED and version.submitted_fingerprint == digest:
            raise WorkflowError(_("This version is already waiting for review."))
        live = _live(version.kind, version.key, version.language)
        if live is not None and live.fingerprint == digest:
            raise WorkflowError(_("Nothing has changed since this version was approved."))
        if version.edited_fingerprint != digest:
            # Text that was never recorded as an edit (e.g. written by a migration).
            version.edited_fingerprint = digest
            version.last_edited_by = by
            version.last_edited_at = timezone.now()
            version.contributors.add(by)
        version.status = Status.SUBMITTED
        version.submitted_by = by
        version.submitted_at = timezone.now()
        version.submitted_fingerprint = digest
        version.save()
        _audit(AuditEntry.Action.SUBMIT, version, by, comment, digest)
    return version


def _check_reviewer(version: LanguageVersion, reviewer: AbstractBaseUser) -> None:
    if not reviewer.has_perm("reviews.approve_version"):
        raise WorkflowError(_("Only medical reviewers may approve or request changes."))
    if not roles.can_review(reviewer, version.language):
        raise WorkflowError(
            _("You are not qualified to review the %(language)s version.")
            % {"language": roles.language_name(version.language)}
        )


def as_shown(version: LanguageVersion) -> Shown:
    """What a review page of `version` shows now (its fingerprints), for the approval."""
    adapter = registry[version.kind]
    text = adapter.source_text(adapter.get(version.key), version.language)
    english = None
    if version.language != SOURCE_LANGUAGE:
        english = _live(version.kind, version.key, SOURCE_LANGUAGE)
    return Shown(snapshots.fingerprint(text), english.fingerprint if english else "")


def approve(
    version: LanguageVersion, *, reviewer: AbstractBaseUser, shown: Shown, comment: str = ""
) -> PublishedVersion:
    """Freeze the submitted text as the published version of this language.

    `shown` names the text the reviewer saw (see `as_shown`): if the text, or the approved
    English beside a translation, changed since, nothing is published (StaleReview)."""
    _check_reviewer(version, reviewer)
    credit = roles.public_credit(reviewer, version.language)
    if credit is None:
        raise WorkflowError(
            _(
                "Your public credit (the name and role printed on approved pages) is "
                "missing or not confirmed by you. Set or confirm it under My public "
                "credit, then approve."
            )
        )
    credit, credit_language = credit
    with transaction.atomic():
        # The item's locks make a concurrent approval or withdrawal wait, then see it.
        version = _lock_item(version.kind, version.key)[version.language]
        if version.status != Status.SUBMITTED:
            raise WorkflowError(
                _("Only a submitted version can be approved; this one is %(status)s.")
                % {"status": version.get_status_display().lower()}
            )
        if version.contributors.filter(pk=reviewer.pk).exists():
            raise WorkflowError(
                _(
                    "You contributed to this version since it was last approved; another "
                    "reviewer must approve it."
                )
            )
        adapter = registry[version.kind]
        obj = adapter.get(version.key)
        text = adapter.source_text(obj, version.language)
        digest = snapshots.fingerprint(text)
        if digest != version.submitted_fingerprint:
            raise WorkflowError(
                _("The text changed after it was submitted; it must be submitted again.")
            )
        english = None
        if version.language != SOURCE_LANGUAGE:
            english = _live(version.kind, version.key, SOURCE_LANGUAGE)
            if english is None:
                raise WorkflowError(_("Approve the English version first."))
        if shown.fingerprint != digest or shown.english_fingerprint != (
            english.fingerprint if english else ""
        ):
            raise StaleReview(
                _(
                    "The text changed since this page was shown to you; nothing was "
                    "published. Review the new text below, then approve again."
                )
            )

        previous = _live(version.kind, version.key, version.language)
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current"])
        now = timezone.now()
        payload = adapter.render(version.key, text)
        published = PublishedVersion.objects.create(
            kind=version.kind,
            key=version.key,
            language=version.language,
            payload=payload,
            source=text,
            fingerprint=digest,
            english_version=english,
            approved_by=reviewer,
            reviewer_credit=credit,
            reviewer_credit_language=credit_language,
            approved_at=now,
            next_review_due=(now + timedelta(days=settings.REVIEW_INTERVAL_DAYS)).date(),
            sort_title=snapshots.fold(payload.get("title") or payload.get("name") or version.key),
        )
        adapter.after_approval(published, text)
        search_index.index(published)
        if english is None and previous is not None and previous.fingerprint != digest:
            # English changed: translations checked against older English are outdated.
            PublishedVersion.objects.live().filter(kind=version.kind, key=version.key).exclude(
                language=SOURCE_LANGUAGE
            ).update(outdated=True)
        version.status = Status.APPROVED
        version.comment = comment
        version.save()
        version.contributors.clear()
        _audit(AuditEntry.Action.APPROVE, version, reviewer, comment, digest)
        _after_commit(version.kind, version.key)
    return published


def request_changes(
    version: LanguageVersion, *, reviewer: AbstractBaseUser, comment: str
) -> LanguageVersion:
    """Send a submitted version back to its author with the reviewer's comment."""
    _check_reviewer(version, reviewer)
    if not comment.strip():
        raise WorkflowError(_("Say what needs to change: a comment is required."))
    with transaction.atomic():
        version = _lock_item(version.kind, version.key)[version.language]
        if version.status != Status.SUBMITTED:
            raise WorkflowError(_("Only a submitted version can be sent back."))
        version.status = Status.CHANGES_REQUESTED
        version.comment = comment
        version.save()
        _audit(
            AuditEntry.Action.REQUEST_CHANGES,
            version,
            reviewer,
            comment,
            version.submitted_fingerprint,
        )
    return version


def withdrawal_effects(kind: str, key: str) -> list[str]:
    """What else changes on the public site if (kind, key) is withdrawn: shown on the
    confirmation step before a withdrawal. Raises WorkflowError where it is not allowed."""
    if kind == ContentKind.NOTICE and PublishedVersion.objects.live().exclude(kind=kind).exists():
        raise WorkflowError(
            _(
                "Site notices cannot be withdrawn while anything is published: they carry "
                "the disclaimer and the emergency guidance of every page. Replace the text "
                "by approving a new version instead."
            )
        )
    languages = sorted(
        PublishedVersion.objects.live()
        .filter(kind=kind, key=key)
        .values_list("language", flat=True)
    )
    effects = [
        _("Every published language goes off the site: %(languages)s.")
        % {"languages": ", ".join(languages) or "—"}
    ]
    if kind == ContentKind.REGION:
        topics = sorted(
            set(
                PublishedVersion.objects.topics()
                .filter(placements__region=key)
                .values_list("key", flat=True)
            )
        )
        effects.append(
            _(
                "The region page disappears, and these topics no longer show its notice "
                "or link to it: %(topics)s."
            )
            % {"topics": ", ".join(topics) or "—"}
        )
    return effects


def withdraw(kind: str, key: str, *, by: AbstractBaseUser, reason: str) -> int:
    """Take content off every public place at once, in every language. Returns how many
    published versions were taken down. Once it returns, nothing of the item is live."""
    if not by.has_perm("reviews.withdraw_content"):
        raise WorkflowError(_("Only medical reviewers and site admins may withdraw content."))
    if not reason.strip():
        raise WorkflowError(_("A reason is required to withdraw content."))
    with transaction.atomic():
        versions = _lock_item(kind, key)
        withdrawal_effects(kind, key)  # refuses what may not be withdrawn
        now = timezone.now()
        taken_down = PublishedVersion.objects.live().filter(kind=kind, key=key)
        fingerprints = dict(taken_down.values_list("language", "fingerprint"))
        count = taken_down.update(is_current=False, withdrawn_at=now)
        search_index.remove(kind, key)
        for language, version in versions.items():
            version.status = Status.WITHDRAWN
            version.comment = reason
            version.save()
            if language in fingerprints:
                _audit(AuditEntry.Action.WITHDRAW, version, by, reason, fingerprints[language])
        if not fingerprints:
            AuditEntry.objects.create(
                action=AuditEntry.Action.WITHDRAW, kind=kind, key=key, actor=by, comment=reason
            )
        _after_commit(kind, key)
    return count
