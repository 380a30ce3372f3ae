"""Structured logs: one JSON object per line, each carrying the request id.

python-json-logger's formatter rather than a hand-written one: it is the formatter the
Python logging ecosystem uses for this, keeps `extra=` fields as JSON fields and handles
exceptions and non-JSON values. The request id lives in a context variable set by
`operations.middleware.RequestContext`, so every log line written while a request is
handled (security events, workflow events, Django's own) names it, in threads too.

Fields (README, "Logs"): time, level, logger, message, request_id, plus per event kind:
requests ("healthsite.requests"): method, path, status, duration_ms, page_type, cache;
security events ("healthsite.security"): event, actor, and what the event names;
workflow events ("healthsite.workflow", `log_audit_entry`): one line per audit-log entry
written (submit, approve, request changes, withdraw, restore, content-file override,
roles, credit, credentials, interface string), after its transaction commits, with event,
actor, actor_id, audit_id, kind, item, language, and where they apply account (whose
roles or credentials changed), msgid (an interface string) and fingerprint (the text
approved or submitted). Never comments or the changed values: the audit log keeps those,
behind the admin's permissions; the log is read by more people.
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
from contextvars import ContextVar

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")

# An id a proxy in front sent (X-Request-ID) is kept when it looks like one: letters,
# digits and dashes, bounded, so a client cannot write arbitrary text into the logs.
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


workflow_logger = logging.getLogger("healthsite.workflow")


def request_id_from(header: str | None) -> str:
    if header and _ACCEPTED_ID.match(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (a filter on the handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        return True


JSON_FORMAT = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    "timestamp": False,
    "datefmt": "%Y-%m-%dT%H:%M:%S%z",
}


def logging_config(level: str = "INFO") -> dict:
    """The LOGGING setting: JSON lines on stderr (stdout stays for commands' output, so
    `manage.py ... --json` parses)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "operations.logs.RequestIdFilter"}},
        "formatters": {"json": JSON_FORMAT},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "json",
                "filters": ["request_id"],
            },
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "django": {"handlers": ["stderr"], "level": level, "propagate": False},
            # One line per request comes from operations.middleware; Django's own
            # "django.server"/"django.request" lines would repeat it.
            "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        },
    }


def log_audit_entry(sender, entry, **kwargs) -> None:
    """Receiver of `audit.signals.recorded` (connected in OperationsConfig.ready): the
    entry as one JSON line. The signal is sent robustly after the commit, and this
    guards itself too: a handler that cannot write never fails the action it reports."""
    try:
        details = entry.details if isinstance(entry.details, dict) else {}
        # The writer nearly always holds the user already; otherwise one query.
        actor = sender.actor.field.get_cached_value(entry, default=None) or entry.actor
        fields = {
            "event": entry.action,
            "actor": actor.get_username(),
            "actor_id": entry.actor_id,
            "audit_id": entry.pk,
            "kind": entry.kind,
            "item": entry.key,
            "language": entry.language,
        }
        if details.get("user"):
            fields["account"] = str(details["user"])[:150]
        if details.get("msgid"):
            fields["msgid"] = str(details["msgid"])[:200]
        if entry.fingerprint:
            fields["fingerprint"] = entry.fingerprint
        workflow_logger.info(entry.action, extra=fields)
    except Exception:  # noqa: BLE001 - a log line must never fail the action
        with contextlib.suppress(Exception):
            logging.getLogger("healthsite.operations").exception("workflow log line lost")
