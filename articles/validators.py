"""Checks every reader-facing text passes, at save (admin forms) and at load (content files)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Text sizes a reader (and a reviewer's word diff) can handle. Titles and short texts are
# CharFields with their own max_length; these bound the long Markdown texts.
MAX_TEXT_LENGTH = 20_000
MAX_SHORT_DESCRIPTION = 160
MAX_ALSO_CALLED = 300


_LINE_BREAKS_AND_TABS = str.maketrans("", "", "\n\r\t")


def printable_but_line_breaks(text: str) -> bool:
    """No control (Cc) or format (Cf) character other than line breaks and tabs: the
    common case, answered by `str.isprintable` without looking at each character in
    Python (printable excludes every Cc and Cf, and spaces other than U+0020, which send
    a text down the character-by-character path)."""
    return text.translate(_LINE_BREAKS_AND_TABS).isprintable()


def invisible_characters(text: str) -> list[str]:
    """Unicode format characters (bidi controls, zero-width spaces, soft hyphens...) in
    `text`, as U+XXXX names. They are invisible on the page yet can reorder or hide what a
    reviewer reads ("5\u202e01 mg" shows as "510 mg"), so no reviewed text may hold them."""
    if printable_but_line_breaks(text):
        return []
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


@deconstructible(path="articles.validators.ReaderText")
class ReaderText:
    """Every check a reader-facing text passes, as one validator: the field list of the
    models names `ReaderText()` (short texts, whose size is the field's max_length) or
    `ReaderText(long=True)` (long Markdown texts, at most MAX_TEXT_LENGTH characters).

    Its migrations record only that choice, never the rules themselves, so adding or
    changing a rule here changes no migration; before, each rule was repeated on every
    language column of every text field (articles/migrations/0002)."""

    def __init__(self, *, long: bool = False):
        self.long = long

    def __call__(self, value: str) -> None:
        reject_invisible_characters(value)
        if self.long:
            MaxLengthValidator(MAX_TEXT_LENGTH)(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReaderText) and other.long == self.long

    def __hash__(self) -> int:
        return hash((ReaderText, self.long))


# Clinical codes a topic answers to (issue 25): "SYSTEM:code", reviewed like the text.
# ICD-10 as the WHO publishes it (international; ICD-10-CM requests are matched by its
# WHO stem), SNOMED CT International concept ids.
CODE_SYSTEMS = {
    "ICD10": r"[A-TV-Z][0-9]{2}(\.[0-9A-Z]{1,4})?",
    "SNOMED": r"[1-9][0-9]{5,17}",
}


def clinical_code_problems(codes) -> list[str]:
    import re

    if not isinstance(codes, list):
        return ["a list of codes"]
    problems = []
    for code in codes:
        system, _sep, value = str(code).partition(":")
        pattern = CODE_SYSTEMS.get(system)
        if pattern is None or not re.fullmatch(pattern, value):
            problems.append(str(code))
    return problems


def validate_clinical_codes(value) -> None:
    problems = clinical_code_problems(value)
    if problems:
        raise ValidationError(
            _(
                "Write each clinical code as ICD10:R25.2 or SNOMED:55300003; "
                "these are not: %(codes)s."
            ),
            code="clinical_codes",
            params={"codes": ", ".join(problems)},
        )
