"""What changed in English for a translation: the translator's and reviewer's view.

A translation snapshot records the English version it was checked against
(`PublishedVersion.english_version`, its *basis*). What a translator has to redo is the
difference between that basis and the English approved now, field by field; never the
English draft of the editable rows, which may be unreviewed. The draft is shown apart
when it differs from the approved English, so a translator can see what is coming.

A translation counts as "this language's approved text" while it is live or held (see
`PublishedVersion.held`: a red-flag change in English takes it off the public until it is
approved again); a withdrawn or replaced snapshot is history.

Decisions:
- Paths are those of `reviews.diff.flatten` ("warning_signs[0].text"), the same the review
  page's diff uses; parts are matched by position, as the completeness check does.
- Structure (a sign's urgency, a topic's regions) is listed too: a changed urgency is a
  change a translator must see, even though its value is shared by every language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.safestring import SafeString

from articles.languages import SOURCE_LANGUAGE

from .diff import flatten, word_diff
from .models import PublishedVersion


@dataclass(frozen=True)
class EnglishField:
    """One field's English: approved now, as the translation's basis, and as drafted."""

    path: str
    approved: str
    basis: str | None  # None: this language was never approved (nothing to compare with)
    draft: str

    @property
    def changed(self) -> bool:
        """The approved English of this field changed since the translation's approval."""
        return self.basis is not None and self.basis != self.approved

    @property
    def draft_differs(self) -> bool:
        return self.draft != self.approved

    @property
    def diff_html(self) -> SafeString:
        return word_diff(self.basis or "", self.approved)


@dataclass
class EnglishChanges:
    """The English of one item as one translation needs it."""

    language: str
    approved: PublishedVersion | None  # the live English
    translation: PublishedVersion | None  # the live or held translation
    fields: list[EnglishField] = field(default_factory=list)

    @property
    def basis(self) -> PublishedVersion | None:
        return self.translation.english_version if self.translation else None

    @property
    def held(self) -> bool:
        return bool(self.translation and self.translation.held)

    @property
    def changed(self) -> list[EnglishField]:
        return [item for item in self.fields if item.changed]

    @property
    def draft_changed(self) -> list[EnglishField]:
        return [item for item in self.fields if item.draft_differs]

    def field(self, path: str) -> EnglishField | None:
        return self._by_path.get(path)

    @property
    def _by_path(self) -> dict[str, EnglishField]:
        return {item.path: item for item in self.fields}


def approved_translation(kind: str, key: str, language: str) -> PublishedVersion | None:
    """This language's approved text: the live snapshot, or the held one."""
    return (
        PublishedVersion.objects.filter(kind=kind, key=key, language=language)
        .filter(Q(is_current=True) | Q(held=True))
        .select_related("english_version")
        .order_by("-approved_at")
        .first()
    )


def live_english(kind: str, key: str) -> PublishedVersion | None:
    return PublishedVersion.objects.live(SOURCE_LANGUAGE).filter(kind=kind, key=key).first()


def english_changes(
    kind: str,
    key: str,
    language: str,
    *,
    draft: dict[str, Any] | None,
    approved: PublishedVersion | None = None,
) -> EnglishChanges:
    """Per field, the English `language`'s translation was approved against, the English
    approved now and the English draft (`draft`, the editable rows' English source text).
    `approved` may pass the live English already read."""
    approved = approved if approved is not None else live_english(kind, key)
    translation = approved_translation(kind, key, language)
    approved_flat = flatten(approved.source) if approved else {}
    basis = translation.english_version if translation else None
    basis_flat = flatten(basis.source) if basis else None
    draft_flat = flatten(draft or {})
    paths = list(approved_flat) + [path for path in draft_flat if path not in approved_flat]
    fields = [
        EnglishField(
            path=path,
            approved=approved_flat.get(path, ""),
            basis=None if basis_flat is None else basis_flat.get(path, ""),
            draft=draft_flat.get(path, ""),
        )
        for path in paths
    ]
    return EnglishChanges(language, approved, translation, fields)
