"""Field-by-field differences between the live text and the text under review."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst


def flatten(text: Any, path: str = "") -> dict[str, str]:
    """{"relief[0].title": "Stretch", ...} for every text or structural value."""
    if isinstance(text, dict):
        flat: dict[str, str] = {}
        for name, value in text.items():
            flat.update(flatten(value, f"{path}.{name}" if path else name))
        return flat
    if isinstance(text, list):
        if all(isinstance(item, str) for item in text):
            return {path: ", ".join(text)}
        flat = {}
        for index, item in enumerate(text):
            flat.update(flatten(item, f"{path}[{index}]"))
        return flat
    return {path: "" if text is None else str(text)}


# A word diff compares every word with every other in the worst case: past this many
# words on either side, the texts are compared line by line instead, so a review page's
# cost stays bounded whatever a field holds (texts are capped at save and load as well).
MAX_WORDS_FOR_WORD_DIFF = 3000


_WORDS = re.compile(r"\s+|\S+")
_LINES = re.compile(r"\n|[^\n]+")


def word_diff(old: str, new: str) -> SafeString:
    """HTML of `new` with removed words in <del> and added words in <ins>, all escaped.

    Words and the white space between them are separate tokens, so a changed word is
    marked alone, whatever line it ends; line ends are kept as they are."""
    tokens = _WORDS
    old_words, new_words = tokens.findall(old), tokens.findall(new)
    if max(len(old_words), len(new_words)) > 2 * MAX_WORDS_FOR_WORD_DIFF:
        tokens = _LINES
        old_words, new_words = tokens.findall(old), tokens.findall(new)
    # (old, new) runs: equal runs have old == new. White space alone between two changes
    # joins them, so "Cramps [ru]" -> "Судороги мышц" reads as one change, not two.
    runs: list[list[str]] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = "".join(old_words[a1:a2]), "".join(new_words[b1:b2])
        changed = operation != "equal"
        if changed and len(runs) >= 2 and runs[-1][2] == "" and runs[-2][2] == "changed":
            space = runs.pop()
            runs[-1][0] += space[0] + removed
            runs[-1][1] += space[1] + added
            continue
        if not changed and not added.strip() and runs and runs[-1][2] == "changed":
            runs.append([removed, added, ""])  # white space that may join two changes
            continue
        runs.append([removed, added, "changed" if changed else "equal"])
    parts: list[str] = []
    for removed, added, state in runs:
        if state != "changed":
            parts.append(escape(added))
            continue
        if removed:
            parts.append(f"<del>{escape(removed)}</del>")
        if added:
            parts.append(f"<ins>{escape(added)}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


@dataclass
class FieldChange:
    path: str
    live: str
    submitted: str
    english: str
    label: str = ""

    @property
    def changed(self) -> bool:
        return self.live != self.submitted

    @property
    def diff_html(self) -> SafeString:
        return word_diff(self.live, self.submitted)

    @property
    def changed_words(self) -> int:
        """How many words were removed or added: the size of this field's change."""
        return changed_words(self.live, self.submitted)


def changed_words(old: str, new: str) -> int:
    old_words, new_words = old.split(), new.split()
    if not old_words or not new_words:  # all added or all removed: one change, no matching
        return len(old_words) + len(new_words)
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    return sum(
        max(a2 - a1, b2 - b1)
        for operation, a1, a2, b1, b2 in matcher.get_opcodes()
        if operation != "equal"
    )


def compare(
    live: dict | None, submitted: dict, english: dict | None = None, *, kind: str | None = None
) -> list[FieldChange]:
    """Every field of `submitted`, with its live value (empty when nothing is live yet),
    labelled for a reviewer when `kind` is given."""
    live_flat = flatten(live or {})
    submitted_flat = flatten(submitted)
    english_flat = flatten(english or {})
    paths = list(submitted_flat) + [path for path in live_flat if path not in submitted_flat]
    return [
        FieldChange(
            path=path,
            live=live_flat.get(path, ""),
            submitted=submitted_flat.get(path, ""),
            english=english_flat.get(path, ""),
            label=field_label(kind, path) if kind else path,
        )
        for path in paths
    ]


_PATH_PART = re.compile(r"^(?P<name>[a-z_]+)(?:\[(?P<index>\d+)\])?$")


def field_label(kind: str, path: str) -> str:
    """A reviewer's name for a flattened path, from the models' own verbose names:
    "references[3].checked" -> "References 4: checked", "title" -> "Title"."""
    from .registry import registry

    adapter = registry[kind]
    pieces = path.split(".")
    first = _PATH_PART.match(pieces[0])
    if first is None:
        return path
    parts = {part.name: part for part in adapter.parts}
    part = parts.get(first["name"])
    if part is None:
        return _verbose(adapter.model, first["name"])
    label = str(capfirst(part.shape.model._meta.verbose_name_plural))
    if first["index"] is not None:
        label = f"{label} {int(first['index']) + 1}"
    if len(pieces) > 1:
        label = f"{label}: {_verbose(part.shape.model, pieces[1], capital=False)}"
    return label


def _verbose(model, name: str, *, capital: bool = True) -> str:
    try:
        verbose = str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        verbose = name.replace("_", " ")
    return str(capfirst(verbose)) if capital else verbose
