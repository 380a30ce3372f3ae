"""Interface strings (.po catalogues) edited in the browser with django-rosetta.

Only the Translators group gets in, and each translator sees and saves only the
languages assigned in their staff profile (checked on every request, not just hidden),
and only the project's own catalogues (locale/), never Django's or a third party's.
A save whose text carries markup or placeholders its msgid does not have is refused
whole, with the reasons, and nothing is written (strings.rules). Saved catalogues take
effect in every gunicorn worker without a restart (strings.catalogues) and on every host
(strings.sharing). A compiled catalogue that holds a forbidden string anyway (written on
disk by hand) loses that string when it is loaded (strings.catalogue_guard).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import polib
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import re_path, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic.base import RedirectView
from rosetta import views as rosetta_views

from audit.models import AuditEntry
from staff import roles
from staff import security as staff_security

from . import rules as string_rules

log = logging.getLogger("healthsite.security")
PROJECT = "project"


def can_edit_strings(user) -> bool:
    """ROSETTA_ACCESS_CONTROL_FUNCTION: translators only."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("strings.edit_interface_strings")
        and user.groups.filter(name=roles.TRANSLATORS).exists()
        and staff_security.has_second_factor(user)
    )


def string_languages(user) -> list[str]:
    """The catalogues this person may edit: their assigned translation languages."""
    if not can_edit_strings(user):
        return []
    assigned = roles.editable_languages(user)
    return [code for code, _name in settings.ROSETTA_LANGUAGES if code in assigned]


def in_project_catalogues(path) -> bool:
    """Is `path` one of the project's own catalogues (under LOCALE_PATHS)?"""
    resolved = Path(path).resolve()
    return any(resolved.is_relative_to(Path(root).resolve()) for root in settings.LOCALE_PATHS)


class AssignedLanguagesOnly:
    def dispatch(self, request, *args, **kwargs):
        # Only the project's catalogues: rosetta's other filters list Django's and the
        # virtualenv's packages.
        if kwargs.get("po_filter") != PROJECT:
            raise Http404
        language = kwargs.get("lang_id")
        # Anonymous and non-translators fall through to rosetta's own login redirect.
        if (
            language is not None
            and can_edit_strings(request.user)
            and language not in string_languages(request.user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def project_catalogues(language: str) -> list[str]:
    """The project's own catalogues of `language` (under LOCALE_PATHS), in a fixed order:
    the only files translators see; rosetta's file numbers index this list."""
    paths = (Path(root) / language / "LC_MESSAGES" / "django.po" for root in settings.LOCALE_PATHS)
    return [str(path) for path in paths if path.is_file()]


class FileListView(AssignedLanguagesOnly, rosetta_views.TranslationFileListView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        allowed = string_languages(self.request.user)
        context["languages"] = [
            (
                code,
                name,
                [
                    ("interface strings", os.path.realpath(path), polib.pofile(path))
                    for path in project_catalogues(code)
                ],
            )
            for code, name, _files in context["languages"]
            if code in allowed
        ]
        context["has_pos"] = any(files for _c, _n, files in context["languages"])
        return context


class ProjectCatalogueOnly:
    @cached_property
    def po_file_path(self):
        paths = project_catalogues(self.language_id)
        index = int(self.kwargs["idx"])
        if index >= len(paths) or not in_project_catalogues(paths[index]):
            raise Http404
        return paths[index]


SINGLE = re.compile(r"^m_([0-9a-f]+)$")
PLURAL = re.compile(r"^m_([0-9a-f]+)_([0-9]+)$")


class FormView(AssignedLanguagesOnly, ProjectCatalogueOnly, rosetta_views.TranslationFormView):
    def submitted(self):
        """(entry, plural index or None, new text) for each text field of the POST."""
        for name, text in self.request.POST.items():
            match = PLURAL.match(name) or SINGLE.match(name)
            if not match:
                continue
            entry = self.po_file.find(match.group(1), "md5hash")
            if entry is not None:
                index = int(match.group(2)) if match.lastindex == 2 else None
                yield entry, index, text

    def post(self, request, *args, **kwargs):
        refused = []
        for entry, index, text in self.submitted():
            text = self.fix_nls(entry.msgid_plural if index is not None else entry.msgid, text)
            for problem in string_rules.problems(entry.msgid, text, entry.msgid_plural or ""):
                refused.append(f"“{entry.msgid}”: {problem}")
        if refused:
            messages.error(
                request,
                _(
                    "Nothing was saved. A translation may contain only the markup and "
                    "placeholders of its original; fix these and save again: %(problems)s"
                )
                % {"problems": "; ".join(refused)},
            )
            return HttpResponseRedirect(request.get_full_path())
        before = {
            id(entry): (entry.msgstr, dict(entry.msgstr_plural))
            for entry, _i, _t in self.submitted()
        }
        entries = {id(entry): entry for entry, _i, _t in self.submitted()}
        response = super().post(request, *args, **kwargs)
        for key, (old, old_plural) in before.items():
            entry = entries[key]
            if (entry.msgstr, dict(entry.msgstr_plural)) != (old, old_plural):
                record_string_change(
                    request.user,
                    self.language_id,
                    entry,
                    old=old if not entry.msgid_plural else old_plural,
                    new=entry.msgstr if not entry.msgid_plural else dict(entry.msgstr_plural),
                    path=self.po_file_path,
                    written=self.po_file_is_writable,
                )
        return response


class DownloadView(
    AssignedLanguagesOnly, ProjectCatalogueOnly, rosetta_views.TranslationFileDownload
):
    pass


def record_string_change(user, language, entry, *, old, new, path, written=True) -> None:
    """Every saved interface-string change goes into the audit log: who, language,
    msgid, old and new text, when (AuditEntry.at)."""
    AuditEntry.objects.create(
        action=AuditEntry.Action.INTERFACE_STRING,
        actor=user,
        language=language,
        comment=entry.msgid,
        details={
            "msgid": entry.msgid,
            "msgid_plural": entry.msgid_plural or "",
            "msgctxt": entry.msgctxt or "",
            "old": old,
            "new": new,
            "catalogue": _catalogue_name(path),
            "written": written,
        },
    )


def _catalogue_name(path) -> str:
    resolved = Path(path).resolve()
    for root in settings.LOCALE_PATHS:
        root = Path(root).resolve()
        if resolved.is_relative_to(root):
            return str(Path("locale") / resolved.relative_to(root))
    return resolved.name


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
