"""Loading the content files under review: the loader writes the editable rows, and in the
same transaction every row it changed is recorded as an edit (back to draft in the
languages it touched; the approved version stays live)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from articles.loader import LoadReport, load_files

from .workflow import record_edits


def load_content(path: Path | None = None, *, by: AbstractBaseUser | None = None) -> LoadReport:
    with transaction.atomic():
        report = load_files(path)
        for obj in report.written:
            record_edits(obj, by=by)
    return report
