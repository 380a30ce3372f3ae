from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """Staff accounts and their security: roles, who may grant them, the second factor,
    the fresh sign-in before sensitive actions, public credits, the staff profile."""

    name = "staff"
    verbose_name = _("Staff")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from . import credentials, security

        credentials.connect()

        user_locked_out.connect(security.log_lockout, dispatch_uid="staff.log_lockout")
        user_logged_in.connect(
            security.remember_sign_in_time, dispatch_uid="staff.remember_sign_in_time"
        )


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin whose one site asks for the second factor
    (staff.security.StaffAdminSite), through Django's documented `default_site`."""

    default = False  # named in INSTALLED_APPS; StaffConfig is this module's default
    default_site = "staff.security.StaffAdminSite"
