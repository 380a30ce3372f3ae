from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Search of the published snapshots: folding, the index, the queries."""

    name = "search"
    verbose_name = _("Search")
