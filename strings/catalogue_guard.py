"""The catalogue guard: every catalogue of LOCALE_PATHS loses, when a worker loads it,
each translation the string rules refuse (logged to `healthsite.security`).

Django has no supported hook into catalogue loading, so this is the project's one patch
of Django: `DjangoTranslation._add_local_translations`, a private method, replaced in
`install()` (called from StringsConfig.ready). `PATCHED_SOURCE` pins the source of the
method as this code was written against; tests/test_catalogue_guard.py fails loudly when
a Django upgrade changes or removes it, instead of silently turning the guard off.
"""

from __future__ import annotations

import hashlib
import inspect
import logging

from django.conf import settings
from django.utils.translation import trans_real

from . import rules as string_rules
from .catalogues import reset_translation_caches

log = logging.getLogger("healthsite.security")

# sha256 of inspect.getsource(DjangoTranslation._add_local_translations) in Django 5.2.
PATCHED_SOURCE = "942bdace0d0737efb7979d1638c0a8afa0ffea1c85dd2008329fb01268f54bfa"


def patched_source_digest() -> str:
    original = getattr(trans_real.DjangoTranslation, "_original_add_local_translations", None)
    original = original or trans_real.DjangoTranslation._add_local_translations
    return hashlib.sha256(inspect.getsource(original).encode()).hexdigest()


def drop_unsafe_translations(translation, language: str) -> None:
    """Remove from a loaded catalogue every translation the string rules refuse, so it
    falls back to the msgid (and logs which)."""
    catalog = getattr(translation, "_catalog", None)
    if not catalog:
        return
    for key, msgstr in list(catalog.items()):
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid:
            continue  # the header
        msgid = msgid.split("\x04", 1)[-1]  # drop a msgctxt
        plural = msgid if isinstance(key, tuple) else ""
        if string_rules.problems(msgid, msgstr, plural):
            del catalog[key]
            log.warning("catalogue %s: refused translation of %r: %r", language, msgid, msgstr)


def install() -> None:
    """Every catalogue of LOCALE_PATHS passes drop_unsafe_translations when loaded."""
    translation_class = trans_real.DjangoTranslation
    if getattr(translation_class, "_catalogue_guard", False):
        return

    def _add_local_translations(self):
        for localedir in reversed(settings.LOCALE_PATHS):
            translation = self._new_gnu_trans(localedir)
            drop_unsafe_translations(translation, self.language())
            self.merge(translation)

    translation_class._original_add_local_translations = translation_class._add_local_translations
    translation_class._add_local_translations = _add_local_translations
    translation_class._catalogue_guard = True
    reset_translation_caches()
