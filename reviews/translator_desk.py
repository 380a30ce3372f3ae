"""What a translator's change form shows beside each field they translate.

Per field and language: the approved English (the text the reviewer will check the
translation against), what changed in it since this language was last approved (a word
diff, the field marked "changed"), and the English draft apart when it differs from the
approved English. Without any approved English, the English draft is shown, labelled as
not yet approved.

One desk is built per request and item (`desk_for`), shared by the item's form and its
inline forms, so the snapshots are read once per page, not once per field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Model
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from articles.languages import SOURCE_LANGUAGE
from staff import roles

from .english_changes import EnglishChanges, english_changes, live_english
from .memory import Memory
from .registry import ReviewedKind, registry
from .terms import Glossary


@dataclass
class Desk:
    """The English an item's translators work from, for one person's languages."""

    adapter: ReviewedKind
    obj: Model
    languages: list[str]
    _changes: dict[str, EnglishChanges] = field(default_factory=dict)
    _glossaries: dict[str, Glossary] = field(default_factory=dict)
    _memories: dict[str, Memory] = field(default_factory=dict)

    @cached_property
    def key(self) -> str:
        return self.adapter.key_of(self.obj)

    @cached_property
    def english(self):
        return live_english(self.adapter.kind, self.key)

    @cached_property
    def row(self) -> Model:
        """The item with its parts as saved now (the form's own object may be unsaved)."""
        return self.adapter.get(self.key)

    @cached_property
    def draft(self) -> dict:
        return self.adapter.source_text(self.row, SOURCE_LANGUAGE)

    @cached_property
    def part_positions(self) -> dict[type[Model], tuple[str, dict[int, int]]]:
        """Per part model: its name in source texts and each row's position (by pk)."""
        positions = {}
        for part in self.adapter.parts:
            rows = getattr(self.row, part.related_name).all()
            positions[part.shape.model] = (
                part.name,
                {row.pk: index for index, row in enumerate(rows)},
            )
        return positions

    def prefix_of(self, instance: Model) -> str | None:
        """The source-text path prefix of the item or one of its part rows ("" for the
        item, "warning_signs[2]." for a part row); None for a row not saved yet."""
        if type(instance) is self.adapter.model:
            return ""
        name, positions = self.part_positions.get(type(instance), ("", {}))
        if instance.pk is None or instance.pk not in positions:
            return None
        return f"{name}[{positions[instance.pk]}]."

    def changes(self, language: str) -> EnglishChanges:
        if language not in self._changes:
            self._changes[language] = english_changes(
                self.adapter.kind, self.key, language, draft=self.draft, approved=self.english
            )
        return self._changes[language]

    def glossary(self, language: str) -> Glossary:
        return self._glossaries.setdefault(language, Glossary(language))

    def help_html(self, path: str, language: str, draft_text: str, current: str = "") -> SafeString:
        """The English beside field `path` of `language`'s translation, the glossary
        terms it calls for and the memory's approved translation of the same English."""
        changes = self.changes(language)
        english = changes.field(path) if changes.approved else None
        if english is None:
            return join(
                format_html(
                    '<div class="english-source" lang="{}" dir="ltr">{}: {}</div>'
                    '<div class="english-unapproved">{}</div>',
                    SOURCE_LANGUAGE,
                    _("English source"),
                    draft_text,
                    _("(English draft: not approved yet)"),
                ),
                self._terms_html(draft_text, language),
            )
        parts = [
            format_html(
                '<div class="english-source" lang="{}" dir="ltr">{}: {}</div>',
                SOURCE_LANGUAGE,
                _("Approved English"),
                english.approved,
            )
        ]
        if english.changed:
            parts.append(
                format_html(
                    '<div class="english-changed"><strong class="changed-mark">{}</strong> '
                    '<span lang="{}" dir="ltr">{}</span></div>',
                    _("Changed in English since this translation was approved:"),
                    SOURCE_LANGUAGE,
                    english.diff_html,
                )
            )
        if english.draft_differs:
            parts.append(
                format_html(
                    '<div class="english-draft">{} <span lang="{}" dir="ltr">{}</span></div>',
                    _("English draft, not yet approved:"),
                    SOURCE_LANGUAGE,
                    english.draft or "—",
                )
            )
        parts.append(self._terms_html(english.approved, language))
        parts.append(self._memory_html(english.approved, language, path, current))
        return format_html_join("", "{}", ((part,) for part in parts))

    def _terms_html(self, english: str, language: str) -> SafeString:
        found = self.glossary(language).found_in(english)
        if not found:
            return mark_safe("")  # noqa: S308 - empty
        return format_html(
            '<div class="glossary-terms">{} <ul>{}</ul></div>',
            _("Glossary:"),
            format_html_join(
                "",
                '<li><span lang="{}" dir="ltr">{}</span> → <strong lang="{}">{}</strong>{}</li>',
                (
                    (
                        SOURCE_LANGUAGE,
                        term.english,
                        language,
                        term.preferred,
                        format_html(" ({} {})", _("avoid:"), ", ".join(term.avoid))
                        if term.avoid
                        else "",
                    )
                    for term in found
                ),
            ),
        )

    def _memory_html(self, english: str, language: str, path: str, current: str) -> SafeString:
        memory = self.memory(language)
        exclude = (self.adapter.kind, self.key, path)
        whole = memory.match(english, exclude=exclude)
        matches = (
            [whole] if whole is not None else memory.sentence_matches(english, exclude=exclude)
        )
        matches = [match for match in matches if match.translation not in current]
        if not matches:
            return mark_safe("")  # noqa: S308 - empty
        return format_html(
            '<div class="translation-memory">{} <ul>{}</ul></div>',
            _(
                "Translation memory: approved translations of this English elsewhere on the "
                "site (not saved unless you copy them into the field):"
            ),
            format_html_join(
                "",
                '<li><span lang="{}" dir="ltr">{}</span> → <span lang="{}">{}</span> ({})</li>',
                (
                    (
                        SOURCE_LANGUAGE,
                        match.english,
                        language,
                        match.translation,
                        f"{match.kind} {match.key}, {match.path}",
                    )
                    for match in matches
                ),
            ),
        )

    def memory(self, language: str) -> Memory:
        return self._memories.setdefault(language, Memory(language))


def desk_for(request, obj: Model | None) -> Desk | None:
    """The desk of `obj` for the person of `request`, built once per request."""
    if obj is None or obj.pk is None:
        return None
    adapter = registry.of(obj)
    desks = request.__dict__.setdefault("_translator_desks", {})
    item = (adapter.kind, adapter.key_of(obj))
    if item not in desks:
        languages = [
            code for code in roles.editable_languages(request.user) if code != SOURCE_LANGUAGE
        ]
        desks[item] = Desk(adapter, obj, languages) if languages else None
    return desks[item]


def join(*pieces: SafeString) -> SafeString:
    return mark_safe("".join(pieces))  # noqa: S308 - each piece is already safe HTML
