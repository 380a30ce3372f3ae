"""Withdrawal: an item leaves every public place at once, in every language. What a kind
allows and what else its withdrawal changes are its adapter's (reviews.registry)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.languages import language_codes
from audit.models import AuditEntry
from search import index as search_index

from . import batch, notifications, planning
from .errors import WorkflowError
from .models import LanguageVersion, PublishedVersion
from .registry import registry
from .retirement import stop_being_live

Status = LanguageVersion.Status


def withdrawal_effects(kind: str, key: str) -> list[str]:
    """What else changes on the public site if (kind, key) is withdrawn: shown on the
    confirmation step before a withdrawal. Raises WorkflowError where it is not allowed."""
    adapter = registry[kind]
    refusal = adapter.withdrawal_refusal()
    if refusal:
        raise WorkflowError(refusal)
    languages = sorted(
        PublishedVersion.objects.live()
        .filter(kind=kind, key=key)
        .values_list("language", flat=True)
    )
    effects = [
        _("Every published language goes off the site: %(languages)s.")
        % {"languages": ", ".join(languages) or "—"}
    ]
    return effects + adapter.withdrawal_effects(key)


def withdraw(kind: str, key: str, *, by: AbstractBaseUser, reason: str) -> int:
    """Take content off every public place at once, in every language. Returns how many
    published versions were taken down. Once it returns, nothing of the item is live."""
    if not by.has_perm("reviews.withdraw_content"):
        raise WorkflowError(_("Only medical reviewers and site admins may withdraw content."))
    if not reason.strip():
        raise WorkflowError(_("A reason is required to withdraw content."))
    with transaction.atomic():
        versions = batch.lock_item(kind, key)
        withdrawal_effects(kind, key)  # refuses what may not be withdrawn
        now = timezone.now()
        taken_down = PublishedVersion.objects.live().filter(kind=kind, key=key)
        fingerprints = dict(taken_down.values_list("language", "fingerprint"))
        count = stop_being_live(taken_down, withdrawn_at=now)
        # A held translation is withdrawn with the rest: re-approving it starts anew.
        PublishedVersion.objects.filter(kind=kind, key=key, held=True).update(
            held=False, withdrawn_at=now
        )
        if registry[kind].searchable:
            search_index.remove(kind, key)
        for language, version in versions.items():
            version.status = Status.WITHDRAWN
            version.comment = reason
            version.save()
            if language in fingerprints:
                batch.write_audit(
                    AuditEntry.Action.WITHDRAW, version, by, reason, fingerprints[language]
                )
        if not fingerprints:
            AuditEntry.objects.create(
                action=AuditEntry.Action.WITHDRAW, kind=kind, key=key, actor=by, comment=reason
            )
        planning.refresh_review_due([(kind, key)])  # nothing live: no due date
        notifications.withdrawn(kind, key, by=by, reason=reason)
        batch.invalidate({(kind, key): set(language_codes())}, action="withdraw")
    return count
