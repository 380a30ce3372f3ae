"""The review promise's records: the state of each language version and the frozen
published snapshots the public reads. Staff profiles live in `staff`, the audit log in
`audit`, search entries in `search`. `ContentKind` and `language_choices` are imported
here from `articles` (earlier migrations name `reviews.models.language_choices`).

One module per record (`versions`, `published`, `links`, `notifications`,
`invalidations`); this package gathers them, so `reviews.models.PublishedVersion` and the
migrations' paths (`reviews.models.TextAsWrittenEncoder`) stay valid."""

from articles.kinds import ContentKind
from articles.languages import language_choices

# The models register in this order, as they always did.
# isort: off
from .versions import LanguageVersion
from .published import (
    PublishedVersion,
    PublishedVersionQuerySet,
    TextAsWrittenEncoder,
    codes_text,
    shown_title,
)
from .links import Placement, RelatedLink
from .notifications import Notification
from .invalidations import Invalidation, InvalidationQuerySet
from .title_order import AlphabetRules, TitleOrder

# isort: on

__all__ = [
    "AlphabetRules",
    "ContentKind",
    "Invalidation",
    "InvalidationQuerySet",
    "LanguageVersion",
    "Notification",
    "Placement",
    "PublishedVersion",
    "PublishedVersionQuerySet",
    "RelatedLink",
    "TextAsWrittenEncoder",
    "TitleOrder",
    "codes_text",
    "shown_title",
    "language_choices",
]
