"""Loading the project's compiled catalogues: every gunicorn worker notices a changed
.mo file (saved in rosetta by another worker of the host) and drops its cached
translations, without a restart."""

from __future__ import annotations

import gettext
import time
from pathlib import Path

from asgiref.local import Local
from django.conf import settings
from django.utils.translation import trans_real


def _compiled_catalogues() -> tuple:
    stamps = []
    for locale_path in settings.LOCALE_PATHS:
        for path in Path(locale_path).glob("*/LC_MESSAGES/*.mo"):
            try:
                stamps.append((str(path), path.stat().st_mtime_ns))
            except FileNotFoundError:
                continue
    return tuple(sorted(stamps))


def reset_translation_caches() -> None:
    """What Django's autoreloader does when a .mo file changes, without restarting."""
    gettext._translations = {}
    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = Local()


class ReloadChangedCatalogues:
    """Middleware: drop cached translations when a compiled catalogue changed on disk.

    Each worker checks the .mo files' modification times at most once every
    CATALOGUE_CHECK_SECONDS, so a string saved in rosetta by one worker reaches all
    workers on the same host within that time, with no manual step.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.seen = _compiled_catalogues()
        self.next_check = 0.0

    def __call__(self, request):
        now = time.monotonic()
        if now >= self.next_check:
            self.next_check = now + settings.CATALOGUE_CHECK_SECONDS
            stamps = _compiled_catalogues()
            if stamps != self.seen:
                self.seen = stamps
                reset_translation_caches()
        return self.get_response(request)
