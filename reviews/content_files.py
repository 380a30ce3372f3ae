"""Loading the content files under review: the loader writes the editable rows, and in the
same transaction every row it changed is recorded as an edit by the person who ran it
(back to draft in the languages it touched; the approved version stays live).

Text from files has an author like any other: the person named with `--by`, so they can
never approve it themselves. Only local demo setups may leave that out, and then the text
is credited to the `content-files` account, which cannot sign in and holds no role.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from articles.loader import LoadReport, load_files
from audit.models import AuditEntry

from .models import LanguageVersion
from .registry import registry
from .workflow import WorkflowError, record_edits_many

CONTENT_FILES_AUTHOR = "content-files"


def content_files_author() -> AbstractBaseUser:
    user, created = get_user_model().objects.get_or_create(
        username=CONTENT_FILES_AUTHOR, defaults={"is_active": False, "is_staff": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def conflict_message(label: str, obj, fields: list[str]) -> str:
    """The refusal of one entry changed in the admin since the last load, naming the
    entry, the fields and who changed them."""
    adapter = registry.of(obj)
    editors = sorted(
        {
            version.last_edited_by.get_username()
            for version in LanguageVersion.objects.filter(
                kind=adapter.kind, key=adapter.key_of(obj)
            ).select_related("last_edited_by")
            if version.last_edited_by is not None
            and version.last_edited_by.get_username() != CONTENT_FILES_AUTHOR
        }
    )
    return (
        f"{label}: not loaded: changed in the admin since the last load "
        f"(fields {', '.join(sorted(fields))}; by {', '.join(editors) or 'someone in the admin'}). "
        "Keep their text with `manage.py export_content` (then edit the file), or overwrite "
        "it with `load_content --force` (recorded in the audit log)."
    )


def load_content(
    path: Path | None = None,
    *,
    by: AbstractBaseUser | None = None,
    progress: Callable[[int, int], None] | None = None,
    content_rules: bool = True,
    force: bool = False,
) -> LoadReport:
    """Load the content files (all or nothing, see articles.loader.load_files) and record
    what changed as edits by `by`, a batch of topics at a time; `progress(done, total)`
    is told after each batch."""
    if by is None:
        if not settings.DEMO_DATA_ALLOWED:
            raise WorkflowError(
                "Name the person who wrote these files (load_content --by USERNAME): "
                "text under review needs an author, who then cannot approve it."
            )
        by = content_files_author()

    def record(report: LoadReport, done: int, total: int) -> None:
        record_edits_many(report.written, by=by)
        for label, obj, fields in report.overridden:
            adapter = registry.of(obj)
            AuditEntry.objects.create(
                action=AuditEntry.Action.LOAD_OVERRIDE,
                kind=adapter.kind,
                key=adapter.key_of(obj),
                actor=by,
                comment=f"load_content --force overwrote {label}",
                details={"fields": sorted(fields)},
            )
        report.overridden.clear()
        if progress is not None and done:
            progress(done, total)

    with transaction.atomic():
        return load_files(path, on_batch=record, content_rules=content_rules, force=force)
