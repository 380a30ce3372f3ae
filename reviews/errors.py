"""The workflow's refusals: each message says why, for the person who tried."""


class WorkflowError(Exception):
    """An action the rules do not allow; the message says why, for the person who tried."""


class StaleReview(WorkflowError):
    """The text (or the approved English it is checked against) changed since the
    reviewer's page was shown: nothing was published; the page shows the new text."""
