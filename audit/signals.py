"""`recorded`: sent once per audit entry written, after its transaction commits.

The audit log is the one place every workflow and staff action is written (approve,
submit, request changes, withdraw, restore, content-file overrides, roles, credit,
credentials, interface strings), so announcing its rows is how other apps hear of them
without each action calling them: operations logs each as a JSON line (issue 26). Sent
after the commit, so a rolled-back action is never announced, and with `send_robust`, so
a receiver that fails (a log handler that cannot write) never fails the action.
"""

from django.db import transaction
from django.dispatch import Signal

# sender: the AuditEntry class; entry: the saved AuditEntry.
recorded = Signal()


def announce(model, entries, using: str | None = None) -> None:
    entries = list(entries)
    if not entries:
        return

    def send() -> None:
        for entry in entries:
            recorded.send_robust(model, entry=entry)

    transaction.on_commit(send, using=using, robust=True)
