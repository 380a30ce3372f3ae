"""The review workflow: every write that touches review state goes through these functions.

draft -> submitted -> approved (published) | changes requested; any -> withdrawn.
Each function checks the actor's rights on the server, runs in one transaction and
writes an audit entry. See "The review promise" in DESIGN.md.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.languages import SOURCE_LANGUAGE, language_codes

from . import publication, roles, snapshots
from .models import AuditEntry, LanguageVersion, PublishedVersion
from .registry import registry

Status = LanguageVersion.Status


class WorkflowError(Exception):
    """An action the rules do not allow; the message says why, for the person who tried."""


def version_for(obj: Model, language: str) -> LanguageVersion:
    adapter = registry.of(obj)
    version, _created = LanguageVersion.objects.get_or_create(
        kind=adapter.kind, key=adapter.key_of(obj), language=language
    )
    return version


def record_edits(obj: Model, *, by: AbstractBaseUser | None = None) -> list[str]:
    """Note who changed which languages of `obj`; call after every save of its text.

    A changed language goes back to draft: its published version stays live until the
    new text is approved. `by` is None for the content loader. Returns the languages.
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


def _locked(version: LanguageVersion) -> LanguageVersion:
    return LanguageVersion.objects.select_for_update().get(pk=version.pk)


def submit(version: LanguageVersion, *, by: AbstractBaseUser, comment: str = "") -> LanguageVersion:
    """An editor (English) or translator (their languages) asks for medical review."""
    if not roles.can_submit(by, version.language):
        raise WorkflowError(
            _("You may not submit the %(language)s version for review.")
            % {"language": roles.language_name(version.language)}
        )
    with transaction.atomic():
        version = _locked(version)
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
        live = PublishedVersion.objects.live(version.language).filter(
            kind=version.kind, key=version.key
        )
        if live.filter(fingerprint=digest).exists():
            raise WorkflowError(_("Nothing has changed since this version was approved."))
        if version.edited_fingerprint != digest:
            # Text that was never recorded as an edit (e.g. written by a migration).
            version.edited_fingerprint = digest
            version.last_edited_by = by
            version.last_edited_at = timezone.now()
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


def approve(
    version: LanguageVersion, *, reviewer: AbstractBaseUser, comment: str = ""
) -> PublishedVersion:
    """Freeze the submitted text as the published version of this language."""
    _check_reviewer(version, reviewer)
    with transaction.atomic():
        # The lock makes a second, concurrent approval wait and then see "approved".
        version = _locked(version)
        if version.status != Status.SUBMITTED:
            raise WorkflowError(
                _("Only a submitted version can be approved; this one is %(status)s.")
                % {"status": version.get_status_display().lower()}
            )
        if version.last_edited_by_id == reviewer.pk:
            raise WorkflowError(
                _("You made the last edit to this version; another reviewer must approve it.")
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
            english = (
                PublishedVersion.objects.live(SOURCE_LANGUAGE)
                .filter(kind=version.kind, key=version.key)
                .first()
            )
            if english is None:
                raise WorkflowError(_("Approve the English version first."))

        previous = (
            PublishedVersion.objects.live(version.language)
            .filter(kind=version.kind, key=version.key)
            .first()
        )
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current"])
        now = timezone.now()
        payload = adapter.render(version.key, text)
        credit, credit_language = roles.public_credit(reviewer, version.language)
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
            search_text=snapshots.search_text(payload),
        )
        adapter.after_approval(published, text)
        if english is None and previous is not None and previous.fingerprint != digest:
            # English changed: translations checked against older English are outdated.
            PublishedVersion.objects.live().filter(kind=version.kind, key=version.key).exclude(
                language=SOURCE_LANGUAGE
            ).update(outdated=True)
        version.status = Status.APPROVED
        version.comment = comment
        version.save()
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
        version = _locked(version)
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


def withdraw(kind: str, key: str, *, by: AbstractBaseUser, reason: str) -> int:
    """Take content off every public place at once, in every language. Returns how many
    published versions were taken down."""
    if not by.has_perm("reviews.withdraw_content"):
        raise WorkflowError(_("Only medical reviewers and site admins may withdraw content."))
    if not reason.strip():
        raise WorkflowError(_("A reason is required to withdraw content."))
    with transaction.atomic():
        now = timezone.now()
        taken_down = PublishedVersion.objects.live().filter(kind=kind, key=key)
        fingerprints = dict(taken_down.values_list("language", "fingerprint"))
        count = taken_down.update(is_current=False, withdrawn_at=now)
        for language in language_codes():
            version, _created = LanguageVersion.objects.select_for_update().get_or_create(
                kind=kind, key=key, language=language
            )
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
