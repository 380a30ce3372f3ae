"""Requesting changes: a reviewer sends a submitted version back to its author with a
comment (draft -> submitted -> changes requested), audited, and the author told.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AuditEntry

from . import notifications
from .approval_checks import check_reviewer
from .batch import lock_item, write_audit
from .errors import WorkflowError
from .models import LanguageVersion

Status = LanguageVersion.Status


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
