"""Interface strings (.po catalogues) edited in the browser with django-rosetta.

Only the Translators group gets in, and each translator sees and saves only the
languages assigned in their staff profile (checked on every request, not just hidden).
Saved catalogues take effect in every gunicorn worker without a restart: each worker
notices a changed .mo file and drops its cached translations.
"""

from __future__ import annotations

import gettext
import time
from pathlib import Path

from asgiref.local import Local
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import re_path, reverse_lazy
from django.utils.translation import trans_real
from django.views.generic.base import RedirectView
from rosetta import views as rosetta_views

from . import roles, staff_security


def can_edit_strings(user) -> bool:
    """ROSETTA_ACCESS_CONTROL_FUNCTION: translators only."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("reviews.edit_interface_strings")
        and user.groups.filter(name=roles.TRANSLATORS).exists()
        and staff_security.has_second_factor(user)
    )


def string_languages(user) -> list[str]:
    """The catalogues this person may edit: their assigned translation languages."""
    if not can_edit_strings(user):
        return []
    assigned = roles.editable_languages(user)
    return [code for code, _name in settings.ROSETTA_LANGUAGES if code in assigned]


class AssignedLanguagesOnly:
    def dispatch(self, request, *args, **kwargs):
        language = kwargs.get("lang_id")
        # Anonymous and non-translators fall through to rosetta's own login redirect.
        if (
            language is not None
            and can_edit_strings(request.user)
            and language not in string_languages(request.user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class FileListView(AssignedLanguagesOnly, rosetta_views.TranslationFileListView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        allowed = string_languages(self.request.user)
        context["languages"] = [entry for entry in context["languages"] if entry[0] in allowed]
        return context


class FormView(AssignedLanguagesOnly, rosetta_views.TranslationFormView):
    pass


class DownloadView(AssignedLanguagesOnly, rosetta_views.TranslationFileDownload):
    pass


# rosetta's own URL names, so its templates keep working, with the guarded views.
urlpatterns = [
    re_path(
        r"^$",
        RedirectView.as_view(
            url=reverse_lazy("rosetta-file-list", kwargs={"po_filter": "project"}),
            permanent=False,
        ),
        name="rosetta-old-home-redirect",
    ),
    re_path(r"^files/(?P<po_filter>[\w-]+)/$", FileListView.as_view(), name="rosetta-file-list"),
    re_path(
        r"^files/(?P<po_filter>[\w-]+)/(?P<lang_id>[\w\-_\.@]+)/(?P<idx>\d+)/$",
        FormView.as_view(),
        name="rosetta-form",
    ),
    re_path(
        r"^files/(?P<po_filter>[\w-]+)/(?P<lang_id>[\w\-_\.@]+)/(?P<idx>\d+)/download/$",
        DownloadView.as_view(),
        name="rosetta-download-file",
    ),
    # Machine-translation suggestions are switched off; rosetta's pages still link it.
    re_path(r"^translate/$", rosetta_views.translate_text, name="rosetta.translate_text"),
]


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
