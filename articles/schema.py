"""The declared schema of the content files (content/FORMAT.md), built with pydantic from
the models and django-modeltranslation's registry, so a field is declared once: adding a
translated field to a model makes it a key of the files, with the model's size limit.

`export_json_schemas()` writes the JSON Schemas that editors' TOML editors validate
against (content/schema/); a test keeps the committed copies current.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from django.db import models
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, create_model

from .languages import SOURCE_LANGUAGE, language_codes
from .models import Article, BodyRegion, EmergencyNumber, SiteNotice
from .translation import required_fields, translated_fields
from .validators import MAX_TEXT_LENGTH, invisible_characters

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Bookkeeping columns that content files never set.
# `related` (a topic's related topics) is edited in the admin only for now: a file may
# name a topic loaded later in the same run, which the loader cannot link yet.
NOT_IN_FILES = {"id", "order", "content_hash", "loaded_text", "updated_at", "related"}

STRICT = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=True)


def _visible(value: str) -> str:
    found = invisible_characters(value)
    if found:
        raise ValueError(f"remove the invisible formatting characters {', '.join(found)}")
    return value


def _text_type(max_length: int):
    return Annotated[
        str, StringConstraints(max_length=max_length, strict=True), AfterValidator(_visible)
    ]


@cache
def texts_model(max_length: int, required: bool) -> type[BaseModel]:
    """A table of language code -> text, e.g. `title.en = "..."`."""
    text = _text_type(max_length)
    fields: dict[str, Any] = {code: (text | None, None) for code in language_codes()}
    if required:
        fields[SOURCE_LANGUAGE] = (Annotated[text, StringConstraints(min_length=1)], ...)
    suffix = f"{max_length}{'Required' if required else ''}"
    return create_model(f"Texts{suffix}", __config__=STRICT, **fields)


def _max_length(model_field: models.Field) -> int:
    return model_field.max_length or MAX_TEXT_LENGTH


def _structure_type(model_field: models.Field):
    if model_field.choices:
        return Literal[tuple(str(value) for value, _label in model_field.flatchoices)]
    if isinstance(model_field, models.SlugField):
        return Annotated[str, StringConstraints(pattern=SLUG_PATTERN, strict=True)]
    if isinstance(model_field, models.URLField):
        return Annotated[
            str, StringConstraints(pattern=r"^https?://\S+$", max_length=model_field.max_length)
        ]
    if isinstance(model_field, models.DateField):
        return date
    if isinstance(model_field, models.ManyToManyField | models.JSONField):
        return list[Annotated[str, StringConstraints(strict=True)]]
    return Annotated[str, StringConstraints(max_length=model_field.max_length, strict=True)]


@cache
def entry_model(model: type[models.Model], skip: tuple[str, ...] = ()) -> type[BaseModel]:
    """The schema of one entry of `model`: its translated texts, its structure, its parts."""
    text_fields = set(translated_fields(model))
    translated = {f"{name}_{code}" for name in text_fields for code in language_codes()}
    required = required_fields(model)
    fields: dict[str, Any] = {}
    for model_field in model._meta.get_fields():
        name = model_field.name
        if (
            model_field.auto_created
            or model_field.one_to_many
            or model_field.many_to_one
            or name in NOT_IN_FILES
            or name in translated
            or name in skip
        ):
            continue
        if name in text_fields:
            texts = texts_model(_max_length(model_field), name in required)
            fields[name] = (texts, ...) if name in required else (texts | None, None)
            continue
        annotation = _structure_type(model_field)
        if model_field.many_to_many and not model_field.blank:
            fields[name] = (Annotated[annotation, Field(min_length=1)], ...)
        elif model_field.has_default():
            default = model_field.get_default()
            fields[name] = (annotation, Field(default_factory=lambda d=default: d))
        elif model_field.blank:
            fields[name] = (annotation | None, None)
        else:
            fields[name] = (annotation, ...)
    for part_name, related_name in getattr(model, "content_parts", {}).items():
        if part_name in skip:
            continue
        relation = model._meta.get_field(related_name)
        child = entry_model(relation.related_model, (relation.field.name,))
        fields[part_name] = (list[child], Field(default_factory=list))
    return create_model(model.__name__, __config__=STRICT, **fields)


def topic_file() -> type[BaseModel]:
    return entry_model(Article)


@cache
def list_file(model: type[models.Model], table: str, skip: tuple[str, ...] = ()):
    """A file holding a list of entries: `[[region]]`, `[[notice]]`, `[[number]]`."""
    entry = entry_model(model, skip)
    return create_model(
        f"{model.__name__}File", __config__=STRICT, **{table: (list[entry], Field(min_length=1))}
    )


# content/ file name -> (its schema, the table holding its entries)
def file_schemas() -> dict[str, type[BaseModel]]:
    return {
        "topic": topic_file(),
        "regions": list_file(BodyRegion, "region"),
        "notices": list_file(SiteNotice, "notice", ("numbers",)),
        "emergency_numbers": list_file(EmergencyNumber, "number", ("notice",)),
    }


def export_json_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in file_schemas().items():
        path = folder / f"{name}.schema.json"
        document = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
        document |= schema.model_json_schema()
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        written.append(path)
    return written
