"""Glossary terms at hand: which glossary entries a field's English calls for, and which
renderings a translation uses that the glossary avoids.

The glossaries are read by articles.content_checks (`load_rules`), the one reader of
content/glossary/*.toml; this module only looks terms up for one text. The first `use`
rendering of a term is its preferred translation (one per concept, content/EDITORIAL.md);
the others are accepted stems the content checks also allow. An avoided rendering in a
save is a warning here: the blocking rules are the review workbench's content checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from articles.content_checks import Term, load_rules


def _content_dir() -> Path:
    return Path(settings.CONTENT_DIR)


@dataclass(frozen=True)
class TermAtHand:
    term: Term

    @property
    def english(self) -> str:
        return self.term.en

    @property
    def preferred(self) -> str:
        return self.term.use[0] if self.term.use else ""

    @property
    def avoid(self) -> tuple[str, ...]:
        return self.term.avoid

    def note(self) -> str:
        """One line for an XLIFF note or a form: "cramp → calambre (avoid: ...)"."""
        line = f"{self.english} → {self.preferred}"
        if self.avoid:
            line += " (" + _("avoid: %(terms)s") % {"terms": ", ".join(self.avoid)} + ")"
        return line


class Glossary:
    """One language's glossary, as a translator of that language needs it."""

    def __init__(self, language: str):
        self.language = language

    @cached_property
    def terms(self) -> tuple[Term, ...]:
        return load_rules(_content_dir()).glossaries.get(self.language, ())

    def found_in(self, english: str) -> list[TermAtHand]:
        """The entries whose English term occurs in `english` (case-insensitive)."""
        folded = english.casefold()
        return [TermAtHand(term) for term in self.terms if term.en.casefold() in folded]

    def avoided_in(self, translation: str) -> list[str]:
        """A warning per avoided rendering `translation` uses."""
        folded = translation.casefold()
        return [
            _("“%(avoid)s” is a rendering the glossary avoids for “%(term)s”: prefer “%(use)s”.")
            % {"avoid": avoid, "term": term.en, "use": term.use[0] if term.use else ""}
            for term in self.terms
            for avoid in term.avoid
            if avoid.casefold() in folded
        ]
