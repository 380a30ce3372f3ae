"""The review workflow: every write that touches review state goes through these functions.

draft -> submitted -> approved (published) | changes requested; any -> withdrawn.
Each function checks the actor's rights on the server, runs in one transaction and
writes an audit entry. See "The review promise" in DESIGN.md.

This module is the workflow's one entry point; each action lives in the module named
for it: `editing` (record edits, submit), `approval` (approve in named steps; its checks
in `approval_checks`, retiring and flagging in `retirement`), `change_requests`,
`withdrawal`. What a review page showed (the fingerprints an approval names)
is in `shown`; what every action shares (locks in one order, one read per batch, audit
rows, invalidation after commit) in `batch`.
"""

from .approval import approve, approve_many
from .change_requests import request_changes
from .editing import record_edits, record_edits_many, submit, submit_many, version_for
from .errors import StaleReview, WorkflowError
from .shown import ShownText, as_shown, shown_many, shown_text
from .withdrawal import withdraw, withdrawal_effects

__all__ = [
    "ShownText",
    "StaleReview",
    "WorkflowError",
    "approve",
    "approve_many",
    "as_shown",
    "record_edits",
    "record_edits_many",
    "request_changes",
    "shown_many",
    "shown_text",
    "submit",
    "submit_many",
    "version_for",
    "withdraw",
    "withdrawal_effects",
]
