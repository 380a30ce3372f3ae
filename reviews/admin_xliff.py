"""The admin page where translators download and upload XLIFF files (reviews.xliff).

Only translators of a language see that language here; the upload runs the same import as
`manage.py xliff_import`: all or nothing, one message per refused segment."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.languages import SOURCE_LANGUAGE
from staff import roles

from . import xliff

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def translator_languages(user) -> list[tuple[str, str]]:
    return [
        (code, roles.language_name(code))
        for code in roles.editable_languages(user)
        if code != SOURCE_LANGUAGE and roles.can_submit(user, code)
    ]


class ExportForm(forms.Form):
    WHICH = [
        ("outdated", gettext_lazy("every outdated topic (held ones included)")),
        ("held", gettext_lazy("every topic held: red flags changed")),
        ("unapproved", gettext_lazy("every topic not yet approved in this language")),
        ("all", gettext_lazy("every topic with approved English")),
    ]
    language = forms.ChoiceField(label=gettext_lazy("Language"))
    topic = forms.SlugField(
        label=gettext_lazy("One topic (its slug), or leave empty for the set below"),
        required=False,
    )
    which = forms.ChoiceField(label=gettext_lazy("Set of topics"), choices=WHICH)

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages


class ImportForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"))
    file = forms.FileField(label=gettext_lazy("Translated XLIFF file"))

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 5 MB)."))
        return upload


def xliff_view(model_admin, request: HttpRequest) -> HttpResponse:
    languages = translator_languages(request.user)
    if not languages:
        raise PermissionDenied
    export_form = ExportForm(languages=languages, prefix="export")
    import_form = ImportForm(languages=languages, prefix="import")
    refused: list[str] = []
    if request.method == "POST" and "export" in request.POST:
        export_form = ExportForm(request.POST, languages=languages, prefix="export")
        if export_form.is_valid():
            data = export_form.cleaned_data
            topic = data["topic"]
            items = xliff.selection(
                data["language"], keys=[topic] if topic else [], which=data["which"]
            )
            try:
                content = xliff.export_xliff(data["language"], items)
            except xliff.ExportRefused as error:
                messages.error(request, str(error))
            else:
                name = f"{topic or data['which']}.{data['language']}.xlf"
                response = HttpResponse(content, content_type="application/x-xliff+xml")
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
    elif request.method == "POST" and "import" in request.POST:
        import_form = ImportForm(request.POST, request.FILES, languages=languages, prefix="import")
        if import_form.is_valid():
            data = import_form.cleaned_data
            try:
                result = xliff.import_xliff(
                    data["file"].read(), language=data["language"], by=request.user
                )
            except xliff.ImportRefused as error:
                refused = error.errors
                messages.error(request, _("Nothing was imported: the file was refused."))
            else:
                for warning in result.warnings:
                    messages.warning(request, warning)
                messages.success(
                    request,
                    _(
                        "%(count)s segments written in %(items)s topics. Submit them for "
                        "review from each topic's review page."
                    )
                    % {"count": result.count, "items": len(result.changed)},
                )
                return redirect("admin:reviews_languageversion_xliff")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Translate with a CAT tool (XLIFF)"),
        "export_form": export_form,
        "import_form": import_form,
        "refused": refused,
    }
    return TemplateResponse(request, "admin/reviews/xliff.html", context)
