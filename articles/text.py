"""What every stored reader-facing text looks like: one normal form, applied at save in
the admin (`NormalisedCharField`) and in the content loader, and to older rows by
migration 0004.

A browser sends a textarea's line ends as CRLF (HTML's form submission rules); content
files have LF. Without one form, a save that changed nothing looked like a new text to
the review workflow (every language back to draft, every line "changed" in the diff).

The normal form:
- line ends are LF (CRLF and lone CR become LF);
- no white space at the end of a line, and none before the first or after the last
  character (Markdown's "two spaces for a line break" is therefore not used: a line
  break inside a paragraph is kept as typed, by the renderer, without it);
- Unicode NFC: "é" typed as e + combining accent and as one character are the same text.
  NFC only composes; it never changes what a reader sees (NFKC would turn "²" into "2").
Nothing else changes: tabs, inner spaces and blank lines between paragraphs stay.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms

_LINE_END = re.compile(r"\r\n?")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)


def normalise_text(value: str) -> str:
    """`value` in the stored normal form (see the module docstring); idempotent."""
    if not value:
        return value
    value = _LINE_END.sub("\n", value)
    value = _TRAILING_SPACE.sub("", value)
    return unicodedata.normalize("NFC", value).strip()


class NormalisedCharField(forms.CharField):
    """A form's text field that cleans to the normal form; `has_changed` compares normal
    forms, so a browser's CRLF copy of unchanged text is no change."""

    def to_python(self, value):
        return normalise_text(super().to_python(value))
