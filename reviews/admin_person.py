"""A staff member's own settings in the review admin: their public credit per language
and how they receive review notices (at once or in a daily digest, in which language)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from articles.validators import reject_invisible_characters
from staff import roles
from staff.models import StaffProfile

from .admin_pages import page_context


class CreditForm(forms.Form):
    """A reviewer's own public credit, per language: saving it confirms it."""

    def __init__(self, *args, profile, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[code] = forms.CharField(
                label=_(name),
                required=False,
                max_length=200,
                initial=getattr(profile, f"public_credit_{code}", "") or "",
                validators=[reject_invisible_characters],
            )


def credit_view(model_admin, request: HttpRequest) -> HttpResponse:
    """My public credit: the name and role printed under every page I approve."""
    profile = StaffProfile.objects.filter(user=request.user).first()
    if profile is None or not request.user.is_staff:
        raise PermissionDenied
    form = CreditForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        new = {code: " ".join(text.split()) for code, text in form.cleaned_data.items()}
        roles.set_credits(profile, new, by=request.user)
        messages.success(request, _("Your public credit is saved and confirmed."))
        return redirect("admin:reviews_languageversion_credit")
    context = page_context(
        model_admin,
        request,
        _("My public credit"),
        form=form,
        confirmed=roles.credit_is_confirmed(request.user),
    )
    return TemplateResponse(request, "admin/reviews/credit.html", context)


class NoticesForm(forms.ModelForm):
    class Meta:
        model = StaffProfile
        fields = ["mail", "interface_language"]
        widgets = {"mail": forms.RadioSelect}


def notices_view(model_admin, request: HttpRequest) -> HttpResponse:
    """My review notices: at once or in a daily digest, and in which language."""
    profile = StaffProfile.objects.filter(user=request.user).first()
    if profile is None or not request.user.is_staff:
        raise PermissionDenied
    form = NoticesForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your choice of review notices is saved."))
        return redirect("admin:reviews_languageversion_notices")
    context = page_context(
        model_admin, request, _("My review notices"), form=form, email=request.user.email
    )
    return TemplateResponse(request, "admin/reviews/notices.html", context)
