from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """What an operator runs and reads: backups and restores, Prometheus metrics, the
    health check, structured logs with a request id. It reads every other app and no
    other app imports it (tests/test_architecture.py)."""

    name = "operations"
    verbose_name = _("Operations")
