from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StringsConfig(AppConfig):
    """Interface strings edited in the browser: their rules, the escaping i18n template
    tags (TEMPLATES OPTIONS "libraries"), the catalogue guard, rosetta's guarded views and
    sharing saved catalogues between hosts."""

    name = "strings"
    verbose_name = _("Interface strings")

    def ready(self):
        from . import catalogue_guard, sharing

        # Compiled catalogues lose any translation the string rules refuse.
        catalogue_guard.install()
        # A string saved in rosetta reaches every host (and the HTTP caches are banned).
        sharing.connect()
