"""The registry of reviewed content: one adapter per kind (topic, region, site notice).

Each adapter declares what a language version of its kind is made of, read from the
models (`content_parts`, `plain_text_fields`, choices) and from django-modeltranslation's
registry, never retyped: its model and key field, its text fields, its structure (values
shared by every language, such as a topic's regions or a sign's urgency), its parts, and
its required fields. From that it reads a version's source text, renders the published
payload, says what else an approval records, and what withdrawing an item of its kind
allows and changes. The workflow, the review admin and the
coverage figures look kinds up here instead of switching on types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _

from articles.languages import SOURCE_LANGUAGE, language_codes
from articles.models import Article, BodyRegion, SiteNotice, WarningSign, without_loaded_text
from articles.translation import required_fields, translated_fields

from .models import ContentKind, Placement, PublishedVersion, RelatedLink
from .rendering import markdown_html, plain

# Columns that are bookkeeping or identity, not reviewed text or structure. `loaded_text`
# (what the loader last wrote, every language: articles/stored_state.py) must never be
# reviewed text: it would put unapproved translations into a language's snapshot, and a
# load or an export, which rewrite it, would change every fingerprint.
_NOT_REVIEWED = {"id", "order", "content_hash", "loaded_text", "updated_at", "provenance"}


def _text(obj: models.Model, name: str, language: str) -> str:
    return (getattr(obj, f"{name}_{language}", "") or "").strip()


@dataclass(frozen=True)
class Shape:
    """The reviewed fields of one model: text fields (translated) and structure."""

    model: type[models.Model]
    skip: frozenset[str] = frozenset()  # the key and the parent link

    @cached_property
    def text_fields(self) -> tuple[str, ...]:
        return translated_fields(self.model)

    @cached_property
    def required_fields(self) -> tuple[str, ...]:
        return required_fields(self.model)

    @cached_property
    def structure_fields(self) -> tuple[str, ...]:
        translated = {f"{name}_{code}" for name in self.text_fields for code in language_codes()}
        names = []
        for model_field in self.model._meta.get_fields():
            if model_field.auto_created or model_field.one_to_many or model_field.many_to_one:
                continue
            name = model_field.name
            if name in _NOT_REVIEWED or name in self.skip or name in translated:
                continue
            if name in self.text_fields:
                continue
            names.append(name)
        return tuple(names)

    def is_plain(self, obj_or_model, name: str) -> bool:
        return name in getattr(obj_or_model, "plain_text_fields", ())

    def source_text(self, obj: models.Model, language: str) -> dict[str, Any]:
        text: dict[str, Any] = {}
        for name in self.structure_fields:
            value = getattr(obj, name)
            if isinstance(value, models.Manager):
                value = sorted(related.pk if not hasattr(related, "slug") else related.slug
                               for related in value.all())  # fmt: skip
            elif isinstance(value, date):
                value = value.isoformat()
            text[name] = value
        for name in self.text_fields:
            text[name] = _text(obj, name, language)
        return text

    def render(self, text: dict[str, Any], plain_fields: tuple[str, ...]) -> dict[str, Any]:
        payload: dict[str, Any] = {name: text[name] for name in self.structure_fields}
        for name in self.text_fields:
            if name in plain_fields:
                payload[name] = plain(text[name])
            else:
                payload[f"{name}_html"] = markdown_html(text[name])
        return payload


@dataclass(frozen=True)
class Part:
    name: str  # in files, source text and payload
    related_name: str
    shape: Shape


@dataclass(frozen=True)
class ReviewedKind:
    kind: str
    model: type[models.Model]
    key_field: str
    # Found by the public search (search.index indexes its live versions).
    searchable: bool = False

    @cached_property
    def shape(self) -> Shape:
        return Shape(self.model, frozenset({self.key_field}))

    @cached_property
    def parts(self) -> tuple[Part, ...]:
        parts = []
        for name, related_name in self.model.content_parts.items():
            related = self.model._meta.get_field(related_name)
            child = related.related_model
            parts.append(Part(name, related_name, Shape(child, frozenset({related.field.name}))))
        return tuple(parts)

    # -- rows -------------------------------------------------------------------------

    def key_of(self, obj: models.Model) -> str:
        return getattr(obj, self.key_field)

    @cached_property
    def related(self) -> tuple[str, ...]:
        """The relations a language version reads: its parts and its many-to-many
        structure (a topic's regions and related topics)."""
        many = [name for name in self.shape.structure_fields
                if self.model._meta.get_field(name).many_to_many]  # fmt: skip
        return (*(part.related_name for part in self.parts), *many)

    def objects(self):
        """The rows of this kind with every part a language version reads, fetched once
        (none of them with the loader's stored state: articles.models.without_loaded_text)."""
        field, rows = self.model._meta.get_field, without_loaded_text
        parts = [models.Prefetch(n, rows(field(n).related_model)) for n in self.related]
        return rows(self.model).prefetch_related(*parts)

    def get(self, key: str) -> models.Model:
        return self.objects().get(**{self.key_field: key})

    def admin_change_url(self, obj: models.Model) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    # -- text ---------------------------------------------------------------------------

    def source_text(self, obj: models.Model, language: str) -> dict[str, Any]:
        """The raw text of one language version: what a reviewer reads and the
        fingerprint covers, with the structure every language shares."""
        text = self.shape.source_text(obj, language)
        for part in self.parts:
            text[part.name] = [
                part.shape.source_text(child, language)
                for child in getattr(obj, part.related_name).all()
            ]
        return text

    def plain_fields(self, key: str) -> tuple[str, ...]:
        """Text fields shown as one plain line rather than Markdown."""
        if self.model is SiteNotice:
            return () if key in SiteNotice.MARKDOWN_KEYS else ("text",)
        return tuple(self.model.plain_text_fields)

    def render(self, key: str, text: dict[str, Any]) -> dict[str, Any]:
        """The published payload: sanitized HTML and plain strings, nothing left to render."""
        payload = self.shape.render(text, self.plain_fields(key))
        for part in self.parts:
            plain_fields = tuple(getattr(part.shape.model, "plain_text_fields", ()))
            payload[part.name] = [part.shape.render(item, plain_fields) for item in text[part.name]]
        return payload

    def missing_texts(self, obj: models.Model, language: str) -> list[str]:
        """Field paths empty in `language` but not in English, and required English fields
        that are empty. A version must be complete before it is submitted or approved;
        otherwise the public page would have holes or be filled with another language."""
        english = self.source_text(obj, SOURCE_LANGUAGE)
        text = english if language == SOURCE_LANGUAGE else self.source_text(obj, language)
        missing: list[str] = []

        def compare(shape: Shape, reference: dict, value: dict, prefix: str) -> None:
            for name in shape.text_fields:
                path = f"{prefix}{name}"
                if reference.get(name) and not value.get(name):
                    missing.append(path)
                elif name in shape.required_fields and not reference.get(name):
                    missing.append(f"{path} (English)")

        compare(self.shape, english, text, "")
        for part in self.parts:
            for index, item in enumerate(english[part.name]):
                other = text[part.name][index] if index < len(text[part.name]) else {}
                compare(part.shape, item, other, f"{part.name}[{index}].")
        return missing

    def after_approval(self, approved: list[tuple[PublishedVersion, dict[str, Any]]]) -> None:
        """Records approvals keep beside their payloads (frozen with them): called once per
        approval batch with each new published version and the text it froze."""

    # The part whose items are red flags ("when to get help"): a change of their words or
    # urgency in English holds the translations (reviews.english_changes). None: no such
    # part, English changes only ever make translations outdated.
    red_flag_part: ClassVar[str | None] = None

    def red_flags(self, text: dict[str, Any] | None) -> list[tuple[str, str]]:
        """The red flags of a source text as (urgency, words), in a fixed order, so that
        reordering them is not a change but any added, removed or reworded one, or a
        new urgency, is."""
        if not text or self.red_flag_part is None:
            return []
        return sorted(
            (str(item.get("urgency", "")), str(item.get("text", "")))
            for item in text.get(self.red_flag_part, [])
        )

    # -- withdrawal ---------------------------------------------------------------------

    def withdrawal_refusal(self) -> str | None:
        """Why an item of this kind cannot be withdrawn now (None: it can)."""
        return None

    def withdrawal_effects(self, key: str) -> list[str]:
        """What else changes on the public site when `key` is withdrawn, beyond its own
        pages going off in every language."""
        return []


class RegionKind(ReviewedKind):
    def withdrawal_effects(self, key: str) -> list[str]:
        topics = sorted(
            set(
                PublishedVersion.objects.topics()
                .filter(placements__region=key)
                .values_list("key", flat=True)
            )
        )
        return [
            _(
                "The region page disappears, and these topics no longer show its notice "
                "or link to it: %(topics)s."
            )
            % {"topics": ", ".join(topics) or "—"}
        ]


class NoticeKind(ReviewedKind):
    PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

    def missing_texts(self, obj: models.Model, language: str) -> list[str]:
        """Also: a notice the page fills in must keep exactly its placeholders, in every
        language, or the page would show "{credit}" or lose the reviewer's name."""
        missing = super().missing_texts(obj, language)
        expected = set(SiteNotice.PLACEHOLDERS.get(obj.key, ()))
        text = self.source_text(obj, language).get("text", "")
        if text and set(self.PLACEHOLDER.findall(text)) != expected:
            names = ", ".join(f"{{{name}}}" for name in sorted(expected)) or "none"
            missing.append(f"text (placeholders must be exactly: {names})")
        return missing

    def withdrawal_refusal(self) -> str | None:
        if PublishedVersion.objects.live().exclude(kind=self.kind).exists():
            return _(
                "Site notices cannot be withdrawn while anything is published: they carry "
                "the disclaimer and the emergency guidance of every page. Replace the text "
                "by approving a new version instead."
            )
        return None


class TopicKind(ReviewedKind):
    red_flag_part = "warning_signs"
    URGENCY_ORDER = {urgency: rank for rank, urgency in enumerate(WarningSign.Urgency.values)}

    def render(self, key: str, text: dict[str, Any]) -> dict[str, Any]:
        payload = super().render(key, text)
        # Red flags most urgent first, whatever order the editor typed them in.
        payload["warning_signs"].sort(key=lambda sign: self.URGENCY_ORDER[sign["urgency"]])
        return payload

    @cached_property
    def sections(self) -> tuple[str, ...]:
        """The topic's long Markdown texts, shown as sections in this order."""
        return tuple(
            name
            for name in self.shape.text_fields
            if name not in Article.plain_text_fields and name not in Article.not_sections
        )

    def after_approval(self, approved: list[tuple[PublishedVersion, dict[str, Any]]]) -> None:
        Placement.objects.bulk_create(
            Placement(version=published, region=slug)
            for published, text in approved
            for slug in text["regions"]
        )
        RelatedLink.objects.bulk_create(
            RelatedLink(version=published, topic=slug)
            for published, text in approved
            for slug in text.get("related", [])
        )

    def withdrawal_effects(self, key: str) -> list[str]:
        linking = sorted(
            set(
                PublishedVersion.objects.topics()
                .filter(related_links__topic=key)
                .values_list("key", flat=True)
            )
        )
        if not linking:
            return []
        return [
            _("These topics no longer link to it as a related topic: %(topics)s.")
            % {"topics": ", ".join(linking)}
        ]


@dataclass
class Registry:
    kinds: dict[str, ReviewedKind] = field(default_factory=dict)

    def register(self, adapter: ReviewedKind) -> None:
        self.kinds[adapter.kind] = adapter

    def __getitem__(self, kind: str) -> ReviewedKind:
        return self.kinds[ContentKind(kind)]

    def for_model(self, model: type[models.Model]) -> ReviewedKind:
        for adapter in self.kinds.values():
            if adapter.model is model:
                return adapter
        raise TypeError(f"{model.__name__} is not reviewed content")

    def of(self, obj: models.Model) -> ReviewedKind:
        return self.for_model(type(obj))


registry = Registry()
registry.register(TopicKind(ContentKind.TOPIC, Article, "slug", searchable=True))
registry.register(RegionKind(ContentKind.REGION, BodyRegion, "slug"))
registry.register(NoticeKind(ContentKind.NOTICE, SiteNotice, "key"))
