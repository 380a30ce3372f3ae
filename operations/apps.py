from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What an operator runs and reads: backups and restores, Prometheus metrics, the
    health check, structured logs with a request id. It reads every other app and no
    other app imports it (tests/test_architecture.py)."""

    name = "operations"
    verbose_name = "Operations"  # no models: never shown in the admin

    def ready(self):
        from audit.signals import recorded

        from .logs import log_audit_entry

        recorded.connect(log_audit_entry, dispatch_uid="operations.log_audit_entry")
