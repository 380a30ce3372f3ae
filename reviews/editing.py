"""Editing and submitting: who changed which language (four eyes), and asking for review.

`record_edits` runs after every save of reviewed text (admin and loader); `submit` puts a
complete version in the review queue."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.hashing import fingerprint
from articles.languages import language_codes
from audit.models import AuditEntry
from staff import roles

from . import notifications, queue
from .batch import EDIT_FIELDS, Item, Loaded, add_contributor, audit_row, items_filter, lock_items
from .errors import WorkflowError
from .models import LanguageVersion
from .registry import registry

Status = LanguageVersion.Status


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
    return next(iter(record_edits_many([obj], by=by).values()))


def record_edits_many(
    objs: Sequence[Model], *, by: AbstractBaseUser | None = None
) -> dict[Item, list[str]]:
    """`record_edits` of many saved objects (a loaded folder), reading each item and its
    language versions once; returns the changed languages of each (kind, key)."""
    items = [(registry.of(obj).kind, registry.of(obj).key_of(obj)) for obj in objs]
    # One read of the objects with all their parts, shared by every language.
    loaded = Loaded(items, live=False)
    versions = {
        (version.kind, version.key, version.language): version
        for version in LanguageVersion.objects.filter(items_filter(items))
    }
    now = timezone.now()
    created, updated, changed = [], [], {}
    for kind, key in dict.fromkeys(items):
        obj = loaded.objects[(kind, key)]
        adapter = registry[kind]
        changed[(kind, key)] = []
        for language in language_codes():
            digest = fingerprint(adapter.source_text(obj, language))
            version = versions.get((kind, key, language))
            if version is not None and version.edited_fingerprint == digest:
                continue
            if version is None:
                version = LanguageVersion(kind=kind, key=key, language=language)
                created.append(version)
            else:
                updated.append(version)
            version.edited_fingerprint = digest
            version.last_edited_by = by
            version.last_edited_at = now
            version.status = Status.DRAFT
            changed[(kind, key)].append(language)
    LanguageVersion.objects.bulk_create(created)
    LanguageVersion.objects.bulk_update(updated, [*EDIT_FIELDS, "status"])
    if by is not None:
        add_contributor([*created, *updated], by)
    return changed


def submit(version: LanguageVersion, *, by: AbstractBaseUser, comment: str = "") -> LanguageVersion:
    """An editor (English) or translator (their languages) asks for medical review."""
    return submit_many([version], by=by, comment=comment)[0]


def submit_many(
    versions: Sequence[LanguageVersion], *, by: AbstractBaseUser, comment: str = ""
) -> list[LanguageVersion]:
    """Submit several language versions at once, each checked as one submission is: if
    any is refused, none is submitted (the WorkflowError names the first refused)."""
    if not versions:
        return []
    for language in sorted({version.language for version in versions}):
        if not roles.can_submit(by, language):
            raise WorkflowError(
                _("You may not submit the %(language)s version for review.")
                % {"language": roles.language_name(language)}
            )
    with transaction.atomic():
        locked = lock_items((version.kind, version.key) for version in versions)
        loaded = Loaded((version.kind, version.key) for version in versions)
        now = timezone.now()
        submitted, submitted_texts, new_contributors, entries = [], [], [], []
        for given in versions:
            version = locked[(given.kind, given.key, given.language)]
            adapter = registry[version.kind]
            obj = loaded.objects[(version.kind, version.key)]
            missing = adapter.missing_texts(obj, version.language)
            if missing:
                raise WorkflowError(
                    _("This version is not complete; fill in: %(fields)s")
                    % {"fields": ", ".join(missing)}
                )
            text = loaded.text(version)
            digest = fingerprint(text)
            if version.status == Status.SUBMITTED and version.submitted_fingerprint == digest:
                raise WorkflowError(_("This version is already waiting for review."))
            live = loaded.live.get((version.kind, version.key, version.language))
            if live is not None and live.fingerprint == digest:
                raise WorkflowError(_("Nothing has changed since this version was approved."))
            if version.edited_fingerprint != digest:
                # Text that was never recorded as an edit (e.g. written by a migration).
                version.edited_fingerprint = digest
                version.last_edited_by = by
                version.last_edited_at = now
                new_contributors.append(version)
            version.status = Status.SUBMITTED
            version.submitted_by = by
            version.submitted_at = now
            version.submitted_fingerprint = digest
            submitted.append(version)
            submitted_texts.append(text)
            entries.append(audit_row(AuditEntry.Action.SUBMIT, version, by, comment, digest))
        # What every submitted version shares in one UPDATE; what differs per version after.
        LanguageVersion.objects.filter(pk__in=[version.pk for version in submitted]).update(
            status=Status.SUBMITTED, submitted_by=by, submitted_at=now
        )
        LanguageVersion.objects.bulk_update(submitted, ["submitted_fingerprint"])
        LanguageVersion.objects.bulk_update(new_contributors, EDIT_FIELDS)
        add_contributor(new_contributors, by)
        queue.measure(submitted, submitted_texts)
        AuditEntry.objects.bulk_create(entries)
        notifications.submitted(submitted, by=by)
    return submitted
