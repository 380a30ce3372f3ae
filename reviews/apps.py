from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Medical review")

    def ready(self):
        from django.contrib import admin

        from . import interface_strings, safe_i18n, staff_security  # also: signal receivers

        # Compiled catalogues lose any translation the string rules refuse, and every
        # template's {% translate %} / {% blocktranslate %} escapes translated text.
        interface_strings.install_catalogue_guard()
        safe_i18n.install()

        # The one admin site asks for the second factor (see staff_security).
        admin.site.__class__ = staff_security.StaffAdminSite
