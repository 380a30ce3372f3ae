"""Restore and compare published versions (issue 19, item 6).

Every published version of an item and language stays in the database (retired ones with
`is_current` off, withdrawn ones with `withdrawn_at`): each can be viewed as it was
published (its frozen payload, rendered by the public templates as the review preview
is), compared with any other of the same item and language (word diff of their source
texts), and restored as a new draft of that language. Restoring only writes the text
into the editable rows and records the edit (`record_edits`): the restorer becomes a
contributor, so four eyes, fingerprints, submission and approval apply unchanged; an
audit entry names the version restored. Structure (parts added or removed since) is not
restored: when the number of parts differs, the restore is refused with a message.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from staff import roles

from .models import PublishedVersion
from .registry import registry
from .workflow import WorkflowError, record_edits


def history(kind: str, key: str, language: str):
    """Every published version of one item and language, newest first."""
    return PublishedVersion.objects.filter(kind=kind, key=key, language=language).order_by(
        "-approved_at", "-pk"
    )


def restore(published: PublishedVersion, *, by: AbstractBaseUser) -> list[str]:
    """Make `published`'s text the draft of its language again; returns the languages
    that changed (empty when the draft already holds that text)."""
    if not roles.can_submit(by, published.language):
        raise WorkflowError(
            _("You may not edit the %(language)s version.")
            % {"language": roles.language_name(published.language)}
        )
    adapter = registry[published.kind]
    language, source = published.language, published.source
    with transaction.atomic():
        obj = adapter.model._default_manager.select_for_update().get(
            **{adapter.key_field: published.key}
        )
        for name in adapter.shape.text_fields:
            setattr(obj, f"{name}_{language}", source.get(name) or "")
        children_of = {}
        for part in adapter.parts:
            children = list(getattr(obj, part.related_name).all())
            texts = source.get(part.name) or []
            if len(children) != len(texts):
                raise WorkflowError(
                    _(
                        "This version cannot be restored: its %(part)s changed in number "
                        "since (%(then)s then, %(now)s now). Copy the text from the view "
                        "of the version instead."
                    )
                    % {"part": part.name, "then": len(texts), "now": len(children)}
                )
            children_of[part] = list(zip(children, texts, strict=True))
        obj.save()
        for part, pairs in children_of.items():
            for child, text in pairs:
                for name in part.shape.text_fields:
                    setattr(child, f"{name}_{language}", text.get(name) or "")
                child.save()
        changed = record_edits(adapter.get(published.key), by=by)
        AuditEntry.objects.create(
            action=AuditEntry.Action.RESTORE,
            kind=published.kind,
            key=published.key,
            language=language,
            actor=by,
            comment=_("Restored the version approved on %(date)s as a draft")
            % {"date": published.approved_at.date().isoformat()},
            fingerprint=published.fingerprint,
            details={"published_version": published.pk},
        )
    return changed
