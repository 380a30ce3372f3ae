"""Checks every reader-facing text passes, at save (admin forms) and at load (content files)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Text sizes a reader (and a reviewer's word diff) can handle. Titles and short texts are
# CharFields with their own max_length; these bound the long Markdown texts.
MAX_TEXT_LENGTH = 20_000
MAX_SHORT_DESCRIPTION = 160
MAX_ALSO_CALLED = 300


def invisible_characters(text: str) -> list[str]:
    """Unicode format characters (bidi controls, zero-width spaces, soft hyphens...) in
    `text`, as U+XXXX names. They are invisible on the page yet can reorder or hide what a
    reviewer reads ("5\u202e01 mg" shows as "510 mg"), so no reviewed text may hold them."""
    found = []
    for char in text:
        if unicodedata.category(char) == "Cf":
            code = f"U+{ord(char):04X} {unicodedata.name(char, 'format character')}"
            if code not in found:
                found.append(code)
    return found


def reject_invisible_characters(value: str) -> None:
    found = invisible_characters(value or "")
    if found:
        raise ValidationError(
            _("Remove the invisible formatting characters from this text: %(chars)s."),
            code="invisible_characters",
            params={"chars": ", ".join(found)},
        )
