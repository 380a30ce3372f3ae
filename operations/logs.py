"""Structured logs: one JSON object per line, each carrying the request id.

python-json-logger's formatter rather than a hand-written one: it is the formatter the
Python logging ecosystem uses for this, keeps `extra=` fields as JSON fields and handles
exceptions and non-JSON values. The request id lives in a context variable set by
`operations.middleware.RequestContext`, so every log line written while a request is
handled (security events, workflow events, Django's own) names it, in threads too.

Fields (README, "Logs"): time, level, logger, message, request_id, plus per event kind:
requests ("healthsite.requests"): method, path, status, duration_ms, page_type, cache;
security ("healthsite.security") and workflow ("healthsite.workflow") events: event,
actor, and what the event names (item, language, ...).
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")

# An id a proxy in front sent (X-Request-ID) is kept when it looks like one: letters,
# digits and dashes, bounded, so a client cannot write arbitrary text into the logs.
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


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
