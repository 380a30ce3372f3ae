from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The append-only audit log. It imports nothing of the other parts; they write to
    it."""

    name = "audit"
    verbose_name = _("Audit log")
