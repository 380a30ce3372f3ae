from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Medical review")

    def ready(self):
        from django.contrib import admin

        from . import staff_security  # also connects its signal receivers

        # The one admin site asks for the second factor (see staff_security).
        admin.site.__class__ = staff_security.StaffAdminSite
