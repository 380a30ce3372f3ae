"""The interface strings' permission. Interface strings are the project's .po catalogues
(no table); this model exists only so the permission to edit them belongs to this app
(unmanaged: Django creates no table for it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InterfaceStrings(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("edit_interface_strings", _("Can edit interface strings of assigned languages")),
        ]
        verbose_name = _("interface strings")
        verbose_name_plural = _("interface strings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
