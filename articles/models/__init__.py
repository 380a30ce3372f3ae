"""The editable content: regions, topics and their parts, site notices.

These rows are what editors and translators change. The public never reads them
directly; it reads published snapshots made at approval (see `reviews.workflow`).

A kind of content made of parts (a topic's warning signs, measures, tips, references)
declares them once in `content_parts`: {name in files and snapshots: related name}. Text
fields that are one plain line, not Markdown, are listed in `plain_text_fields`. The
loader, the review registry and the admin read these declarations and
django-modeltranslation's registry (`translation.py`), never lists of their own.

One module per kind of content (`regions`, `topics`, `notices`), their field helpers in
`fields`; this package gathers them, so `articles.models.Article` and the migrations keep
their paths.
"""

from .fields import (
    LONG_TEXT_CHECKS,
    TEXT_CHECKS,
    WebAddressField,
    content_hash_field,
    loaded_text_field,
    long_text,
    short_text,
    without_loaded_text,
)

# The models register in this order (regions, topics, notices), as they always did.
# isort: off
from .regions import BodyRegion
from .topics import Article, PreventionTip, Reference, ReliefMeasure, WarningSign
from .notices import EmergencyNumber, SiteNotice

# isort: on

__all__ = [
    "LONG_TEXT_CHECKS",
    "TEXT_CHECKS",
    "Article",
    "BodyRegion",
    "EmergencyNumber",
    "PreventionTip",
    "Reference",
    "ReliefMeasure",
    "SiteNotice",
    "WarningSign",
    "WebAddressField",
    "content_hash_field",
    "loaded_text_field",
    "long_text",
    "short_text",
    "without_loaded_text",
]
